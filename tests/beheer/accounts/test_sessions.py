"""The session store reads what Django's database store reads, with one statement."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beheer.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _stored(data, *, expires_in=timedelta(hours=1)) -> str:
    store = DjangoStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def test_a_live_session_loads_in_one_statement():
    key = _stored({"a": 1, "naam": "Dora é"})
    store = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        assert store.load() == {"a": 1, "naam": "Dora é"}
    assert len(queries) == 1
    assert store.session_key == key


def test_the_same_as_djangos_store_for_live_expired_and_unknown_keys():
    live = _stored({"x": "y"})
    expired = _stored({"x": "z"}, expires_in=timedelta(seconds=-1))
    for key in (live, expired, "onbekend-0123456789abcdef", None):
        ours, django = SessionStore(key), DjangoStore(key)
        assert ours.load() == django.load(), key
        assert ours.session_key == django.session_key, key


def test_an_expired_session_is_not_loaded_and_its_key_is_dropped():
    key = _stored({"_auth_user_id": "1"}, expires_in=timedelta(seconds=-1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_the_portal_uses_it_and_writes_still_work(client, settings, domeinbeheerder):
    from tests.auth_helpers import login

    assert settings.SESSION_ENGINE == "beheer.accounts.sessions"
    login(client, domeinbeheerder)
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(key).load().get("_auth_user_id") == str(domeinbeheerder.pk)
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}
    assert client.get("/").status_code == 302  # to the login page
