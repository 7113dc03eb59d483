"""KT_SUPPORT_EMAIL and KT_SUPPORT_PHONE wherever a page or mail says to contact support."""

import pytest
from django.core import mail

from beheer.accounts.mails import queue_unlock_mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _support(settings):
    settings.KT_SUPPORT_EMAIL = "support@koppeltaal.example"
    settings.KT_SUPPORT_PHONE = "030 123 45 67"


def test_the_login_page_names_support(client):
    page = client.get("/inloggen/").content.decode()
    assert 'href="mailto:support@koppeltaal.example"' in page
    assert 'href="tel:0301234567"' in page


def test_the_lockout_page_names_support(client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    UserFactory(username="dora")
    client.post("/inloggen/", {"username": "dora", "password": "fout"})
    response = client.post("/inloggen/", {"username": "dora", "password": "fout"})
    page = response.content.decode()
    assert "geblokkeerd" in page
    assert "support@koppeltaal.example" in page


def test_the_start_page_of_someone_without_domains_names_support(client):
    from tests.auth_helpers import login

    login(client, UserFactory())
    assert "support@koppeltaal.example" in client.get("/").content.decode()


def test_mail_footers_name_support(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_unlock_mail(user=UserFactory(email="x@example.org"))
    (message,) = mail.outbox
    assert "Neem contact op met support: support@koppeltaal.example, 030 123 45 67." in message.body
    assert 'href="mailto:support@koppeltaal.example"' in message.alternatives[0][0]


def test_without_an_address_the_pages_say_only_support(client, settings):
    settings.KT_SUPPORT_EMAIL = ""
    settings.KT_SUPPORT_PHONE = ""
    page = client.get("/inloggen/").content.decode()
    assert "mailto:" not in page and "Neem contact op met support" in page
