"""Log a test client in the way a real user ends up: password step done, 2FA step done.

`login(client, user)` replaces `client.force_login(user)` wherever a test wants to use the
portal or the admin as a fully logged-in user: with KT_2FA_REQUIRED on (the default) and for
staff always, a session without a verified device only reaches the 2FA pages.

`verified=False` stops after the password step (the session still needs its code).
"""

import time

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beheer.accounts.middleware import LAST_ACTIVITY_KEY


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The six-digit code the authenticator app shows now (or `offset_steps` steps later)."""
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0 - offset_steps * device.step,
        digits=device.digits,
    )
    return f"{code:0{device.digits}d}"


def login(client, user, *, verified: bool = True):
    """force_login plus, when verified, a session that passed the second step."""
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time()
    if verified:
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client
