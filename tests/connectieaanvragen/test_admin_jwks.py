"""The Connectieaanvraag admin shows the last JWKS check read-only: when, keys or the error."""

import pytest
from django.urls import reverse

from connectieaanvragen.jwks import fetch_and_check
from connectieaanvragen.models import Connectieaanvraag
from connectieaanvragen.services import record_jwks_check
from tests.auth_helpers import login
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def _change_page(client, support_user, aanvraag):
    login(client, support_user)
    response = client.get(
        reverse("admin:connectieaanvragen_connectieaanvraag_change", args=[aanvraag.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def _check(aanvraag, uri, by):
    record_jwks_check(request_id=aanvraag.pk, by=by, result=fetch_and_check(uri))
    aanvraag.refresh_from_db()


def test_admin_shows_the_keys_found_read_only(
    client, support_user, applicatie, domein, jwks_server, applicatiebeheerder
):
    uri = jwks_server.serve()
    aanvraag = make_request(applicatie=applicatie, domein=domein, jwks_uri=uri)
    _check(aanvraag, uri, applicatiebeheerder)
    page = _change_page(client, support_user, aanvraag)
    assert "JWKS gecontroleerd op" in page and "Resultaat JWKS-controle" in page
    assert "In orde" in page
    assert "kid=rsa-1, kty=RSA" in page and "2048 bits" in page and "P-256" in page
    assert 'name="jwks_resultaat"' not in page and 'name="jwks_gecontroleerd_op"' not in page


def test_admin_shows_the_error_of_a_failed_check(
    client, support_user, applicatie, domein, jwks_server, applicatiebeheerder
):
    uri = jwks_server.url("/weg.json")
    aanvraag = make_request(applicatie=applicatie, domein=domein, jwks_uri=uri)
    _check(aanvraag, uri, applicatiebeheerder)
    page = _change_page(client, support_user, aanvraag)
    assert "Niet in orde" in page and "HTTP-status 404" in page


def test_admin_says_when_the_keys_were_never_checked(client, support_user, applicatie, domein):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    # A request filed before every filing checked the keys has no check result.
    Connectieaanvraag.objects.filter(pk=aanvraag.pk).update(
        jwks_gecontroleerd_op=None, jwks_resultaat={}
    )
    assert not Connectieaanvraag.objects.get(pk=aanvraag.pk).jwks_gecontroleerd_op
    assert "Nog niet gecontroleerd." in _change_page(client, support_user, aanvraag)
