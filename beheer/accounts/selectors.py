"""Reads about accounts: who is locked out, who has two-factor authentication."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from beheer.accounts.backends import normalize_username
from beheer.accounts.models import User


def locked_attempts() -> QuerySet[AccessAttempt]:
    """Axes records that lock a username now (failure limit reached, cool-off not yet over)."""
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def locked_users() -> QuerySet[User]:
    usernames = locked_attempts().values("username")
    return User.objects.alias(username_lower=Lower("username")).filter(username_lower__in=usernames)


def is_locked(*, user: User) -> bool:
    return locked_attempts().filter(username=normalize_username(user.username)).exists()


def has_two_factor(*, user: User) -> bool:
    """A confirmed authenticator app; backup codes only ever exist beside one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
