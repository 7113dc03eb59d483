"""Content-Security-Policy, Permissions-Policy and no-store on what only a user may see."""

import re

import pytest
from django.urls import reverse

from api.services import create_personal_token
from tests.auth_helpers import login
from tests.factories import make_request

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def _directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_has_a_strict_csp_and_a_permissions_policy(client):
    response = client.get("/inloggen/")
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_authenticated_pages_are_not_stored(client, domeinbeheerder, domein):
    login(client, domeinbeheerder)
    for url in ("/", reverse("domeinen:details", args=[domein.naam])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_api_responses_are_not_stored(client, domeinbeheerder, domein):
    _row, secret = create_personal_token(gebruiker=domeinbeheerder, naam="t", by=domeinbeheerder)
    response = client.get("/api/v1/domeinen/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get("/api/v1/domeinen/")["Cache-Control"]  # 401 too


def test_portal_pages_need_no_inline_script_style_or_event_handler(
    client, domeinbeheerder, applicatiebeheerder, applicatie, domein
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    pages = ["/inloggen/", reverse("accounts:password_forgotten")]
    login(client, domeinbeheerder)
    pages_dom = [
        "/",
        reverse("domeinen:details", args=[domein.naam]),
        reverse("connectieaanvragen:domein_aanvragen", args=[domein.naam]),
        reverse("connectieaanvragen:beoordelen", args=[domein.naam, aanvraag.pk]),
        reverse("domeinen:logboek", args=[domein.naam]),
        reverse("teams:domein", args=[domein.naam]),
        reverse("aanmeldingen:index"),
        reverse("aanmeldingen:nieuw", args=["domein"]),
        reverse("aanmeldingen:nieuw", args=["applicatie"]),
    ]
    for url in pages_dom:
        _assert_no_inline(client.get(url), url)
    client.logout()
    login(client, applicatiebeheerder)
    for url in [
        reverse("connectieaanvragen:nieuw", args=[applicatie.pk]),
        reverse("connectieaanvragen:applicatie_aanvragen", args=[applicatie.pk]),
        reverse("applicaties:logboek", args=[applicatie.pk]),
        reverse("teams:applicatie", args=[applicatie.pk]),
    ]:
        _assert_no_inline(client.get(url), url)
    client.logout()
    for url in pages:
        _assert_no_inline(client.get(url), url)


def _assert_no_inline(response, url):
    assert response.status_code == 200, url
    page = response.content.decode()
    assert not INLINE_SCRIPT.findall(page), url
    assert not STYLE_ATTRIBUTE.findall(page), url
    assert not EVENT_ATTRIBUTE.findall(page), url


def test_swagger_ui_loads_its_set_up_as_a_script_file(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert not INLINE_SCRIPT.findall(page)
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', page).group(1)
    response = client.get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
