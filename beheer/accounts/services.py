"""Writes on accounts: lockout, passwords and two-factor devices.

Views, the support admin and commands call these functions and never change an account
themselves. Each runs in one transaction; mails leave after commit (beheer.accounts.mails).
"""

import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beheer.accounts import mails
from beheer.accounts.backends import normalize_username
from beheer.accounts.models import VALIDITY_REMINDER_DAYS, User, default_validity_end
from beheer.accounts.selectors import (
    fellow_beheerders,
    is_locked,
    may_extend_validity,
    users_due_validity_reminder,
)
from beheer.audit import context as audit_context
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError
from beheer.outbox.services import queue_delivery

log = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10


def password_link(*, user: User) -> str:
    """An absolute one-time link to choose a password.

    Django's token generator signs the user's password hash and last login: the token dies as
    soon as a password is set, and after PASSWORD_RESET_TIMEOUT seconds (24 h).
    """
    path = reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.KT_BASE_URL}{path}"


def _lock_user(user_id: int) -> User:
    try:
        return User.objects.select_for_update().get(pk=user_id)
    except User.DoesNotExist as exc:
        raise ServiceError(_("Deze gebruiker bestaat niet."), code="not_found") from exc


def _lift_lock(user: User) -> int:
    deleted, _rows = AccessAttempt.objects.filter(
        username=normalize_username(user.username)
    ).delete()
    return deleted


# --- support --------------------------------------------------------------------------------


def unlock_account(*, user_id: int, by: User) -> User:
    """Lift the lockout on a username and tell its owner by mail."""
    with transaction.atomic():
        user = _lock_user(user_id)
        if not is_locked(user=user):
            raise ServiceError(
                _("Het account %(username)s is niet geblokkeerd.") % {"username": user.username},
                code="not_locked",
            )
        _lift_lock(user)
        record(event=AuditEvent.ACCOUNT_ONTGRENDELD, obj=user, by=by)
        mails.queue_unlock_mail(user=user)
    log.info("account %s unlocked by %s", user.pk, by.pk)
    return user


def reset_password(*, user_id: int, by: User) -> User:
    """Support resets a password: the old one stops working, a one-time link goes to the user.

    The user must choose a new password; the lock on the username is lifted as well, since
    support acted on a request from the account's owner.
    """
    with transaction.atomic():
        user = _lock_user(user_id)
        if not user.email:
            raise ServiceError(
                _("Deze gebruiker heeft geen e-mailadres; vul dat eerst in."), code="no_email"
            )
        user.set_unusable_password()
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        _lift_lock(user)
        record(
            event=AuditEvent.ACCOUNT_WACHTWOORD_GERESET,
            obj=user,
            by=by,
            changes={"must_change_password": [False, True]},
        )
        mails.queue_password_link_mail(user=user, link=password_link(user=user), invitation=False)
    log.info("password of account %s reset by %s", user.pk, by.pk)
    return user


def create_account(*, user: User, by: User | None, invited_for: str = "") -> User:
    """Save a new account (validated by the caller's form) without a password and invite it.

    Support never types a password: the user chooses one through the mailed link.
    `invited_for` ("domein ggz-noord") tells the invitation what the account is for; `by` is
    None when nobody logged in caused it (an accepted anonymous onboarding request has `by`).
    """
    with transaction.atomic():
        user.set_unusable_password()
        user.must_change_password = True
        user.save()
        record(
            event=AuditEvent.ACCOUNT_AANGEMAAKT,
            obj=user,
            by=by,
            changes={
                name: [None, getattr(user, name)]
                for name in ("username", "full_name", "email", "phone", "is_staff")
            },
        )
        mails.queue_password_link_mail(
            user=user, link=password_link(user=user), invitation=True, invited_for=invited_for
        )
    log.info("account %s created by %s", user.pk, by.pk if by else None)
    return user


def extend_validity(*, user_id: int, by: User | None) -> User:
    """ "Verlengen": the account is valid for KT_ACCOUNT_VALIDITY_DAYS from today.

    Support, or a beheerder of one of the person's domains or applications; never the person
    themselves. `by=None` is the server's operator (`manage.py extend_validity`), the way back
    when every support account has expired. Also lets an expired account log in again; the
    person gets a mail.
    """
    with transaction.atomic():
        user = _lock_user(user_id)
        if by is not None and not may_extend_validity(user=user, by=by):
            raise ServiceError(
                _("U mag de geldigheid van dit account niet verlengen."), code="not_allowed"
            )
        if not user.is_active:
            raise ServiceError(
                _("Dit account is gedeactiveerd; alleen support kan het heractiveren."),
                code="inactive",
            )
        old = user.geldig_tot
        user.geldig_tot = default_validity_end()
        user.geldigheid_herinnerd = None
        user.save(update_fields=["geldig_tot", "geldigheid_herinnerd"])
        record(
            event=AuditEvent.ACCOUNT_VERLENGD,
            obj=user,
            by=by,
            changes={"geldig_tot": [old, user.geldig_tot]},
        )
        mails.queue_validity_extended_mail(user=user, by=by, old=old)
    log.info("validity of account %s extended by %s", user.pk, by.pk if by else "operator")
    return user


def send_validity_reminders() -> int:
    """Daily: mail the accounts whose validity ends in 30 or 7 days, and their fellow
    beheerders, once per threshold and date. Returns the number of accounts reminded.

    The closest threshold goes first, so an account that is already within 7 days when the
    command first sees it gets only the 7-day reminder. Each account in its own transaction.
    """
    today = timezone.localdate()
    reminded = 0
    for days in sorted(VALIDITY_REMINDER_DAYS):
        for candidate_id in users_due_validity_reminder(today=today, days=days).values_list(
            "pk", flat=True
        ):
            with transaction.atomic():
                user = _lock_user(candidate_id)
                if (
                    not users_due_validity_reminder(today=today, days=days)
                    .filter(pk=user.pk)
                    .exists()
                ):
                    continue  # another run got here first
                mails.queue_validity_reminder_mails(
                    user=user,
                    beheerders=list(fellow_beheerders(user=user)),
                    days_left=(user.geldig_tot - today).days,
                )
                user.geldigheid_herinnerd = days
                user.save(update_fields=["geldigheid_herinnerd"])
                reminded += 1
    return reminded


def set_password_by_other(*, user_id: int, password: str, by: User | None = None) -> User:
    """A password typed by someone else (support, a script): the user must change it."""
    with transaction.atomic():
        user = _lock_user(user_id)
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record(event=AuditEvent.ACCOUNT_WACHTWOORD_INGESTELD, obj=user, by=by)
    return user


def reset_two_factor(*, user_id: int, by: User) -> User:
    """Remove a user's authenticator and backup codes (a lost phone); they enroll again."""
    with transaction.atomic():
        user = _lock_user(user_id)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record(event=AuditEvent.ACCOUNT_2FA_GERESET, obj=user, by=by)
    log.info("two-factor devices of account %s removed by %s", user.pk, by.pk)
    return user


# --- the user themselves ------------------------------------------------------------------------


def set_own_password(*, user_id: int, password: str) -> User:
    """The user chose this password (change form or one-time link): no forced change any more.

    The caller validates the password (Django's validators, in the form). Setting it changes
    the session auth hash, which ends every other session of this user.
    """
    with transaction.atomic():
        user = _lock_user(user_id)
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record(event=AuditEvent.ACCOUNT_WACHTWOORD_GEWIJZIGD, obj=user, by=user)
    return user


PASSWORD_LINK_REQUEST_KIND = "password_link_request"


def request_password_link(*, identifier: str, client_ip: str | None) -> None:
    """ "Wachtwoord vergeten": mail a one-time link to the KNOWN address of the account(s)
    named by username or e-mail address.

    The request does the same small work whoever asks: it counts the client address (the
    throttle, in the shared cache) and inserts one outbox row with what was typed. It looks up
    no account and renders or sends no mail, so neither its answer nor its timing tells
    whether an account exists. The outbox worker (`send_password_links`) does the rest.
    """
    key = f"kt-password-forgotten:{client_ip or 'unknown'}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > settings.KT_PASSWORD_FORGOTTEN_LIMIT:
        raise ServiceError(
            _("Te veel aanvragen. Probeer het over een uur opnieuw."), code="throttled"
        )
    with transaction.atomic():
        # try_now=False: not after commit in this request, but by the worker.
        queue_delivery(
            kind=PASSWORD_LINK_REQUEST_KIND,
            # The address only names the requester in the audit record the worker writes.
            payload={"identifier": identifier.strip()[:254], "client_ip": client_ip},
            try_now=False,
        )


def send_password_links(delivery) -> None:
    """The outbox handler for "wachtwoord vergeten": queue a link mail to every active account
    whose username or e-mail address matches what was typed (none: nothing happens).

    The audit record is written here, where the account is known, in the same transaction as
    its mail: the request itself writes none, so it cannot tell whether an account exists.
    Its actor is "anoniem" (nobody was logged in) and its address the requester's."""
    value = (delivery.payload.get("identifier") or "").strip()
    if not value:
        return
    address = audit_context.client_ip.set(delivery.payload.get("client_ip"))
    try:
        _send_password_links(value)
    finally:
        audit_context.client_ip.reset(address)


def _send_password_links(value: str) -> None:
    with transaction.atomic():
        users = list(
            User.objects.filter(is_active=True)
            .filter(Q(username__iexact=value) | Q(email__iexact=value))
            .exclude(email="")
        )
        for user in users:
            mails.queue_password_link_mail(
                user=user, link=password_link(user=user), invitation=False
            )
            record(event=AuditEvent.ACCOUNT_WACHTWOORD_LINK, obj=user, by=AnonymousUser())


# --- two-factor -----------------------------------------------------------------------------


def start_totp_enrollment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator to show as a QR code; the same one until confirmed."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=_("Authenticator-app"), confirmed=False
            )
    return device


def confirm_totp(*, user: User, device_id: int, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with a code it shows; returns it and fresh backup codes.

    Wrong codes are throttled by django-otp (each failure doubles the wait).
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, pk=device_id, confirmed=False)
            .first()
        )
        if device is None:
            raise ServiceError(_("Begin opnieuw met instellen."), code="not_found")
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            raise ServiceError(
                _("Te veel onjuiste codes. Wacht even en probeer het opnieuw."), code="throttled"
            )
        if not device.verify_token(token.strip().replace(" ", "")):
            raise ServiceError(_("Deze code klopt niet. Probeer het opnieuw."), code="invalid")
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        record(event=AuditEvent.ACCOUNT_2FA_INGESTELD, obj=user, by=user)
    log.info("account %s enrolled an authenticator", user.pk)
    return device, codes


def regenerate_backup_codes(*, user: User) -> list[str]:
    with transaction.atomic():
        codes = _new_backup_codes(user)
        record(event=AuditEvent.ACCOUNT_BACKUPCODES, obj=user, by=user)
        return codes


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Back-upcodes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify_second_factor(*, user: User, token: str):
    """Check a login code against the user's authenticator, then their backup codes.

    Returns the device that accepted it. Every device throttles wrong codes itself; while one
    is throttled, even the right code is refused.
    """
    token = token.strip().replace(" ", "").lower()
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    )
    if not devices:
        raise ServiceError(_("Er is geen tweestapsverificatie ingesteld."), code="no_device")
    throttled = False
    is_app_code = token.isdigit() and len(token) == 6
    for device in devices:
        if is_app_code != isinstance(device, TOTPDevice):
            continue  # app codes are six digits, backup codes eight letters and digits
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, _data = locked.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if locked.verify_token(token):
                return locked
    if throttled:
        raise ServiceError(
            _("Te veel onjuiste codes. Wacht even en probeer het opnieuw."), code="throttled"
        )
    raise ServiceError(_("Deze code klopt niet. Probeer het opnieuw."), code="invalid")
