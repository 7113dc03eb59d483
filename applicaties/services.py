"""Writes for applications. Every change goes through here (web, admin, API, commands)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applicaties.models import Applicatie
from applicaties.selectors import user_administers_application
from beheer.errors import ServiceError
from beheer.forms_util import validation_error_message

CONTACT_FIELDS = ("contact_naam", "contact_email", "contact_telefoon")


@transaction.atomic
def update_application_contact(
    *, applicatie_id: int, by, contact_naam: str, contact_email: str, contact_telefoon: str
) -> Applicatie:
    """An applicatiebeheerder keeps the contact data of their application up to date."""
    if not user_administers_application(user=by, applicatie_id=applicatie_id):
        raise ServiceError(
            "U bent geen beheerder van deze applicatie.", code="not_application_admin"
        )
    applicatie = Applicatie.objects.select_for_update().get(pk=applicatie_id)
    applicatie.contact_naam = (contact_naam or "").strip()
    applicatie.contact_email = (contact_email or "").strip()
    applicatie.contact_telefoon = (contact_telefoon or "").strip()
    try:
        applicatie.full_clean(exclude=["beheerders"])
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    applicatie.save(update_fields=[*CONTACT_FIELDS, "gewijzigd_op"])
    return applicatie
