"""Reads about accounts: who is locked out, who has two-factor authentication."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
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
