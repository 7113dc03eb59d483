"""Reads about accounts: who is locked out, who has two-factor authentication, who reviews
an account's validity."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from beheer.accounts.backends import normalize_username
from beheer.accounts.models import User


def locked_usernames() -> QuerySet:
    """Normalised usernames that are locked now, as axes counts it: the failures of all rows
    of a username (one row per IP address and user agent) add up; with a cool-off only
    recent rows count."""
    attempts = AccessAttempt.objects.exclude(username=None)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return (
        attempts.order_by()
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values("username")
    )


def locked_users() -> QuerySet[User]:
    return User.objects.alias(username_lower=Lower("username")).filter(
        username_lower__in=locked_usernames()
    )


def is_locked(*, user: User) -> bool:
    return locked_usernames().filter(username=normalize_username(user.username)).exists()


def has_two_factor(*, user: User) -> bool:
    """A confirmed authenticator app; backup codes only ever exist beside one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class LockState:
    """Why and since when an account is locked (the user page in the admin)."""

    failures: int  # failed attempts counted now (all addresses together)
    since: datetime | None  # the failure that locked it (axes' failure log), if kept
    last_attempt: datetime | None


def lock_state(*, user: User) -> LockState | None:
    """The lock of this account as axes counts it, or None when it is not locked. `since` is
    the first failure marked "locked out" in axes' AccessFailureLog after the last successful
    login (AXES_ENABLE_ACCESS_FAILURE_LOG)."""
    username = normalize_username(user.username)
    attempts = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    summary = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = summary["failures"] or 0
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    log = AccessFailureLog.objects.filter(username=username, locked_out=True)
    if user.last_login:
        log = log.filter(attempt_time__gt=user.last_login)
    since = log.order_by("attempt_time").values_list("attempt_time", flat=True).first()
    return LockState(failures=failures, since=since, last_attempt=summary["last"])


def fellow_beheerders(*, user: User) -> QuerySet[User]:
    """The active beheerders of the domains and applications this user administers (not the
    user themselves): they review the account and may extend it.

    Reached through the reverse relations that `domeinen` and `applicaties` put on User
    (`beheerde_domeinen`, `beheerde_applicaties`), so this layer imports neither app.
    """
    return (
        User.objects.filter(
            Q(beheerde_domeinen__beheerders=user) | Q(beheerde_applicaties__beheerders=user)
        )
        .filter(is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username")
    )


def may_extend_validity(*, user: User, by) -> bool:
    """Support, or a fellow beheerder of one of the user's domains or applications; never the
    person themselves (a review is by someone else)."""
    if not by.is_authenticated or not by.is_active or by.pk == user.pk:
        return False
    if by.is_support:
        return True
    return fellow_beheerders(user=user).filter(pk=by.pk).exists()


def users_due_validity_reminder(*, today, days: int) -> QuerySet[User]:
    """Active accounts whose validity ends within `days` days (and not yet) that have not had
    a reminder at this or a closer threshold for their current date."""
    return User.objects.filter(
        is_active=True,
        geldig_tot__gte=today,
        geldig_tot__lte=today + timedelta(days=days),
    ).exclude(geldigheid_herinnerd__lte=days)
