"""Writes for domains and application instances.

Each service checks who may act, locks what it changes, moves the lifecycle by the transition
table, records history, all inside one transaction. Callers turn ServiceError into a message.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicaties.models import Applicatie
from beheer.errors import ServiceError, clean_reason
from beheer.forms_util import validation_error_message
from beheer.uris import check_jwks_uri, check_redirect_uris
from domeinen.devices import queue_device_push
from domeinen.hooks import run_on_close
from domeinen.mails import (
    queue_certificate_expiry_mails,
    queue_instance_status_mails,
    queue_key_check_failed_mails,
    queue_key_check_recovered_mails,
)
from domeinen.models import (
    CERT_WARNING,
    INSTANCE_TRANSITIONS,
    Applicatieinstantie,
    Domein,
    InstantieStatus,
    InstantieStatuswijziging,
    SleutelStatus,
    WijzigingSoort,
)
from domeinen.selectors import user_administers_domain
from rollen.models import Rol
from rollen.selectors import default_role_for_soort

EDITABLE_DOMAIN_FIELDS = ("omschrijving", "contact_naam", "contact_email", "contact_telefoon")


def _require_domain_admin(*, user, domein_id: int) -> None:
    if not user_administers_domain(user=user, domein_id=domein_id):
        raise ServiceError("U bent geen beheerder van dit domein.", code="not_domain_admin")


@transaction.atomic
def update_domain_details(
    *,
    domein_id: int,
    by,
    omschrijving: str,
    contact_naam: str,
    contact_email: str,
    contact_telefoon: str,
) -> Domein:
    """A domeinbeheerder edits the description and contact data; endpoints stay support's."""
    _require_domain_admin(user=by, domein_id=domein_id)
    domein = Domein.objects.select_for_update().get(pk=domein_id)
    domein.omschrijving = (omschrijving or "").strip()
    domein.contact_naam = (contact_naam or "").strip()
    domein.contact_email = (contact_email or "").strip()
    domein.contact_telefoon = (contact_telefoon or "").strip()
    try:
        domein.full_clean(exclude=["beheerders"])
    except ValidationError as exc:
        raise ServiceError(validation_error_message(exc), code="invalid") from exc
    domein.save(update_fields=[*EDITABLE_DOMAIN_FIELDS, "gewijzigd_op"])
    return domein


def resolve_role(*, rol_id: int | None, applicatie: Applicatie) -> Rol:
    """The chosen role, or the default role for the application's kind when none is chosen."""
    if rol_id is not None:
        try:
            return Rol.objects.get(pk=rol_id)
        except (Rol.DoesNotExist, ValueError, TypeError) as exc:
            raise ServiceError("Kies een bestaande rol.", code="role_not_found") from exc
    rol = default_role_for_soort(soort=applicatie.soort)
    if rol is None:
        raise ServiceError(
            f"Er is geen standaardrol voor applicaties van soort "
            f"'{applicatie.get_soort_display()}'; kies een rol.",
            code="role_required",
        )
    return rol


def create_instance(
    *,
    applicatie: Applicatie,
    domein: Domein,
    jwks_uri: str,
    redirect_uris: list[str],
    by,
    reason: str,
    rol_id: int | None = None,
) -> Applicatieinstantie:
    """Create an active instance with a new client_id and its role (the chosen one, else the
    default for the application's kind). Only called inside accept_request's transaction
    (hence no atomic of its own and no permission check here)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("create_instance must run inside a transaction")
    rol = resolve_role(rol_id=rol_id, applicatie=applicatie)
    now = timezone.now()
    try:
        with transaction.atomic():  # savepoint: a constraint violation leaves the outer intact
            instance = Applicatieinstantie.objects.create(
                applicatie=applicatie,
                domein=domein,
                jwks_uri=check_jwks_uri(jwks_uri),
                redirect_uris=check_redirect_uris(redirect_uris),
                status=InstantieStatus.ACTIEF,
                status_sinds=now,
                aangemaakt_op=now,
                rol=rol,
            )
    except IntegrityError as exc:
        raise ServiceError(
            "Deze applicatie heeft in dit domein al een applicatieinstantie die niet is "
            "afgesloten.",
            code="instance_exists",
        ) from exc
    InstantieStatuswijziging.objects.create(
        instantie=instance,
        door=by,
        op=now,
        van_status="",
        naar_status=instance.status,
        reden=reason,
        naar_rol=rol,
    )
    return instance


@transaction.atomic
def change_instance_status(
    *, instance_id: int, new_status: str, reason: str, by
) -> Applicatieinstantie:
    """Move an instance along its lifecycle (actief ⇄ in_onderhoud → afgesloten), with a reason."""
    reason = clean_reason(reason)
    if new_status not in InstantieStatus.values:
        raise ServiceError("Onbekende status.", code="unknown_status")
    try:
        instance = Applicatieinstantie.objects.select_for_update().get(pk=instance_id)
    except Applicatieinstantie.DoesNotExist as exc:
        raise ServiceError("Deze applicatieinstantie bestaat niet.", code="not_found") from exc
    _require_domain_admin(user=by, domein_id=instance.domein_id)
    old_status = instance.status
    if new_status not in INSTANCE_TRANSITIONS[old_status]:
        if old_status == InstantieStatus.AFGESLOTEN:
            message = (
                "Deze applicatieinstantie is definitief afgesloten; "
                "de status kan niet meer wijzigen."
            )
        else:
            message = (
                f"De status kan niet van '{InstantieStatus(old_status).label}' naar "
                f"'{InstantieStatus(new_status).label}' gaan."
            )
        raise ServiceError(message, code="transition_not_allowed")
    now = timezone.now()
    instance.status = new_status
    instance.status_sinds = now
    instance.save(update_fields=["status", "status_sinds"])
    InstantieStatuswijziging.objects.create(
        instantie=instance,
        door=by,
        op=now,
        van_status=old_status,
        naar_status=new_status,
        reden=reason,
    )
    if new_status == InstantieStatus.AFGESLOTEN:
        run_on_close(instance=instance, by=by, reason=reason)  # e.g. end an open change
    queue_instance_status_mails(
        instance=instance, old_status=old_status, new_status=new_status, reason=reason, by=by
    )
    queue_device_push(instance)
    return instance


@transaction.atomic
def change_instance_role(*, instance_id: int, rol_id: int, reason: str, by) -> Applicatieinstantie:
    """A domeinbeheerder gives an instance another role, with a reason, recorded in its history.

    The status and the KT2Device stay as they are: the role lives in the authorization server,
    which reads it (with the scopes) from the API on the next token request.
    """
    reason = clean_reason(reason)
    try:
        instance = Applicatieinstantie.objects.select_for_update().get(pk=instance_id)
    except Applicatieinstantie.DoesNotExist as exc:
        raise ServiceError("Deze applicatieinstantie bestaat niet.", code="not_found") from exc
    _require_domain_admin(user=by, domein_id=instance.domein_id)
    if instance.is_closed:
        raise ServiceError(
            "Deze applicatieinstantie is definitief afgesloten; de rol kan niet meer wijzigen.",
            code="transition_not_allowed",
        )
    if rol_id is None:
        raise ServiceError("Kies een rol.", code="role_required")
    rol = resolve_role(rol_id=rol_id, applicatie=instance.applicatie)
    if rol.pk == instance.rol_id:
        raise ServiceError(
            f"Deze applicatieinstantie heeft de rol '{rol}' al.", code="role_unchanged"
        )
    old_rol_id = instance.rol_id
    instance.rol = rol
    instance.save(update_fields=["rol"])
    InstantieStatuswijziging.objects.create(
        instantie=instance,
        door=by,
        op=timezone.now(),
        soort=WijzigingSoort.ROL,
        van_status=instance.status,
        naar_status=instance.status,
        van_rol_id=old_rol_id,
        naar_rol=rol,
        reden=reason,
    )
    return instance


@transaction.atomic
def change_instance_uris(
    *, instance_id: int, jwks_uri: str, redirect_uris: list[str], reason: str, by
) -> Applicatieinstantie:
    """Give a live instance another JWKS URI and/or redirect URIs, in place: the client_id,
    the role, the status and the KT2Device stay. Called when a domeinbeheerder accepts a change
    request (connectieaanvragen.change_services.accept_change, in its transaction); the history
    row keeps the old and the new values. A new JWKS URI resets the daily key check."""
    reason = clean_reason(reason)
    try:
        instance = Applicatieinstantie.objects.select_for_update().get(pk=instance_id)
    except Applicatieinstantie.DoesNotExist as exc:
        raise ServiceError("Deze applicatieinstantie bestaat niet.", code="not_found") from exc
    _require_domain_admin(user=by, domein_id=instance.domein_id)
    if not instance.is_live:
        raise ServiceError(
            "Deze applicatieinstantie is afgesloten; haar gegevens kunnen niet meer wijzigen.",
            code="transition_not_allowed",
        )
    jwks_uri = check_jwks_uri(jwks_uri)
    redirect_uris = check_redirect_uris(redirect_uris)
    old = {"jwks_uri": instance.jwks_uri, "redirect_uris": list(instance.redirect_uris)}
    new = {"jwks_uri": jwks_uri, "redirect_uris": redirect_uris}
    if old == new:
        raise ServiceError(
            "De nieuwe gegevens zijn gelijk aan de huidige; er verandert niets.",
            code="nothing_changed",
        )
    fields = ["jwks_uri", "redirect_uris"]
    if jwks_uri != instance.jwks_uri:
        # The last check was of the old URI; the next daily run checks the new one.
        instance.sleutels_status = SleutelStatus.ONBEKEND
        instance.sleutels_sinds = None
        instance.sleutels_gecontroleerd_op = None
        instance.sleutels_fout = ""
        instance.sleutels_fouten_op_rij = 0
        instance.sleutels_fout_gemeld = False
        instance.sleutels_certificaat_verloopt_op = None
        fields += [
            "sleutels_status",
            "sleutels_sinds",
            "sleutels_gecontroleerd_op",
            "sleutels_fout",
            "sleutels_fouten_op_rij",
            "sleutels_fout_gemeld",
            "sleutels_certificaat_verloopt_op",
        ]
    instance.jwks_uri = jwks_uri
    instance.redirect_uris = redirect_uris
    instance.save(update_fields=fields)
    InstantieStatuswijziging.objects.create(
        instantie=instance,
        door=by,
        op=timezone.now(),
        soort=WijzigingSoort.URIS,
        van_status=instance.status,
        naar_status=instance.status,
        van_waarden=old,
        naar_waarden=new,
        reden=reason,
    )
    return instance


@transaction.atomic
def record_key_check(
    *, instance_id: int, jwks_uri: str, ok: bool, error: str = "", cert_expires_at=None, at=None
) -> Applicatieinstantie | None:
    """Store one result of the daily key check (`manage.py check_jwks`) on an instance.

    The fetch happened before, outside any transaction. A result for a URI the instance no
    longer has (changed meanwhile) or for a closed instance is dropped (returns None).
    Mails, to the application's beheerders: one when the check fails for the second time in
    a row, one when it is good again after that mail, and one per certificate expiry date
    once it is CERT_WARNING_DAYS away. No mail on every run.
    """
    now = at or timezone.now()
    instance = (
        Applicatieinstantie.objects.select_for_update()
        .select_related("applicatie", "domein")
        .filter(pk=instance_id)
        .first()
    )
    if instance is None or not instance.is_live or instance.jwks_uri != jwks_uri:
        return None
    new_status = SleutelStatus.IN_ORDE if ok else SleutelStatus.FOUT
    if new_status != instance.sleutels_status:
        instance.sleutels_sinds = now
    instance.sleutels_status = new_status
    instance.sleutels_gecontroleerd_op = now
    if ok:
        instance.sleutels_fout = ""
        instance.sleutels_fouten_op_rij = 0
        if instance.sleutels_fout_gemeld:
            instance.sleutels_fout_gemeld = False
            queue_key_check_recovered_mails(instance=instance)
        instance.sleutels_certificaat_verloopt_op = cert_expires_at
        if (
            cert_expires_at is not None
            and cert_expires_at - now <= CERT_WARNING
            and instance.sleutels_verloop_gemeld_voor != cert_expires_at
        ):
            instance.sleutels_verloop_gemeld_voor = cert_expires_at
            queue_certificate_expiry_mails(instance=instance)
    else:
        instance.sleutels_fout = error
        instance.sleutels_fouten_op_rij += 1
        if instance.sleutels_fouten_op_rij >= 2 and not instance.sleutels_fout_gemeld:
            instance.sleutels_fout_gemeld = True
            queue_key_check_failed_mails(instance=instance)
    instance.save(
        update_fields=[
            "sleutels_status",
            "sleutels_sinds",
            "sleutels_gecontroleerd_op",
            "sleutels_fout",
            "sleutels_fouten_op_rij",
            "sleutels_fout_gemeld",
            "sleutels_certificaat_verloopt_op",
            "sleutels_verloop_gemeld_voor",
        ]
    )
    return instance
