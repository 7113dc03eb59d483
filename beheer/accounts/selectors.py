"""Reads about accounts: who is locked out, who has two-factor authentication."""

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
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
