"""Writes for applications. Every change goes through here (web, admin, API, commands)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applicaties.models import Applicatie
from applicaties.selectors import user_administers_application
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError
from beheer.fhir import APPLICATION_DEVICES_PUSH
from beheer.fhir.deliveries import queue_delivery
from beheer.forms_util import clean_contact, validation_error_message

CONTACT_FIELDS = ("contact_naam", "contact_email", "contact_telefoon")
TECHNICAL_CONTACT_FIELDS = (
    "technisch_contact_naam",
    "technisch_contact_email",
    "technisch_contact_telefoon",
)


@transaction.atomic
def update_application_contact(
    *,
    applicatie_id: int,
    by,
    contact_naam: str,
    contact_email: str,
    contact_telefoon: str,
    technisch_contact_naam: str | None = None,
    technisch_contact_email: str | None = None,
    technisch_contact_telefoon=None,
) -> Applicatie:
    """An applicatiebeheerder keeps the contact data of their application up to date: the
    contact person (name and e-mail required) and, optionally, the technical contact (left
    as it is when not given)."""
    if not user_administers_application(user=by, applicatie_id=applicatie_id):
        raise ServiceError(
            "U bent geen beheerder van deze applicatie.", code="not_application_admin"
        )
    applicatie = Applicatie.objects.select_for_update().get(pk=applicatie_id)
    before = {name: getattr(applicatie, name) for name in CONTACT_FIELDS}
    applicatie.contact_naam, applicatie.contact_email, applicatie.contact_telefoon = clean_contact(
        naam=contact_naam, email=contact_email, telefoon=contact_telefoon
    )
    fields = list(CONTACT_FIELDS)
    if technisch_contact_naam is not None:
        applicatie.technisch_contact_naam = technisch_contact_naam.strip()
        applicatie.technisch_contact_email = (technisch_contact_email or "").strip()
        applicatie.technisch_contact_telefoon = str(technisch_contact_telefoon or "").strip()
        fields += TECHNICAL_CONTACT_FIELDS
    try:
        applicatie.full_clean(exclude=["beheerders"])
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    applicatie.save(update_fields=[*fields, "gewijzigd_op"])
    record(
        event=AuditEvent.APPLICATIE_GEWIJZIGD,
        obj=applicatie,
        by=by,
        applicatie=applicatie,
        changes={name: [before[name], getattr(applicatie, name)] for name in CONTACT_FIELDS},
    )
    return applicatie


SUPPORT_EDITABLE_FIELDS = (
    "naam",
    "leverancier",
    "soort",
    "omschrijving",
    "contact_naam",
    "contact_email",
    "contact_telefoon",
    *TECHNICAL_CONTACT_FIELDS,
)


@transaction.atomic
def update_application(*, applicatie_id: int, by, **changes) -> Applicatie:
    """Support changes an application's data. A new name is the Devices' deviceName in every
    domain, so a rename queues a re-push of the Devices of its instances that are not closed."""
    if not (by.is_authenticated and by.is_active and by.is_support):
        raise ServiceError("Alleen support kan een applicatie wijzigen.", code="not_support")
    unknown = set(changes) - set(SUPPORT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    try:
        applicatie = Applicatie.objects.select_for_update().get(pk=applicatie_id)
    except Applicatie.DoesNotExist as exc:
        raise ServiceError("Deze applicatie bestaat niet.", code="not_found") from exc
    old_name = applicatie.naam
    before = {name: getattr(applicatie, name) for name in changes}
    for name, value in changes.items():
        setattr(applicatie, name, value.strip() if isinstance(value, str) else value)
    try:
        applicatie.full_clean(exclude=["beheerders"])
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    applicatie.save(update_fields=[*changes, "gewijzigd_op"])
    record(
        event=AuditEvent.APPLICATIE_GEWIJZIGD,
        obj=applicatie,
        by=by,
        applicatie=applicatie,
        changes={name: [before[name], getattr(applicatie, name)] for name in changes},
    )
    if applicatie.naam != old_name:
        queue_delivery(
            kind=APPLICATION_DEVICES_PUSH,
            payload={"applicatie_id": applicatie.pk},
            recipient=f"Devices van {applicatie.naam}",
        )
    return applicatie
