"""Writes for connection requests: file, accept, refuse, withdraw.

Filing is one code path for every entry (portal, API, admin): `file_request` checks the URIs,
fetches and checks the JWK Set (network I/O, before any transaction), refuses a bad one with
the checker's Dutch message, and stores the request with its check result in one transaction.

Separation of duties: nobody decides a request that they filed, or that was filed for an
application they administer (`decision_conflict`). Accepting a request whose last key check
is not "in orde" needs an explicit reason, which the history records.

Accepting creates the Applicatieinstantie (with its new client_id) in the same transaction.
Two domeinbeheerders pressing "Accepteren" at the same moment: the request row is locked
with SELECT ... FOR UPDATE and its status re-read, so the second one finds it decided and
gets a clear message; the partial unique index on open instances is the last line of defence.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicaties.models import Applicatie
from applicaties.selectors import user_administers_application
from beheer.errors import ServiceError, clean_reason
from beheer.uris import check_jwks_uri, check_redirect_uris
from connectieaanvragen.jwks import fetch_and_check
from connectieaanvragen.mails import (
    queue_request_accepted_mail,
    queue_request_filed_mails,
    queue_request_refused_mails,
    queue_request_withdrawn_mails,
)
from connectieaanvragen.models import (
    REQUEST_TRANSITIONS,
    AanvraagStatus,
    AanvraagStatuswijziging,
    Connectieaanvraag,
)
from connectieaanvragen.selectors import decision_conflict, last_key_check_ok, open_request_exists
from domeinen.devices import queue_device_push
from domeinen.models import Domein
from domeinen.selectors import non_closed_instance_exists, user_administers_domain
from domeinen.services import create_instance

MAX_REMARKS = 4000


def _get_locked_request(request_id: int) -> Connectieaanvraag:
    try:
        return Connectieaanvraag.objects.select_for_update().get(pk=request_id)
    except Connectieaanvraag.DoesNotExist as exc:
        raise ServiceError("Deze connectieaanvraag bestaat niet.", code="not_found") from exc


def _require_decider(*, user, aanvraag: Connectieaanvraag) -> None:
    if not user_administers_domain(user=user, domein_id=aanvraag.domein_id):
        raise ServiceError(
            "Alleen een beheerder van dit domein kan over deze aanvraag beslissen.",
            code="not_domain_admin",
        )
    conflict = decision_conflict(user=user, aanvraag=aanvraag)
    if conflict:
        raise ServiceError(conflict, code="own_request")


def _require_transition(aanvraag: Connectieaanvraag, new_status: str) -> None:
    if new_status not in REQUEST_TRANSITIONS[aanvraag.status]:
        raise ServiceError(
            f"Deze connectieaanvraag is al {aanvraag.get_status_display().lower()}; "
            "het besluit staat vast.",
            code="transition_not_allowed",
        )


def _require_application_admin(*, user, applicatie_id: int) -> None:
    if not user_administers_application(user=user, applicatie_id=applicatie_id):
        raise ServiceError(
            "Alleen een beheerder van deze applicatie kan een connectieaanvraag indienen.",
            code="not_application_admin",
        )


def _clean_remarks(toelichting: str) -> str:
    toelichting = (toelichting or "").strip()
    if len(toelichting) > MAX_REMARKS:
        raise ServiceError(
            f"De toelichting is te lang (hoogstens {MAX_REMARKS} tekens).", code="remarks_too_long"
        )
    return toelichting


def file_request(
    *,
    applicatie_id: int,
    domein_id: int,
    jwks_uri: str,
    by,
    redirect_uris=(),
    toelichting: str = "",
    check_keys=None,
) -> Connectieaanvraag:
    """An applicatiebeheerder asks for their application to join a domain: the one way to file.

    The cheap checks come first (who, the URIs, the remarks, whether the pair may be filed),
    so nobody can make the portal fetch a URI for nothing. Then the JWK Set is fetched and
    checked, outside any transaction: `check_keys` (uri -> JwksResult) defaults to
    `fetch_and_check`; only the demo and the test factories pass another checker, which checks
    a key set they hold instead of fetching one. A bad JWK Set is refused with the checker's
    Dutch message (code "jwks_invalid"); a good one is stored with the request, in one
    transaction with its history and the domain's mails.
    """
    _require_application_admin(user=by, applicatie_id=applicatie_id)
    jwks_uri = check_jwks_uri(jwks_uri)
    redirect_uris = check_redirect_uris(redirect_uris)
    toelichting = _clean_remarks(toelichting)
    _check_pair(applicatie_id=applicatie_id, domein_id=domein_id, lock=False)  # again, locked
    result = (check_keys or fetch_and_check)(jwks_uri)
    if not result.ok:
        raise ServiceError(result.error, code="jwks_invalid")
    with transaction.atomic():
        aanvraag = _store_request(
            applicatie_id=applicatie_id,
            domein_id=domein_id,
            jwks_uri=jwks_uri,
            redirect_uris=redirect_uris,
            toelichting=toelichting,
            by=by,
        )
        _store_check(aanvraag, result)
        queue_request_filed_mails(aanvraag)
    return aanvraag


def _check_pair(*, applicatie_id: int, domein_id: int, lock: bool) -> tuple:
    """The application and domain, if a new request for the pair may be filed."""
    # Locking the application row serialises filings for one application, so the checks
    # below cannot be raced by a second filing for the same pair.
    applicaties = Applicatie.objects.select_for_update() if lock else Applicatie.objects
    try:
        applicatie = applicaties.get(pk=applicatie_id)
    except Applicatie.DoesNotExist as exc:
        raise ServiceError("Deze applicatie bestaat niet.", code="not_found") from exc
    try:
        domein = Domein.objects.get(pk=domein_id)
    except Domein.DoesNotExist as exc:
        raise ServiceError("Kies een bestaand domein.", code="domain_not_found") from exc
    if open_request_exists(applicatie_id=applicatie.pk, domein_id=domein.pk):
        raise ServiceError(
            f"Er is al een openstaande connectieaanvraag voor {applicatie} in domein {domein}.",
            code="open_request_exists",
        )
    if non_closed_instance_exists(applicatie_id=applicatie.pk, domein_id=domein.pk):
        raise ServiceError(
            f"{applicatie} is al gekoppeld aan domein {domein}; een nieuwe aanvraag kan pas "
            "als die applicatieinstantie is afgesloten.",
            code="instance_exists",
        )
    return applicatie, domein


def _store_request(
    *, applicatie_id: int, domein_id: int, jwks_uri: str, by, redirect_uris, toelichting: str
) -> Connectieaanvraag:
    _require_application_admin(user=by, applicatie_id=applicatie_id)
    applicatie, domein = _check_pair(applicatie_id=applicatie_id, domein_id=domein_id, lock=True)
    now = timezone.now()
    try:
        with transaction.atomic():
            aanvraag = Connectieaanvraag.objects.create(
                applicatie=applicatie,
                domein=domein,
                jwks_uri=jwks_uri,
                redirect_uris=redirect_uris,
                toelichting=toelichting,
                aangevraagd_door=by,
                aangevraagd_op=now,
            )
    except IntegrityError as exc:
        raise ServiceError(
            f"Er is al een openstaande connectieaanvraag voor {applicatie} in domein {domein}.",
            code="open_request_exists",
        ) from exc
    AanvraagStatuswijziging.objects.create(
        aanvraag=aanvraag,
        door=by,
        op=now,
        van_status="",
        naar_status=AanvraagStatus.AANGEVRAAGD,
        reden=toelichting,
    )
    return aanvraag


def _store_check(aanvraag: Connectieaanvraag, result) -> None:
    aanvraag.jwks_gecontroleerd_op = result.checked_at or timezone.now()
    aanvraag.jwks_resultaat = result.as_json()
    aanvraag.save(update_fields=["jwks_gecontroleerd_op", "jwks_resultaat"])


def _decide(
    *,
    request_id: int,
    by,
    to: str,
    reason: str = "",
    history_reason=None,
    make_instance=None,
) -> Connectieaanvraag:
    """The decision step that accepting and refusing share: lock the request, check that `by`
    may decide it and that it is still open, record the decision and its history row.

    `history_reason(aanvraag)` (optional) gives the history row's reason, or refuses with a
    ServiceError, after the checks; `make_instance(aanvraag)` (accepting only) creates the
    instance inside the same transaction before the request points to it."""
    aanvraag = _get_locked_request(request_id)
    _require_decider(user=by, aanvraag=aanvraag)
    _require_transition(aanvraag, to)
    recorded_reason = history_reason(aanvraag) if history_reason else reason
    now = timezone.now()
    aanvraag.status = to
    aanvraag.besloten_door = by
    aanvraag.besloten_op = now
    aanvraag.besluit_reden = reason
    fields = ["status", "besloten_door", "besloten_op", "besluit_reden"]
    if make_instance is not None:
        aanvraag.instantie = make_instance(aanvraag)
        fields.append("instantie")
    aanvraag.save(update_fields=fields)
    AanvraagStatuswijziging.objects.create(
        aanvraag=aanvraag,
        door=by,
        op=now,
        van_status=AanvraagStatus.AANGEVRAAGD,
        naar_status=to,
        reden=recorded_reason,
    )
    return aanvraag


def _key_check_confirmation(aanvraag: Connectieaanvraag, key_check_reason: str) -> str:
    """ "" when the last key check is in orde; otherwise the confirmed reason for the history,
    or a refusal when the decider gave none."""
    if last_key_check_ok(aanvraag):
        return ""
    if not (key_check_reason or "").strip():
        raise ServiceError(
            _(
                "De laatste controle van de sleutels is niet in orde. Controleer de "
                "sleutels opnieuw, of bevestig dat u toch accepteert en geef de reden."
            ),
            code="key_check_not_ok",
        )
    reason = clean_reason(key_check_reason)
    return _("Geaccepteerd hoewel de sleutelcontrole niet in orde was: %s") % reason


@transaction.atomic
def accept_request(
    *, request_id: int, by, rol_id: int | None = None, key_check_reason: str = ""
) -> Connectieaanvraag:
    """Accept: the request becomes geaccepteerd and an active instance is born with a new
    client_id and a role, in one transaction. Without `rol_id` the instance gets the default
    role of the application's kind (rollen.Standaardrol).

    When the last key check is not "in orde" (it failed, or never ran for this URI), the
    decider must confirm with `key_check_reason`; the history records it."""
    aanvraag = _decide(
        request_id=request_id,
        by=by,
        to=AanvraagStatus.GEACCEPTEERD,
        history_reason=lambda aanvraag: _key_check_confirmation(aanvraag, key_check_reason),
        make_instance=lambda aanvraag: create_instance(
            applicatie=aanvraag.applicatie,
            domein=aanvraag.domein,
            jwks_uri=aanvraag.jwks_uri,
            redirect_uris=aanvraag.redirect_uris,
            by=by,
            reason=f"Connectieaanvraag {aanvraag.pk} geaccepteerd.",
            rol_id=rol_id,
        ),
    )
    queue_request_accepted_mail(aanvraag)
    queue_device_push(aanvraag.instantie)  # through the outbox: tried after commit, retried
    return aanvraag


@transaction.atomic
def refuse_request(*, request_id: int, reason: str, by) -> Connectieaanvraag:
    """Refuse, with the weighty reason the application's beheerders will read."""
    reason = clean_reason(reason, missing="Geef de reden waarom de aanvraag wordt geweigerd.")
    aanvraag = _decide(request_id=request_id, by=by, to=AanvraagStatus.GEWEIGERD, reason=reason)
    queue_request_refused_mails(aanvraag)
    return aanvraag


@transaction.atomic
def withdraw_request(*, request_id: int, by, reason: str = "") -> Connectieaanvraag:
    """Intrekken: a beheerder of the application withdraws its open request, with an optional
    reason. Final; the pair is free for a new request at once (the open-request index counts
    only `aangevraagd`). The domain's beheerders get a mail."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REMARKS:
        raise ServiceError(
            f"De reden is te lang (hoogstens {MAX_REMARKS} tekens).", code="reason_too_long"
        )
    aanvraag = _get_locked_request(request_id)
    if not user_administers_application(user=by, applicatie_id=aanvraag.applicatie_id):
        raise ServiceError(
            "Alleen een beheerder van deze applicatie kan de aanvraag intrekken.",
            code="not_application_admin",
        )
    _require_transition(aanvraag, AanvraagStatus.INGETROKKEN)
    now = timezone.now()
    aanvraag.status = AanvraagStatus.INGETROKKEN
    aanvraag.besloten_door = by
    aanvraag.besloten_op = now
    aanvraag.besluit_reden = reason
    aanvraag.save(update_fields=["status", "besloten_door", "besloten_op", "besluit_reden"])
    AanvraagStatuswijziging.objects.create(
        aanvraag=aanvraag,
        door=by,
        op=now,
        van_status=AanvraagStatus.AANGEVRAAGD,
        naar_status=AanvraagStatus.INGETROKKEN,
        reden=reason,
    )
    queue_request_withdrawn_mails(aanvraag)
    return aanvraag


@transaction.atomic
def record_jwks_check(*, request_id: int, by, result) -> Connectieaanvraag:
    """Store the outcome of a JWKS check (connectieaanvragen.jwks.JwksResult) on the request.

    The fetch itself happens before this call, outside any transaction. The applicant (right
    after filing) and the domain's beheerders (at review) may record a check.
    """
    aanvraag = _get_locked_request(request_id)
    if not (
        user_administers_domain(user=by, domein_id=aanvraag.domein_id)
        or user_administers_application(user=by, applicatie_id=aanvraag.applicatie_id)
    ):
        raise ServiceError(
            "U mag de sleutels van deze connectieaanvraag niet controleren.",
            code="not_allowed",
        )
    if result.uri != aanvraag.jwks_uri:
        raise ServiceError(
            "De controle hoort bij een andere JWKS URI dan die van de aanvraag.",
            code="jwks_uri_mismatch",
        )
    _store_check(aanvraag, result)
    return aanvraag
