"""Sessions: idle timeout, cookie flags in production, case-insensitive login."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from beheer.accounts.middleware import LAST_ACTIVITY_KEY
from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _age_session(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


def test_idle_session_is_logged_out(client, settings):
    settings.KT_SESSION_IDLE_TIMEOUT = 600
    login(client, UserFactory(username="dora"))
    _age_session(client, 601)
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "niet actief" in page


def test_an_active_session_stays_and_its_clock_restarts(client, settings):
    settings.KT_SESSION_IDLE_TIMEOUT = 600
    login(client, UserFactory(username="dora"))
    _age_session(client, 590)
    assert client.get(reverse("start")).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5
    _age_session(client, 300)
    assert client.get(reverse("start")).status_code == 200


def test_idle_timeout_defaults_to_30_minutes(settings):
    assert settings.KT_SESSION_IDLE_TIMEOUT == 1800


def test_production_cookies_are_secure_httponly_and_samesite():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update({"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "beheer.example.nl"})
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, s.KT_2FA_REQUIRED]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "beheer.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '[true, true, "Lax", true, true]'


def test_demo_users_must_change_the_public_password_unless_switched_off(monkeypatch):
    from django.core.management import call_command

    from beheer.accounts.models import User

    call_command("demo")
    assert User.objects.get(username="dora").must_change_password
    User.objects.all().delete()
    monkeypatch.setenv("KT_DEMO_FORCE_PASSWORD_CHANGE", "0")
    call_command("demo")
    assert not User.objects.get(username="dora").must_change_password
