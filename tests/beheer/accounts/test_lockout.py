"""Lockout by username (django-axes): variants count as one, any IP, only support lifts it."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from beheer.accounts.lockout import client_ip
from beheer.accounts.selectors import is_locked
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"
VARIANTS = ["dora", "Dora", " DORA ", "dOrA", "dora  "]


@pytest.fixture
def dora():
    return UserFactory(username="dora")


def _attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_is_case_and_space_insensitive(client, dora):
    response = _attempt(client, "  DoRa ", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(dora.pk)


def test_username_variants_from_different_ips_lock_the_one_username(client, dora, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for i, variant in enumerate(VARIANTS[:4]):
        response = _attempt(client, variant, "fout-wachtwoord", ip=f"10.0.0.{i}")
        assert response.status_code == 200
        assert "onbekend" in response.content.decode()
        assert not is_locked(user=dora)
    response = _attempt(client, VARIANTS[4], "fout-wachtwoord", ip="192.168.1.9")
    assert response.status_code == 429
    assert "Gebruikersnaam geblokkeerd" in response.content.decode()
    assert "contact op met support" in response.content.decode()
    assert is_locked(user=dora)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"dora"}


def test_the_right_password_is_refused_while_locked(client, dora):
    for _ in range(5):
        _attempt(client, "dora", "fout-wachtwoord")
    wrong = _attempt(client, "dora", "nog-een-fout", ip="10.9.9.9")
    right = _attempt(client, "DORA", TEST_PASSWORD, ip="10.8.8.8")
    assert right.status_code == wrong.status_code == 429
    assert right.content == wrong.content  # no hint whether the password was right
    assert "_auth_user_id" not in client.session


def test_a_failed_login_gives_no_hint_which_part_was_wrong(client, dora):
    wrong_password = _attempt(client, "dora", "fout-wachtwoord")
    unknown_user = _attempt(client, "niemand", "fout-wachtwoord")
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "Deze combinatie van gebruikersnaam en wachtwoord is onbekend."
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()


def test_no_cool_off_by_default(settings):
    assert settings.AXES_COOLOFF_TIME is None


def test_a_successful_login_resets_the_failure_count(client, dora):
    for _ in range(4):
        _attempt(client, "dora", "fout-wachtwoord")
    assert _attempt(client, "dora", TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _attempt(client, "dora", "fout-wachtwoord")
    assert not is_locked(user=dora)


def test_client_ip_is_remote_addr_unless_a_proxy_header_is_configured(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.0.0.1"  # a client-sent header is ignored by default
    settings.KT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"  # the address our proxy appended


def test_the_lockout_records_the_proxy_address(client, dora, settings):
    settings.KT_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client.post(
        reverse("login"),
        {"username": "dora", "password": "fout"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="203.0.113.7",
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
