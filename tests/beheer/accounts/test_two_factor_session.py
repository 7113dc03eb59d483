"""A 2FA-verified session stays verified only while its device does (django-otp's middleware).

The session's device must exist, be confirmed and belong to the session's user, or the user is
not verified and the device id leaves the session.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.http import JsonResponse
from django.urls import path, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

import beheer.urls
from tests.auth_helpers import login, totp_device
from tests.factories import UserFactory


def probe(request):
    user = request.user
    return JsonResponse(
        {
            "authenticated": user.is_authenticated,
            "verified": user.is_authenticated and user.is_verified(),
        }
    )


def probe_device(request):
    device = request.user.otp_device
    return JsonResponse({"device": device.persistent_id, "name": device.name})


urlpatterns = [path("probe/", probe), path("probe/device/", probe_device), *beheer.urls.urlpatterns]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _no_required_2fa(settings):
    # So that an unverified session reaches the probe instead of the enrollment page.
    settings.KT_2FA_REQUIRED = False


def _use_device(client, persistent_id):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()


def _get(client, url="/probe/"):
    response = client.get(url)
    assert response.status_code == 200, response
    return response.json(), response


def test_a_verified_user_stays_verified_on_the_next_requests(client):
    login(client, UserFactory())
    for _ in range(2):
        data, _ = _get(client)
        assert data == {"authenticated": True, "verified": True}


def test_the_device_object_is_there_for_a_view_that_uses_it(client):
    user = UserFactory()
    login(client, user)
    device = TOTPDevice.objects.get(user=user)
    data, _ = _get(client, "/probe/device/")
    assert data == {"device": device.persistent_id, "name": device.name}


def test_backup_codes_verify_a_session_too(client):
    user = UserFactory()
    login(client, user, verified=False)
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    _use_device(client, static.persistent_id)
    data, _ = _get(client)
    assert data["verified"] is True


def test_a_deleted_device_unverifies_the_next_request_and_leaves_the_session(client):
    user = UserFactory()
    login(client, user)
    assert _get(client)[0]["verified"] is True
    TOTPDevice.objects.filter(user=user).delete()
    data, _ = _get(client)
    assert data == {"authenticated": True, "verified": False}
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.session[SESSION_KEY] == str(user.pk)  # still logged in, only not verified


def test_an_unconfirmed_device_does_not_verify(client):
    user = UserFactory()
    login(client, user, verified=False)
    device = TOTPDevice.objects.create(user=user, name="nieuw", confirmed=False)
    _use_device(client, device.persistent_id)
    assert _get(client)[0]["verified"] is False
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_device_that_was_unconfirmed_later_no_longer_verifies(client):
    user = UserFactory()
    login(client, user)
    TOTPDevice.objects.filter(user=user).update(confirmed=False)
    assert _get(client)[0]["verified"] is False
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize("kind", ["totp", "static"])
def test_another_users_device_does_not_verify(client, kind):
    user, other = UserFactory(), UserFactory()
    login(client, user, verified=False)
    if kind == "totp":
        device = totp_device(other)
    else:
        device = StaticDevice.objects.create(user=other, name="backup", confirmed=True)
    _use_device(client, device.persistent_id)
    assert _get(client)[0]["verified"] is False
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "persistent_id", ["onzin", "otp_totp.totpdevice/abc", "otp_totp.nietsbestaands/1", "x/1"]
)
def test_an_unreadable_device_id_does_not_verify(client, persistent_id):
    login(client, UserFactory(), verified=False)
    _use_device(client, persistent_id)
    assert _get(client)[0]["verified"] is False
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_legacy_device_path_still_verifies(client):
    # django-otp reads old sessions that stored the full import path of the device model.
    user = UserFactory()
    login(client, user)
    device = TOTPDevice.objects.get(user=user)
    _use_device(client, f"django_otp.plugins.otp_totp.models.TOTPDevice/{device.pk}")
    assert _get(client)[0]["verified"] is True


def test_a_changed_password_still_ends_the_session(client):
    # Django's session-hash check: a new password ends the other sessions.
    user = UserFactory()
    login(client, user)
    user.set_password("een heel ander wachtwoord")
    user.save()
    assert _get(client)[0] == {"authenticated": False, "verified": False}


def test_an_inactive_user_is_logged_out(client):
    user = UserFactory()
    login(client, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _get(client)[0] == {"authenticated": False, "verified": False}


def test_an_unverified_user_with_an_authenticator_is_still_sent_to_the_code_step(client):
    user = UserFactory()
    login(client, user)
    other_device = totp_device(UserFactory())
    _use_device(client, other_device.persistent_id)  # a session pointing at a wrong device
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
