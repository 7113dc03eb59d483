"""Writes for change requests (Wijzigingsverzoek): a live instance's JWKS URI and/or redirect
URIs, asked by the application's beheerders and decided by the domain's.

`file_change` is what every entry calls (portal, API, admin): it fetches and checks the new
JWKS URI first, outside any transaction (exactly as filing a request does), then calls
`request_change`, which validates, locks the instance and stores the change with the check
result. Deciding locks the change row (SELECT ... FOR UPDATE) and re-reads its status, so of
two beheerders deciding at once exactly one decides; the other gets a clear message.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicaties.selectors import user_administers_application
from beheer.errors import ServiceError, clean_reason
from beheer.uris import check_jwks_uri, check_redirect_uris
from connectieaanvragen.jwks import fetch_and_check
from connectieaanvragen.mails import (
    queue_change_accepted_mails,
    queue_change_filed_mails,
    queue_change_refused_mails,
    queue_change_withdrawn_mails,
)
from connectieaanvragen.models import (
    CHANGE_TRANSITIONS,
    WijzigingStatus,
    WijzigingStatuswijziging,
    Wijzigingsverzoek,
)
from connectieaanvragen.selectors import change_decision_conflict, change_key_check_ok
from domeinen.models import Applicatieinstantie
from domeinen.selectors import user_administers_domain
from domeinen.services import change_instance_uris

MAX_REMARKS = 4000


def _get_locked_change(change_id: int) -> Wijzigingsverzoek:
    try:
        return Wijzigingsverzoek.objects.select_for_update().get(pk=change_id)
    except (Wijzigingsverzoek.DoesNotExist, ValueError, TypeError) as exc:
        raise ServiceError("Dit wijzigingsverzoek bestaat niet.", code="not_found") from exc


def _require_transition(verzoek: Wijzigingsverzoek, new_status: str) -> None:
    if new_status not in CHANGE_TRANSITIONS[verzoek.status]:
        raise ServiceError(
            f"Dit wijzigingsverzoek is al {verzoek.get_status_display().lower()}; "
            "het besluit staat vast.",
            code="transition_not_allowed",
        )


def _move(
    verzoek: Wijzigingsverzoek, *, to: str, by, reason: str = "", history_reason=None
) -> Wijzigingsverzoek:
    """Record a move of a locked, still open change and its history row (`history_reason`,
    when given, is the history row's reason instead of `reason`)."""
    _require_transition(verzoek, to)
    now = timezone.now()
    verzoek.status = to
    verzoek.besloten_door = by
    verzoek.besloten_op = now
    verzoek.besluit_reden = reason
    verzoek.save(update_fields=["status", "besloten_door", "besloten_op", "besluit_reden"])
    WijzigingStatuswijziging.objects.create(
        verzoek=verzoek,
        door=by,
        op=now,
        van_status=WijzigingStatus.AANGEVRAAGD,
        naar_status=to,
        reden=reason if history_reason is None else history_reason,
    )
    return verzoek


def _optional_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REMARKS:
        raise ServiceError(
            f"De reden is te lang (hoogstens {MAX_REMARKS} tekens).", code="reason_too_long"
        )
    return reason


def file_change(
    *,
    instance_id: int,
    by,
    jwks_uri: str | None = None,
    redirect_uris=None,
    toelichting: str = "",
    check_keys=None,
) -> Wijzigingsverzoek:
    """Check the JWKS URI the change would put in place (network I/O, so outside any
    transaction), then file the change. `None` keeps a value as it is.

    A new JWKS URI whose keys do not pass the check is refused with the same message as at
    filing. When only the redirect URIs change, the current keys are checked too, for the
    review page, but their state does not block the change. `check_keys` (uri -> JwksResult)
    defaults to `fetch_and_check`; only the demo and the test factories pass another checker
    (as for connectieaanvragen.services.file_request)."""
    instance = (
        Applicatieinstantie.objects.filter(pk=instance_id).only("jwks_uri", "applicatie_id").first()
    )
    if instance is None:
        raise ServiceError("Deze applicatieinstantie bestaat niet.", code="not_found")
    if not user_administers_application(user=by, applicatie_id=instance.applicatie_id):
        raise ServiceError(
            "Alleen een beheerder van deze applicatie kan een wijziging aanvragen.",
            code="not_application_admin",
        )
    target = instance.jwks_uri if jwks_uri is None else check_jwks_uri(jwks_uri)
    result = (check_keys or fetch_and_check)(target)
    if target != instance.jwks_uri and not result.ok:
        raise ServiceError(result.error, code="jwks_invalid")
    return request_change(
        instance_id=instance_id,
        by=by,
        jwks_uri=target,
        redirect_uris=redirect_uris,
        toelichting=toelichting,
        jwks_result=result,
    )


@transaction.atomic
def request_change(
    *,
    instance_id: int,
    by,
    jwks_uri: str | None = None,
    redirect_uris=None,
    toelichting: str = "",
    jwks_result=None,
) -> Wijzigingsverzoek:
    """Wijziging aanvragen: a beheerder of the application asks for a new JWKS URI and/or a
    new list of redirect URIs for an actief or in onderhoud instance. At most one open change
    per instance; a change that would make nothing different is refused. `jwks_result` (a
    connectieaanvragen.jwks.JwksResult for the new URI) is stored for the review page; callers
    go through `file_change`, which fetches it."""
    try:
        instance = (
            Applicatieinstantie.objects.select_for_update()
            .select_related("applicatie", "domein")
            .get(pk=instance_id)
        )
    except (Applicatieinstantie.DoesNotExist, ValueError, TypeError) as exc:
        raise ServiceError("Deze applicatieinstantie bestaat niet.", code="not_found") from exc
    if not user_administers_application(user=by, applicatie_id=instance.applicatie_id):
        raise ServiceError(
            "Alleen een beheerder van deze applicatie kan een wijziging aanvragen.",
            code="not_application_admin",
        )
    if not instance.is_live:
        raise ServiceError(
            "Deze applicatieinstantie is afgesloten; een wijziging kan niet meer.",
            code="instance_closed",
        )
    new_jwks = instance.jwks_uri if jwks_uri is None else check_jwks_uri(jwks_uri)
    if redirect_uris is None:
        new_redirects = list(instance.redirect_uris)
    else:
        new_redirects = check_redirect_uris(redirect_uris)
    toelichting = (toelichting or "").strip()
    if len(toelichting) > MAX_REMARKS:
        raise ServiceError(
            f"De toelichting is te lang (hoogstens {MAX_REMARKS} tekens).", code="remarks_too_long"
        )
    if new_jwks == instance.jwks_uri and new_redirects == list(instance.redirect_uris):
        raise ServiceError(
            "De gevraagde gegevens zijn gelijk aan de huidige; er verandert niets.",
            code="nothing_changed",
        )
    if jwks_result is not None and jwks_result.uri != new_jwks:
        raise ServiceError(
            "De controle hoort bij een andere JWKS URI dan die van het verzoek.",
            code="jwks_uri_mismatch",
        )
    if Wijzigingsverzoek.objects.filter(
        instantie=instance, status=WijzigingStatus.AANGEVRAAGD
    ).exists():
        raise ServiceError(
            "Er is al een openstaand wijzigingsverzoek voor deze applicatieinstantie; "
            "trek dat eerst in of wacht op het besluit.",
            code="open_change_exists",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            verzoek = Wijzigingsverzoek.objects.create(
                instantie=instance,
                oude_jwks_uri=instance.jwks_uri,
                oude_redirect_uris=list(instance.redirect_uris),
                jwks_uri=new_jwks,
                redirect_uris=new_redirects,
                toelichting=toelichting,
                aangevraagd_door=by,
                aangevraagd_op=now,
                jwks_gecontroleerd_op=(jwks_result.checked_at or now) if jwks_result else None,
                jwks_resultaat=jwks_result.as_json() if jwks_result else {},
            )
    except IntegrityError as exc:
        raise ServiceError(
            "Er is al een openstaand wijzigingsverzoek voor deze applicatieinstantie.",
            code="open_change_exists",
        ) from exc
    WijzigingStatuswijziging.objects.create(
        verzoek=verzoek,
        door=by,
        op=now,
        van_status="",
        naar_status=WijzigingStatus.AANGEVRAAGD,
        reden=toelichting,
    )
    queue_change_filed_mails(verzoek)
    return verzoek


def _require_decider(*, user, verzoek: Wijzigingsverzoek) -> None:
    if not user_administers_domain(user=user, domein_id=verzoek.instantie.domein_id):
        raise ServiceError(
            "Alleen een beheerder van dit domein kan over dit wijzigingsverzoek beslissen.",
            code="not_domain_admin",
        )
    conflict = change_decision_conflict(user=user, verzoek=verzoek)
    if conflict:
        raise ServiceError(conflict, code="own_request")


def _key_check_confirmation(verzoek: Wijzigingsverzoek, key_check_reason: str) -> str:
    """ "" when the change's key check is in orde; otherwise the confirmed reason for the
    history, or a refusal when the decider gave none (as for requests)."""
    if change_key_check_ok(verzoek):
        return ""
    if not (key_check_reason or "").strip():
        raise ServiceError(
            _(
                "De controle van de sleutels van dit wijzigingsverzoek is niet in orde. "
                "Bevestig dat u toch accepteert en geef de reden."
            ),
            code="key_check_not_ok",
        )
    reason = clean_reason(key_check_reason)
    return _("Geaccepteerd hoewel de sleutelcontrole niet in orde was: %s") % reason


@transaction.atomic
def accept_change(*, change_id: int, by, key_check_reason: str = "") -> Wijzigingsverzoek:
    """Accepteren: the instance gets the new values in place (same client_id, same Device),
    with a history row of old and new values; the application's beheerders get a mail.

    When the key check stored with the change is not "in orde" (it failed, or there was
    none), the decider must confirm with `key_check_reason`; the history records it."""
    verzoek = _get_locked_change(change_id)
    _require_decider(user=by, verzoek=verzoek)
    _require_transition(verzoek, WijzigingStatus.GEACCEPTEERD)
    history_reason = _key_check_confirmation(verzoek, key_check_reason)
    _move(verzoek, to=WijzigingStatus.GEACCEPTEERD, by=by, history_reason=history_reason)
    change_instance_uris(
        instance_id=verzoek.instantie_id,
        jwks_uri=verzoek.jwks_uri,
        redirect_uris=verzoek.redirect_uris,
        reason=f"Wijzigingsverzoek {verzoek.pk} geaccepteerd.",
        by=by,
    )
    queue_change_accepted_mails(verzoek)
    return verzoek


@transaction.atomic
def refuse_change(*, change_id: int, reason: str, by) -> Wijzigingsverzoek:
    """Weigeren, with the reason the application's beheerders will read."""
    reason = clean_reason(reason, missing="Geef de reden waarom de wijziging wordt geweigerd.")
    verzoek = _get_locked_change(change_id)
    _require_decider(user=by, verzoek=verzoek)
    _move(verzoek, to=WijzigingStatus.GEWEIGERD, by=by, reason=reason)
    queue_change_refused_mails(verzoek)
    return verzoek


@transaction.atomic
def withdraw_change(*, change_id: int, by, reason: str = "") -> Wijzigingsverzoek:
    """Intrekken, by a beheerder of the application, with an optional reason."""
    reason = _optional_reason(reason)
    verzoek = _get_locked_change(change_id)
    if not user_administers_application(user=by, applicatie_id=verzoek.instantie.applicatie_id):
        raise ServiceError(
            "Alleen een beheerder van deze applicatie kan het wijzigingsverzoek intrekken.",
            code="not_application_admin",
        )
    _move(verzoek, to=WijzigingStatus.INGETROKKEN, by=by, reason=reason)
    queue_change_withdrawn_mails(verzoek)
    return verzoek


def end_open_change(*, instance, by, reason: str) -> None:
    """Registered with domeinen.hooks: closing an instance ends its open change (vervallen),
    inside the closing transaction. No mail: the close itself is mailed."""
    verzoek = (
        Wijzigingsverzoek.objects.select_for_update()
        .filter(instantie_id=instance.pk, status=WijzigingStatus.AANGEVRAAGD)
        .first()
    )
    if verzoek is not None:
        _move(
            verzoek,
            to=WijzigingStatus.VERVALLEN,
            by=by,
            reason=f"Applicatieinstantie afgesloten: {reason}",
        )
