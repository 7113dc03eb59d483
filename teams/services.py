"""Team management: the beheerders of a domain or an application invite and remove each other.

Each change is one service function (invite, remove), checked, locked and mailed in one
transaction. The team's row is locked first, so two removals at once can never leave a
domain or application without a beheerder.

    invite_domain_beheerder(domein_id=..., by=..., full_name=..., email=...)
    invite_application_beheerder(applicatie_id=..., by=..., full_name=..., email=...)
    remove_domain_beheerder(domein_id=..., user_id=..., by=...)
    remove_application_beheerder(applicatie_id=..., user_id=..., by=...)

An invitation to an address that belongs to an account with another name is refused with
code `confirm_existing` until the caller repeats it with `confirm_existing=True`: a person is
never silently merged into someone else's account.
"""

import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from applicaties.models import Applicatie
from applicaties.selectors import user_administers_application
from beheer.accounts.models import User
from beheer.accounts.services import create_account
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError
from domeinen.models import Domein
from domeinen.selectors import user_administers_domain
from teams import mails

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Team:
    """A domain's or an application's beheerders, as the services and mails see them."""

    kind: str  # "domein" | "applicatie"
    obj: Domein | Applicatie

    @property
    def label(self) -> str:
        return f"{self.kind} {self.obj.naam}"

    @property
    def beheerders(self):
        return self.obj.beheerders


@dataclass(frozen=True)
class InviteResult:
    user: User
    created: bool


@dataclass(frozen=True)
class RemoveResult:
    user: User
    deactivated: bool


def _record_team(team: Team, *, event, user, by, extra: dict | None = None) -> None:
    """The audit record of a team change, scoped to its domain or application."""
    record(
        event=event,
        obj=user,
        by=by if by is not None and by.is_authenticated else None,
        domein=team.obj.pk if team.kind == "domein" else None,
        applicatie=team.obj.pk if team.kind == "applicatie" else None,
        changes={team.kind: [None, team.obj.naam]} | (extra or {}),
    )


def _lock_domain(domein_id: int, by) -> Team:
    if not user_administers_domain(user=by, domein_id=domein_id):
        raise ServiceError(_("U bent geen beheerder van dit domein."), code="not_domain_admin")
    try:
        return Team("domein", Domein.objects.select_for_update().get(pk=domein_id))
    except Domein.DoesNotExist as exc:
        raise ServiceError(_("Dit domein bestaat niet."), code="not_found") from exc


def _lock_application(applicatie_id: int, by) -> Team:
    if not user_administers_application(user=by, applicatie_id=applicatie_id):
        raise ServiceError(
            _("U bent geen beheerder van deze applicatie."), code="not_application_admin"
        )
    try:
        return Team("applicatie", Applicatie.objects.select_for_update().get(pk=applicatie_id))
    except Applicatie.DoesNotExist as exc:
        raise ServiceError(_("Deze applicatie bestaat niet."), code="not_found") from exc


# --- invite ---------------------------------------------------------------------------------


def invite_domain_beheerder(
    *, domein_id: int, by, full_name: str, email: str, confirm_existing: bool = False
) -> InviteResult:
    with transaction.atomic():
        team = _lock_domain(domein_id, by)
        return _invite(team, by=by, full_name=full_name, email=email, confirm=confirm_existing)


def invite_application_beheerder(
    *, applicatie_id: int, by, full_name: str, email: str, confirm_existing: bool = False
) -> InviteResult:
    with transaction.atomic():
        team = _lock_application(applicatie_id, by)
        return _invite(team, by=by, full_name=full_name, email=email, confirm=confirm_existing)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _invite(team: Team, *, by, full_name: str, email: str, confirm: bool) -> InviteResult:
    """Add the account with this address (or make one and mail the invitation link).

    Runs inside the caller's transaction with the team's row locked. Also used by accepted
    onboarding requests (aanmeldingen), where the team is brand new.
    """
    full_name = " ".join((full_name or "").split())
    email = (email or "").strip()
    if not full_name:
        raise ServiceError(_("Vul de naam in."), code="name_required")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError(_("Vul een geldig e-mailadres in."), code="invalid_email") from exc
    matches = list(User.objects.select_for_update().filter(email__iexact=email)[:2])
    if len(matches) > 1:
        raise ServiceError(
            _(
                "Dit e-mailadres hoort bij meer dan één account. Neem contact op met support "
                "om de juiste persoon toe te voegen."
            ),
            code="ambiguous_email",
        )
    created = False
    if matches:
        user = matches[0]
        if team.beheerders.filter(pk=user.pk).exists():
            raise ServiceError(
                _("%(naam)s is al beheerder van %(team)s.") % {"naam": user, "team": team.label},
                code="already_member",
            )
        if not confirm and not _same_name(user.full_name, full_name):
            raise ServiceError(
                _(
                    "Het adres %(email)s hoort bij een bestaand account op naam van "
                    "%(naam)s (gebruikersnaam %(username)s). Bevestig dat u deze persoon "
                    "bedoelt; anders gebruikt u een ander e-mailadres."
                )
                % {
                    "email": email,
                    "naam": user.full_name or _("(geen naam)"),
                    "username": user.username,
                },
                code="confirm_existing",
            )
        if not user.is_active:
            # Removed earlier from their last domain and application; welcome back.
            user.is_active = True
            user.save(update_fields=["is_active"])
        team.beheerders.add(user)
        mails.queue_added_mail(team=team, user=user, by=by)
    else:
        user = User(username=_free_username(email), email=email, full_name=full_name)
        team.beheerders.add(
            create_account(
                user=user, by=by if by and by.is_authenticated else None, invited_for=team.label
            )
        )
        created = True
    mails.queue_team_added_mails(team=team, user=user, by=by)
    _record_team(team, event=AuditEvent.TEAM_TOEGEVOEGD, user=user, by=by)
    log.info("%s: account %s added by %s", team.label, user.pk, getattr(by, "pk", None))
    return InviteResult(user=user, created=created)


def _free_username(email: str) -> str:
    """A username from the address's local part: lower case, safe characters, not yet taken
    (case-insensitively, as the database checks it)."""
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@")[0].lower())[:140] or "beheerder"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


# --- remove ---------------------------------------------------------------------------------


def remove_domain_beheerder(*, domein_id: int, user_id: int, by) -> RemoveResult:
    with transaction.atomic():
        return _remove(_lock_domain(domein_id, by), user_id=user_id, by=by)


def remove_application_beheerder(*, applicatie_id: int, user_id: int, by) -> RemoveResult:
    with transaction.atomic():
        return _remove(_lock_application(applicatie_id, by), user_id=user_id, by=by)


def _remove(team: Team, *, user_id: int, by) -> RemoveResult:
    user = team.beheerders.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise ServiceError(
            _("Deze persoon is geen beheerder van %(team)s.") % {"team": team.label},
            code="not_member",
        )
    if team.beheerders.count() <= 1:
        if user.pk == getattr(by, "pk", None):
            message = _(
                "U bent de laatste beheerder van %(team)s en kunt uzelf niet verwijderen. "
                "Nodig eerst een andere beheerder uit."
            )
        else:
            message = _(
                "%(naam)s is de laatste beheerder van %(team)s en kan niet worden verwijderd. "
                "Nodig eerst een andere beheerder uit."
            )
        raise ServiceError(message % {"team": team.label, "naam": user}, code="last_beheerder")
    team.beheerders.remove(user)
    # Someone who administers nothing any more has no business in the portal. Support and
    # staff accounts are not team accounts and stay as they are.
    deactivate = not (
        user.is_staff
        or user.is_superuser
        or user.beheerde_domeinen.exists()
        or user.beheerde_applicaties.exists()
    )
    # Mail first: an inactive account receives no mail.
    mails.queue_removed_mail(team=team, user=user, by=by, deactivated=deactivate)
    mails.queue_team_removed_mails(team=team, user=user, by=by)
    if deactivate:
        user.is_active = False
        user.save(update_fields=["is_active"])
    _record_team(
        team,
        event=AuditEvent.TEAM_VERWIJDERD,
        user=user,
        by=by,
        extra={"is_active": [True, False]} if deactivate else {},
    )
    log.info("%s: account %s removed by %s", team.label, user.pk, getattr(by, "pk", None))
    return RemoveResult(user=user, deactivated=deactivate)


# --- a new team (an accepted onboarding request) --------------------------------------------


def add_first_beheerder_to_domain(
    *,
    domein_id: int,
    by,
    user=None,
    full_name: str = "",
    email: str = "",
    confirm_existing: bool = False,
) -> InviteResult:
    """The first beheerder of a domain that support just created (accepting an onboarding
    request): the requester's own account when they were logged in, otherwise the account
    with their address, or a new one with the invitation mail. Support only."""
    with transaction.atomic():
        team = _lock_domain(domein_id, by)
        return _add_first(
            team, by=by, user=user, full_name=full_name, email=email, confirm=confirm_existing
        )


def add_first_beheerder_to_application(
    *,
    applicatie_id: int,
    by,
    user=None,
    full_name: str = "",
    email: str = "",
    confirm_existing: bool = False,
) -> InviteResult:
    with transaction.atomic():
        team = _lock_application(applicatie_id, by)
        return _add_first(
            team, by=by, user=user, full_name=full_name, email=email, confirm=confirm_existing
        )


def _add_first(team: Team, *, by, user, full_name, email, confirm) -> InviteResult:
    if not (by.is_authenticated and by.is_support):
        raise ServiceError(
            _("Alleen support kan een eerste beheerder aanwijzen."), code="not_support"
        )
    if user is not None and user.is_active:
        team.beheerders.add(user)
        mails.queue_added_mail(team=team, user=user, by=by)
        _record_team(team, event=AuditEvent.TEAM_TOEGEVOEGD, user=user, by=by)
        return InviteResult(user=user, created=False)
    return _invite(team, by=by, full_name=full_name, email=email, confirm=confirm)
