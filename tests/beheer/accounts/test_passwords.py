"""One-time links, own password change, wachtwoord vergeten, Dutch validators, sessions."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beheer.accounts import services
from beheer.outbox.models import Delivery
from beheer.outbox.services import process_due
from tests.auth_helpers import login
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zelf-gekozen-wachtwoord-2026"
FORGOTTEN = reverse("accounts:password_forgotten")


def _path_of(mail) -> str:
    return re.search(r"http://[^/\s]+(/wachtwoord-instellen/\S+/)", mail.body).group(1)


def _set_password_via(client, path, password=NEW_PASSWORD):
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def reset_mail(support_user, mailoutbox, django_capture_on_commit_callbacks):
    dora = UserFactory(username="dora", email="dora@zorg.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.reset_password(user_id=dora.pk, by=support_user)
    return dora, mailoutbox[0]


def test_reset_link_sets_a_password_once(client, reset_mail):
    dora, mail = reset_mail
    path = _path_of(mail)
    response = _set_password_via(client, path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_set_done")
    dora.refresh_from_db()
    assert dora.check_password(NEW_PASSWORD)
    assert not dora.must_change_password
    # the same link again: refused, nothing changed
    again = Client().get(path, follow=True)
    assert "niet (meer) geldig" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_reset_link_expires_after_24_hours(client, reset_mail, monkeypatch, settings):
    dora, mail = reset_mail
    dora.refresh_from_db()
    assert settings.PASSWORD_RESET_TIMEOUT == 24 * 3600
    token = _path_of(mail).rstrip("/").split("/")[-1]
    now = default_token_generator._now()
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: now + timedelta(hours=23, minutes=59)
    )
    assert default_token_generator.check_token(dora, token)
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: now + timedelta(hours=24, seconds=2)
    )
    assert not default_token_generator.check_token(dora, token)
    response = client.get(_path_of(mail), follow=True)
    assert "niet (meer) geldig" in response.content.decode()
    dora.refresh_from_db()
    assert not dora.has_usable_password()


def test_own_password_change_clears_the_forced_flag_and_keeps_the_session(client):
    dora = UserFactory(username="dora", must_change_password=True)
    login(client, dora)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    dora.refresh_from_db()
    assert dora.check_password(NEW_PASSWORD)
    assert not dora.must_change_password
    assert client.get(reverse("start")).status_code == 200


def test_password_change_ends_the_other_sessions(client):
    dora = UserFactory(username="dora")
    other = Client()
    for c in (client, other):
        c.post("/inloggen/", {"username": "dora", "password": TEST_PASSWORD})
        login(c, dora)  # verified second step on a session made by the real login
    assert other.get(reverse("start")).status_code == 200
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert client.get(reverse("start")).status_code == 200
    response = other.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_validators_answer_in_dutch(client):
    dora = UserFactory(username="dora")
    login(client, dora)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    page = response.content.decode()
    assert "Dit wachtwoord is te kort. De minimale lengte is 12 tekens." in page
    assert "Dit wachtwoord is te algemeen." in page
    assert "Dit wachtwoord bevat alleen cijfers." in page
    assert "too short" not in page and "too common" not in page
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "dora", "new_password2": "dora"},
    )
    assert "lijkt te veel op de gebruikersnaam" in response.content.decode()
    dora.refresh_from_db()
    assert dora.check_password(TEST_PASSWORD)


def test_forgotten_gives_the_same_answer_for_known_and_unknown_accounts(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="dora", email="dora@zorg.example")
    answers = []
    for identifier in ["dora", "niemand", "DORA@zorg.example", "niemand@zorg.example"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(FORGOTTEN, {"identifier": identifier}, follow=True)
        answers.append((response.status_code, response.redirect_chain, response.content))
    assert all(answer == answers[0] for answer in answers)
    assert "Als er een account bij deze gegevens hoort" in answers[0][2].decode()
    assert mailoutbox == []  # the outbox worker sends them
    process_due()
    # only the known accounts were mailed, always at the known address
    assert [m.to for m in mailoutbox] == [["dora@zorg.example"], ["dora@zorg.example"]]


def test_forgotten_link_lets_the_user_choose_a_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    dora = UserFactory(username="dora")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORGOTTEN, {"identifier": " Dora "})
    process_due()
    # asking for a link does not disable the current password (no denial of service)
    dora.refresh_from_db()
    assert dora.check_password(TEST_PASSWORD)
    _set_password_via(client, _path_of(mailoutbox[0]))
    dora.refresh_from_db()
    assert dora.check_password(NEW_PASSWORD)


def test_forgotten_is_throttled_per_client_address(settings, mailoutbox):
    settings.KT_PASSWORD_FORGOTTEN_LIMIT = 3
    UserFactory(username="dora")
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(3):
        assert client.post(FORGOTTEN, {"identifier": "dora"}).status_code == 302
    response = client.post(FORGOTTEN, {"identifier": "dora"})
    assert response.status_code == 429
    assert "Te veel aanvragen" in response.content.decode()
    # another address is not affected
    assert Client(REMOTE_ADDR="10.2.2.2").post(FORGOTTEN, {"identifier": "x"}).status_code == 302


def test_inactive_accounts_get_no_link(mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(username="dora", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(FORGOTTEN, {"identifier": "dora"})
    process_due()
    assert mailoutbox == []


@pytest.mark.parametrize("identifier", ["dora", "dora@zorg.example", "niemand", "x@y.example"])
def test_forgotten_does_no_mail_work_in_the_request_for_known_or_unknown_accounts(
    identifier, mailoutbox, django_capture_on_commit_callbacks
):
    """The timing leak: whoever asks, the request counts the address and inserts one outbox
    row, nothing more; the worker looks up the account and renders and sends the mail."""
    UserFactory(username="dora", email="dora@zorg.example")
    client = Client()
    client.get(FORGOTTEN)  # the CSRF cookie; the session is not touched
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.post(FORGOTTEN, {"identifier": identifier})
    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if "accounts_user" in sql]  # no account lookup
    assert [sql.split(" (")[0] for sql in statements if sql.startswith("INSERT")] == [
        'INSERT INTO "outbox_delivery"'
    ]
    assert callbacks == []  # nothing is tried after commit in the request either
    assert mailoutbox == []
    assert list(Delivery.objects.values_list("kind", flat=True)) == ["password_link_request"]
    process_due()  # the worker, after the answer
    known = identifier.startswith("dora")
    assert [m.to for m in mailoutbox] == ([["dora@zorg.example"]] if known else [])
