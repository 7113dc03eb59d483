"""Sessions live in the database: a logout ends them for every worker at once."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.auth_helpers import login

pytestmark = pytest.mark.django_db


def test_a_logout_ends_the_session_in_every_worker(client, settings, domeinbeheerder):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    login(client, domeinbeheerder)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A fresh store is what another worker process sees: nothing kept in this process.
    assert SessionStore(key).load().get("_auth_user_id") == str(domeinbeheerder.pk)
    # The same session cookie in a second client (another browser tab, another worker).
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    assert other.get("/").status_code == 200

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}
    assert client.get("/").status_code == 302  # to the login page
    response = other.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)
