"""Two-factor: enrollment with an own QR code, backup codes, the login's second step,
throttled wrong codes, and the admin refusing staff without a verified device."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.auth_helpers import current_code, login, totp_device
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def _password_step(client, username):
    response = client.post("/inloggen/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def test_enrollment_shows_an_own_qr_code_and_confirms_with_a_real_code(client, settings):
    settings.KT_2FA_REQUIRED = True
    dora = UserFactory(username="dora")
    _password_step(client, "dora")
    # the portal sends an un-enrolled user to enrollment
    response = client.get(reverse("start"))
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "QR-code" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # rendered here, no outside image service
    device = TOTPDevice.objects.get(user=dora, confirmed=False)
    wrong = client.post(
        SETUP, {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "klopt niet" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # the wrong code's throttle has passed
    device.throttling_failure_count = 0
    device.save()
    response = client.post(SETUP, {"token": current_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=dora).values_list("token", flat=True)
    )
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("start")).status_code == 200  # the session is verified now
    # the codes are shown once: the setup page now shows the status, not the codes
    assert codes[0] not in client.get(SETUP).content.decode()


def test_login_asks_for_the_code_after_the_password(client):
    dora = UserFactory(username="dora")
    device = totp_device(dora)
    _password_step(client, "dora")
    response = client.get(reverse("start"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get("/admin/").status_code == 302
    response = client.post(VERIFY, {"token": current_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("start")).status_code == 200


def test_a_backup_code_works_once(client):
    dora = UserFactory(username="dora")
    totp_device(dora)
    from beheer.accounts.services import regenerate_backup_codes

    code = regenerate_backup_codes(user=dora)[0]
    _password_step(client, "dora")
    assert client.post(VERIFY, {"token": code}).status_code == 302
    assert client.get(reverse("start")).status_code == 200
    other = Client()
    _password_step(other, "dora")
    response = other.post(VERIFY, {"token": code})
    assert "klopt niet" in response.content.decode()
    assert other.get(reverse("start")).status_code == 302


def test_wrong_codes_are_throttled_even_the_right_one_is_refused_meanwhile(client):
    dora = UserFactory(username="dora")
    device = totp_device(dora)
    _password_step(client, "dora")
    right = current_code(device)
    wrong = "000000" if right != "000000" else "111111"
    assert "klopt niet" in client.post(VERIFY, {"token": wrong}).content.decode()
    response = client.post(VERIFY, {"token": right})
    assert response.status_code == 429
    assert "Te veel onjuiste codes" in response.content.decode()
    assert client.get(reverse("start")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # once the wait (1 s after one failure) is over, the right code works
    device.throttling_failure_timestamp -= timedelta(seconds=2)
    device.save()
    assert client.post(VERIFY, {"token": right}).status_code == 302
    assert client.get(reverse("start")).status_code == 200


def test_throttling_is_on_for_both_device_kinds(settings):
    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0
    assert settings.OTP_STATIC_THROTTLE_FACTOR > 0


def test_staff_without_a_device_is_sent_to_enrollment_not_the_admin(client, support_user, settings):
    settings.KT_2FA_REQUIRED = False  # staff need it anyway
    _password_step(client, "support")
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert "Tweestapsverificatie instellen" in response.content.decode()


def test_admin_refuses_staff_whose_session_has_no_verified_device(client, support_user, settings):
    settings.KT_2FA_REQUIRED = False
    totp_device(support_user)
    login(client, support_user, verified=False)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert reverse("admin:accounts_user_changelist") not in client.get(VERIFY).content.decode()
    from django.contrib import admin

    request = type("R", (), {"user": support_user})()
    support_user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    support_user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_admin_login_page_is_no_way_around_the_second_step(client, support_user):
    response = client.post(
        reverse("admin:login"), {"username": "support", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_non_staff_without_device_reach_the_portal_when_2fa_is_not_required(client, settings):
    settings.KT_2FA_REQUIRED = False
    UserFactory(username="dora")
    _password_step(client, "dora")
    assert client.get(reverse("start")).status_code == 200


def test_2fa_required_by_default(settings):
    assert settings.KT_2FA_REQUIRED is True


def test_new_backup_codes_replace_the_old_ones(client):
    dora = UserFactory(username="dora")
    from beheer.accounts.services import regenerate_backup_codes

    old = regenerate_backup_codes(user=dora)
    login(client, dora)
    response = client.post(SETUP, {"actie": "backupcodes"})
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    stored = set(StaticToken.objects.filter(device__user=dora).values_list("token", flat=True))
    assert stored == set(new)
