"""Writes for onboarding requests (aanmeldingen): file, accept, refuse.

    file_onboarding_request(soort=..., data={...}, by=user_or_None, aanvrager_naam=..., ...)
    accept_onboarding_request(aanmelding_id=..., by=support, fhir_base_url=..., ...)
    refuse_onboarding_request(aanmelding_id=..., by=support, reason=...)

A lifecycle like the connection requests': a status, a transition table, a locked row, one
history row per move, and a mail to the requester either way. Accepting creates the Domein or
Applicatie and makes the requester its first beheerder (teams.services), all in one
transaction: a refused step (a name taken in the meantime) leaves nothing half made.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aanmeldingen import mails
from aanmeldingen.models import (
    ONBOARDING_TRANSITIONS,
    Aanmelding,
    AanmeldingSoort,
    AanmeldingStatus,
    AanmeldingStatuswijziging,
)
from applicaties.models import Applicatie
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError, clean_reason
from beheer.forms_util import validation_error_message
from domeinen.models import Domein, domein_naam_validator
from teams.services import add_first_beheerder_to_application, add_first_beheerder_to_domain

log = logging.getLogger(__name__)

DOMAIN_FIELDS = (
    "organisatie",
    "naam",
    "omgeving",
    "fhir_base_url",
    "contact_naam",
    "contact_email",
    "contact_telefoon",
    "technisch_naam",
    "technisch_email",
    "technisch_telefoon",
    "toelichting",
)
APPLICATION_FIELDS = (
    "organisatie",
    "naam",
    "applicatie_soort",
    "contact_naam",
    "contact_email",
    "contact_telefoon",
    "technisch_naam",
    "technisch_email",
    "technisch_telefoon",
    "toelichting",
)


def _name_taken(*, soort: str, naam: str, exclude_pk=None) -> str:
    """Why this name cannot be had (Dutch), or ''."""
    if soort == AanmeldingSoort.DOMEIN:
        if Domein.objects.filter(naam__iexact=naam).exists():
            return _("Er bestaat al een domein met de naam %(naam)s.") % {"naam": naam}
    elif Applicatie.objects.filter(naam__iexact=naam).exists():
        return _("Er bestaat al een applicatie met de naam %(naam)s.") % {"naam": naam}
    open_ones = Aanmelding.objects.filter(
        soort=soort, naam__iexact=naam, status=AanmeldingStatus.AANGEVRAAGD
    )
    if exclude_pk is not None:
        open_ones = open_ones.exclude(pk=exclude_pk)
    if open_ones.exists():
        return _("Er is al een aanmelding voor %(naam)s in behandeling.") % {"naam": naam}
    return ""


def _throttle(client_ip: str | None) -> None:
    key = f"kt-onboarding:{client_ip or 'unknown'}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > settings.KT_ONBOARDING_LIMIT:
        raise ServiceError(
            _("Te veel aanmeldingen vanaf dit adres. Probeer het over een uur opnieuw."),
            code="throttled",
        )


def file_onboarding_request(
    *,
    soort: str,
    data: dict,
    by=None,
    aanvrager_naam: str = "",
    aanvrager_email: str = "",
    client_ip: str | None = None,
) -> Aanmelding:
    """A logged-in user (`by`) or, with KT_PUBLIC_ONBOARDING, someone without an account
    (name and address given, throttled per client address) asks for a domain or an
    application-ID. Support and the requester get a mail."""
    anonymous = by is None or not by.is_authenticated
    if anonymous:
        if not settings.KT_PUBLIC_ONBOARDING:
            raise ServiceError(_("Log in om een aanmelding te doen."), code="login_required")
        _throttle(client_ip)
    elif not by.is_active:
        raise ServiceError(_("Dit account is niet actief."), code="inactive")
    if soort not in AanmeldingSoort.values:
        raise ServiceError(_("Onbekende soort aanmelding."), code="invalid")
    fields = DOMAIN_FIELDS if soort == AanmeldingSoort.DOMEIN else APPLICATION_FIELDS
    values = {f: (data.get(f) or "").strip() for f in fields}
    aanmelding = Aanmelding(
        soort=soort,
        aangevraagd_door=None if anonymous else by,
        aanvrager_naam=(aanvrager_naam if anonymous else by.get_full_name()).strip(),
        aanvrager_email=(aanvrager_email if anonymous else by.email).strip(),
        **values,
    )
    if soort == AanmeldingSoort.DOMEIN:
        aanmelding.naam = aanmelding.naam.lower()
        try:
            domein_naam_validator(aanmelding.naam)
        except ValidationError as exc:
            raise ServiceError(validation_error_message(exc), code="invalid_name") from exc
    try:
        aanmelding.full_clean(exclude=["aangevraagd_door", "besloten_door", "domein", "applicatie"])
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    with transaction.atomic():
        taken = _name_taken(soort=soort, naam=aanmelding.naam)
        if taken:
            raise ServiceError(taken, code="duplicate_name")
        aanmelding.save()
        AanmeldingStatuswijziging.objects.create(
            aanmelding=aanmelding,
            door=None if anonymous else by,
            van_status="",
            naar_status=AanmeldingStatus.AANGEVRAAGD,
        )
        record(
            event=AuditEvent.AANMELDING_INGEDIEND,
            obj=aanmelding,
            by=None if anonymous else by,
            changes={"soort": [None, aanmelding.soort], "naam": [None, aanmelding.naam]},
        )
        mails.queue_filed_mails(aanmelding=aanmelding)
    log.info("onboarding request %s filed", aanmelding.pk)
    return aanmelding


def _decide(*, aanmelding_id: int, by, to: str) -> Aanmelding:
    """Lock the request, check that support decides and that it is still open."""
    if not (by.is_authenticated and by.is_active and by.is_support):
        raise ServiceError(_("Alleen support beoordeelt aanmeldingen."), code="not_support")
    try:
        aanmelding = Aanmelding.objects.select_for_update().get(pk=aanmelding_id)
    except Aanmelding.DoesNotExist as exc:
        raise ServiceError(_("Deze aanmelding bestaat niet."), code="not_found") from exc
    if to not in ONBOARDING_TRANSITIONS[aanmelding.status]:
        raise ServiceError(
            _("Over deze aanmelding is al besloten (%(status)s).")
            % {"status": aanmelding.get_status_display()},
            code="not_open",
        )
    return aanmelding


def _record(aanmelding: Aanmelding, *, by, to: str, reason: str = "") -> None:
    old = aanmelding.status
    aanmelding.status = to
    aanmelding.besloten_door = by
    aanmelding.besloten_op = timezone.now()
    aanmelding.besluit_reden = reason
    aanmelding.save()
    AanmeldingStatuswijziging.objects.create(
        aanmelding=aanmelding, door=by, van_status=old, naar_status=to, reden=reason
    )
    record(
        event=(
            AuditEvent.AANMELDING_GEACCEPTEERD
            if to == AanmeldingStatus.GEACCEPTEERD
            else AuditEvent.AANMELDING_GEWEIGERD
        ),
        obj=aanmelding,
        by=by,
        domein=aanmelding.domein_id,
        applicatie=aanmelding.applicatie_id,
        changes={"status": [old, to], "reden": [None, reason]},
    )


def accept_onboarding_request(
    *,
    aanmelding_id: int,
    by,
    fhir_base_url: str = "",
    confirm_existing: bool = False,
) -> Aanmelding:
    """Support accepts: the domain (FHIR base URL from the request or given here) or the
    application is created, the requester becomes its first beheerder (a new account gets the
    invitation link) and gets a mail."""
    with transaction.atomic():
        aanmelding = _decide(aanmelding_id=aanmelding_id, by=by, to=AanmeldingStatus.GEACCEPTEERD)
        taken = _name_taken(soort=aanmelding.soort, naam=aanmelding.naam, exclude_pk=aanmelding.pk)
        if taken:
            raise ServiceError(taken, code="duplicate_name")
        contact = {
            "contact_naam": aanmelding.contact_naam,
            "contact_email": aanmelding.contact_email,
            "contact_telefoon": aanmelding.contact_telefoon,
        }
        first = {
            "by": by,
            "user": aanmelding.aangevraagd_door,
            "full_name": aanmelding.aanvrager_naam,
            "email": aanmelding.aanvrager_email,
            "confirm_existing": confirm_existing,
        }
        if aanmelding.soort == AanmeldingSoort.DOMEIN:
            url = (fhir_base_url or aanmelding.fhir_base_url).strip()
            if not url:
                raise ServiceError(
                    _("Vul de FHIR base URL van het nieuwe domein in."), code="fhir_url_required"
                )
            domein = Domein(
                naam=aanmelding.naam,
                zorgaanbieder=aanmelding.organisatie,
                fhir_base_url=url,
                omschrijving=aanmelding.toelichting,
                **contact,
            )
            _full_clean(domein)
            domein.save()
            aanmelding.domein = domein
            add_first_beheerder_to_domain(domein_id=domein.pk, **first)
        else:
            applicatie = Applicatie(
                naam=aanmelding.naam,
                leverancier=aanmelding.organisatie,
                soort=aanmelding.applicatie_soort or Applicatie._meta.get_field("soort").default,
                omschrijving=aanmelding.toelichting,
                **contact,
            )
            _full_clean(applicatie)
            applicatie.save()
            aanmelding.applicatie = applicatie
            add_first_beheerder_to_application(applicatie_id=applicatie.pk, **first)
        _record(aanmelding, by=by, to=AanmeldingStatus.GEACCEPTEERD)
        mails.queue_decision_mail(aanmelding=aanmelding)
    log.info("onboarding request %s accepted by %s", aanmelding.pk, by.pk)
    return aanmelding


def _full_clean(obj) -> None:
    try:
        obj.full_clean(exclude=["beheerders"])
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc


def refuse_onboarding_request(*, aanmelding_id: int, by, reason: str) -> Aanmelding:
    """Support refuses, with a reason the requester reads in the mail."""
    reason = clean_reason(reason)
    with transaction.atomic():
        aanmelding = _decide(aanmelding_id=aanmelding_id, by=by, to=AanmeldingStatus.GEWEIGERD)
        _record(aanmelding, by=by, to=AanmeldingStatus.GEWEIGERD, reason=reason)
        mails.queue_decision_mail(aanmelding=aanmelding)
    log.info("onboarding request %s refused by %s", aanmelding.pk, by.pk)
    return aanmelding
