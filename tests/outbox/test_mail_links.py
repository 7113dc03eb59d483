"""Every link in every mail points at a real portal page that its recipient can open.

Each mail kind is sent (after commit, into Django's test outbox); every link in the text and
HTML bodies must start with KT_BASE_URL, resolve in the portal's URLconf, and answer 200 to the
recipient (logged in for the portal pages; the login and one-time password links are for
someone who is not logged in, so those are opened anonymously).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import resolve

from beheer.accounts.mails import queue_unlock_mail
from beheer.accounts.models import User
from beheer.accounts.services import create_account, reset_password
from connectieaanvragen.services import accept_request, refuse_request
from domeinen.services import change_instance_status
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    SupportUserFactory,
    UserFactory,
    make_change,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db

BASE = "https://beheer.test.example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+")
ANONYMOUS_PAGES = {"login", "accounts:password_set"}


@pytest.fixture
def world(settings, django_capture_on_commit_callbacks):
    settings.KT_BASE_URL = BASE
    settings.ALLOWED_HOSTS = ["testserver"]
    dora = UserFactory(email="dora@zorg.example", full_name="Dora Domein")
    anna = UserFactory(email="anna@leverancier.example", full_name="Anna Applicatie")
    domein = DomeinFactory(naam="ggz-noord", beheerders=[dora])
    app = ApplicatieFactory(naam="Zorgportaal", beheerders=[anna])
    other = ApplicatieFactory(naam="Module", beheerders=[anna])
    mail.outbox.clear()

    def send(kind, func, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = func(**kwargs)
        assert mail.outbox, f"no mail for {kind}"
        return result

    return {"dora": dora, "anna": anna, "domein": domein, "app": app, "other": other, "send": send}


def _links(message) -> list[str]:
    bodies = [message.body] + [content for content, _type in message.alternatives]
    links = [link.rstrip(".,)") for body in bodies for link in LINK.findall(body)]
    assert links, message.subject
    return links


def _open_every_link(message, users_by_email, *, data=()):
    """`data`: URLs the mail quotes as facts (a JWKS URI), not links into the portal."""
    recipient = users_by_email[message.to[0]]
    opened = []
    for link in _links(message):
        if link in data:
            continue
        assert link.startswith(BASE + "/"), link
        parts = urlsplit(link[len(BASE) :])
        match = resolve(parts.path)  # raises Resolver404 for a page the portal does not have
        client = Client()
        if match.view_name not in ANONYMOUS_PAGES:
            login(client, recipient)
        response = client.get(parts.path, follow=True)
        assert response.status_code == 200, (link, response.redirect_chain)
        if parts.fragment:
            assert f'id="{parts.fragment}"' in response.content.decode(), link
        opened.append(match.view_name)
    return opened


def _users(*users):
    return {u.email: u for u in users}


def test_request_filed_mail_links_open_the_review_page(world):
    w = world
    aanvraag = w["send"](
        "ingediend", make_request, applicatie=w["app"], domein=w["domein"], by=w["anna"]
    )
    (message,) = mail.outbox
    opened = _open_every_link(message, _users(w["dora"]), data={aanvraag.jwks_uri})
    assert "connectieaanvragen:beoordelen" in opened


def test_request_accepted_mail_links_open_the_request_page(world):
    w = world
    aanvraag = make_request(applicatie=w["app"], domein=w["domein"], by=w["anna"])
    w["send"]("geaccepteerd", accept_request, request_id=aanvraag.pk, by=w["dora"])
    (message,) = mail.outbox
    opened = _open_every_link(message, _users(w["anna"]))
    assert "connectieaanvragen:applicatie_aanvraag" in opened


def test_request_refused_mail_links_open_the_request_page(world):
    w = world
    aanvraag = make_request(applicatie=w["other"], domein=w["domein"], by=w["anna"])
    w["send"]("geweigerd", refuse_request, request_id=aanvraag.pk, reason="nee", by=w["dora"])
    (message,) = mail.outbox
    opened = _open_every_link(message, _users(w["anna"]))
    assert "connectieaanvragen:applicatie_aanvraag" in opened


def test_instance_status_mail_links_open_the_instance_page(world):
    w = world
    instance = make_instance(applicatie=w["app"], domein=w["domein"])
    w["send"](
        "status",
        change_instance_status,
        instance_id=instance.pk,
        new_status="in_onderhoud",
        reason="onderhoud",
        by=w["dora"],
    )
    (message,) = mail.outbox
    opened = _open_every_link(message, _users(w["anna"]))
    assert "connectieaanvragen:applicatie_instantie" in opened


def test_change_mails_link_to_the_review_page_and_the_instance_page(world):
    from connectieaanvragen.change_services import accept_change

    w = world
    instance = make_instance(applicatie=w["app"], domein=w["domein"])
    verzoek = w["send"](
        "wijziging",
        make_change,
        instance_id=instance.pk,
        by=w["anna"],
        redirect_uris=["https://app.example.org/terug"],
    )
    (message,) = mail.outbox
    data = {instance.jwks_uri, "https://app.example.org/terug"}
    opened = _open_every_link(message, _users(w["dora"]), data=data)
    assert "connectieaanvragen:wijziging_beoordelen" in opened
    w["send"]("geaccepteerd", accept_change, change_id=verzoek.pk, by=w["dora"])
    (message,) = mail.outbox
    opened = _open_every_link(message, _users(w["anna"]), data=data)
    assert "connectieaanvragen:applicatie_instantie" in opened


def test_withdrawn_request_mail_links_open_the_review_page(world):
    from connectieaanvragen.services import withdraw_request

    w = world
    aanvraag = make_request(applicatie=w["app"], domein=w["domein"], by=w["anna"])
    w["send"]("ingetrokken", withdraw_request, request_id=aanvraag.pk, by=w["anna"])
    (message,) = mail.outbox
    assert "connectieaanvragen:beoordelen" in _open_every_link(message, _users(w["dora"]))


def test_unlock_mail_links_open_the_login_page(world):
    w = world
    w["send"]("ontgrendeld", queue_unlock_mail, user=w["anna"])
    (message,) = mail.outbox
    assert "login" in _open_every_link(message, _users(w["anna"]))


def test_password_reset_mail_links_open_the_set_password_page(world):
    w = world
    w["send"]("reset", reset_password, user_id=w["anna"].pk, by=SupportUserFactory())
    (message,) = mail.outbox
    assert "accounts:password_set" in _open_every_link(message, _users(w["anna"]))


def test_invitation_mail_links_open_the_set_password_page(world):
    w = world
    user = User(username="nieuw", email="nieuw@zorg.example")
    w["send"]("uitnodiging", create_account, user=user, by=SupportUserFactory())
    (message,) = mail.outbox
    assert "accounts:password_set" in _open_every_link(message, _users(user))
