"""Connection request screens: filing with the JWKS check, review, accept, refuse, recheck."""

import pytest
from django.db import transaction
from django.urls import reverse

from connectieaanvragen import services as request_services
from connectieaanvragen import views as request_views
from connectieaanvragen.jwks import fetch_and_check
from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag
from domeinen.models import Applicatieinstantie
from tests.auth_helpers import login
from tests.factories import DomeinFactory, make_request
from tests.jwks_server import jwk_set, rsa_key


@pytest.fixture
def client_app(client, applicatiebeheerder):
    login(client, applicatiebeheerder)
    return client


def _file(client, applicatie, domein, jwks_uri, **extra):
    return client.post(
        reverse("connectieaanvragen:nieuw", args=[applicatie.pk]),
        {"domein": domein.pk, "jwks_uri": jwks_uri, **extra},
        follow=True,
    )


def test_filing_checks_the_keys_and_stores_the_result(client_app, applicatie, domein, jwks_server):
    uri = jwks_server.serve()
    response = _file(
        client_app,
        applicatie,
        domein,
        uri,
        redirect_uris="https://app.example.org/cb\nhttps://app.example.org/cb2\n",
        toelichting="Graag koppelen",
    )
    assert "Uw connectieaanvraag voor domein ggz-noord is ingediend." in response.content.decode()
    aanvraag = Connectieaanvraag.objects.get()
    assert aanvraag.redirect_uris == ["https://app.example.org/cb", "https://app.example.org/cb2"]
    assert aanvraag.toelichting == "Graag koppelen"
    assert aanvraag.jwks_gecontroleerd_op is not None
    assert aanvraag.jwks_resultaat["ok"] is True
    assert [k["kid"] for k in aanvraag.jwks_resultaat["sleutels"]] == ["rsa-1", "ec-1"]
    assert jwks_server.requests == ["/jwks.json"]


def test_a_bad_jwk_set_is_shown_on_the_form_and_nothing_is_filed(
    client_app, applicatie, domein, jwks_server
):
    uri = jwks_server.serve(document=jwk_set(rsa_key(bits=1024)))
    response = _file(client_app, applicatie, domein, uri)
    page = response.content.decode()
    assert "RSA-sleutel van 1024 bits; minimaal 2048 bits is vereist." in page
    assert 'aria-invalid="true"' in page
    assert not Connectieaanvraag.objects.exists()


def test_http_jwks_uri_is_refused_in_production(client_app, applicatie, domein, settings):
    settings.DEBUG = False
    response = _file(client_app, applicatie, domein, "http://keys.example.org/jwks.json")
    assert "De JWKS URI moet met https:// beginnen." in response.content.decode()
    assert not Connectieaanvraag.objects.exists()


def test_service_error_is_shown_on_the_form(client_app, applicatie, domein, jwks_server):
    uri = jwks_server.serve()
    make_request(applicatie=applicatie, domein=domein)
    response = _file(client_app, applicatie, domein, uri)
    assert "Er is al een openstaande connectieaanvraag voor Zorgportaal in domein ggz-noord." in (
        response.content.decode()
    )
    assert Connectieaanvraag.objects.count() == 1


def test_bad_redirect_uri_is_shown_on_its_field(client_app, applicatie, domein, jwks_server):
    response = _file(client_app, applicatie, domein, jwks_server.serve(), redirect_uris="ftp://x")
    assert "De redirect URI &#x27;ftp://x&#x27; is geen geldige URL." in response.content.decode()
    assert not Connectieaanvraag.objects.exists()


def test_missing_domain_and_uri_give_dutch_errors(client_app, applicatie):
    response = client_app.post(reverse("connectieaanvragen:nieuw", args=[applicatie.pk]), {})
    page = response.content.decode()
    assert "Kies een domein." in page and "Geef de JWKS URI op." in page


@pytest.mark.django_db(transaction=True)
def test_the_keys_are_fetched_outside_any_transaction(
    client, applicatiebeheerder, applicatie, domein, jwks_server, monkeypatch
):
    seen = []

    def spy(uri):
        seen.append(transaction.get_connection().in_atomic_block)
        return fetch_and_check(uri)

    monkeypatch.setattr(request_views, "fetch_and_check", spy)  # Sleutels opnieuw controleren
    monkeypatch.setattr(request_services, "fetch_and_check", spy)  # filing
    login(client, applicatiebeheerder)
    _file(client, applicatie, domein, jwks_server.serve())
    aanvraag = Connectieaanvraag.objects.get()
    login(client, domein.beheerders.first())
    client.post(reverse("connectieaanvragen:sleutels_controleren", args=[domein.naam, aanvraag.pk]))
    assert seen == [False, False]


@pytest.fixture
def client_dom(client, domeinbeheerder):
    login(client, domeinbeheerder)
    return client


@pytest.fixture
def aanvraag(applicatie, domein):
    return make_request(applicatie=applicatie, domein=domein, toelichting="Graag")


def test_domain_requests_tab_lists_open_first(client_dom, domein, aanvraag):
    from tests.factories import ApplicatieFactory, UserFactory

    other = ApplicatieFactory(naam="Oudere app", beheerders=[UserFactory()])
    refused = make_request(applicatie=other, domein=domein)
    client_dom.post(
        reverse("connectieaanvragen:weigeren", args=[domein.naam, refused.pk]), {"reden": "nee"}
    )
    newer_open = make_request(
        applicatie=ApplicatieFactory(naam="Nieuwe app", beheerders=[UserFactory()]), domein=domein
    )
    response = client_dom.get(reverse("connectieaanvragen:domein_aanvragen", args=[domein.naam]))
    assert [a.pk for a in response.context["page"]] == [newer_open.pk, aanvraag.pk, refused.pk]


def test_review_page_shows_the_request_and_the_unchecked_keys(client_dom, domein, aanvraag):
    # A request filed before every filing checked the keys has no check result.
    Connectieaanvraag.objects.filter(pk=aanvraag.pk).update(
        jwks_gecontroleerd_op=None, jwks_resultaat={}
    )
    page = client_dom.get(
        reverse("connectieaanvragen:beoordelen", args=[domein.naam, aanvraag.pk])
    ).content.decode()
    assert aanvraag.jwks_uri in page
    assert "De sleutels zijn nog niet gecontroleerd." in page
    assert "Accepteren" in page and "Weigeren" in page and "Sleutels opnieuw controleren" in page


def test_recheck_stores_and_lists_the_keys(client_dom, domein, applicatie, jwks_server):
    aanvraag = make_request(applicatie=applicatie, domein=domein, jwks_uri=jwks_server.serve())
    response = client_dom.post(
        reverse("connectieaanvragen:sleutels_controleren", args=[domein.naam, aanvraag.pk]),
        follow=True,
    )
    page = response.content.decode()
    assert "2 geldige sleutel(s) gevonden" in page
    assert "rsa-1" in page and "2048 bits" in page and "P-256" in page and "Opgehaald op" in page
    aanvraag.refresh_from_db()
    assert aanvraag.jwks_resultaat["ok"] and aanvraag.jwks_gecontroleerd_op


def test_recheck_of_a_broken_jwks_shows_the_error(client_dom, domein, applicatie, jwks_server):
    aanvraag = make_request(
        applicatie=applicatie, domein=domein, jwks_uri=jwks_server.url("/weg.json")
    )
    page = client_dom.post(
        reverse("connectieaanvragen:sleutels_controleren", args=[domein.naam, aanvraag.pk]),
        follow=True,
    ).content.decode()
    assert "HTTP-status 404" in page and "Niet in orde" in page
    aanvraag.refresh_from_db()
    assert aanvraag.jwks_resultaat["ok"] is False


def test_accept_creates_the_instance_and_confirms(client_dom, domein, aanvraag):
    response = client_dom.post(
        reverse("connectieaanvragen:accepteren", args=[domein.naam, aanvraag.pk]), follow=True
    )
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.GEACCEPTEERD
    page = response.content.decode()
    assert f"client-Id: {aanvraag.instantie.client_id}" in page
    assert 'action="/domeinen/ggz-noord/connectieaanvragen/' not in page  # no more buttons


def test_accepting_twice_shows_the_service_error(client_dom, domein, aanvraag):
    url = reverse("connectieaanvragen:accepteren", args=[domein.naam, aanvraag.pk])
    client_dom.post(url)
    response = client_dom.post(url, follow=True)
    assert "al geaccepteerd; het besluit staat vast" in response.content.decode()
    assert Applicatieinstantie.objects.count() == 1


def test_refuse_needs_a_reason(client_dom, domein, aanvraag):
    response = client_dom.post(
        reverse("connectieaanvragen:weigeren", args=[domein.naam, aanvraag.pk]), {"reden": " "}
    )
    assert "Geef de reden waarom de aanvraag wordt geweigerd." in response.content.decode()
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD


def test_refuse_with_reason_is_readable_by_the_applicant(
    client, domeinbeheerder, domein, aanvraag, applicatiebeheerder, applicatie
):
    login(client, domeinbeheerder)
    response = client.post(
        reverse("connectieaanvragen:weigeren", args=[domein.naam, aanvraag.pk]),
        {"reden": "Geen verwerkersovereenkomst"},
        follow=True,
    )
    assert "De connectieaanvraag van Zorgportaal is geweigerd." in response.content.decode()
    login(client, applicatiebeheerder)
    page = client.get(
        reverse("connectieaanvragen:applicatie_aanvragen", args=[applicatie.pk])
    ).content.decode()
    assert "Geweigerd" in page and "Geen verwerkersovereenkomst" in page


def test_applicant_sees_the_client_id_once_accepted(
    client, domeinbeheerder, applicatiebeheerder, domein, aanvraag, applicatie
):
    url = reverse("connectieaanvragen:applicatie_aanvragen", args=[applicatie.pk])
    login(client, applicatiebeheerder)
    assert "Aangevraagd" in client.get(url).content.decode()
    login(client, domeinbeheerder)
    client.post(reverse("connectieaanvragen:accepteren", args=[domein.naam, aanvraag.pk]))
    login(client, applicatiebeheerder)
    aanvraag.refresh_from_db()
    page = client.get(url).content.decode()
    assert str(aanvraag.instantie.client_id) in page and "Geaccepteerd" in page


def test_new_request_offers_every_domain(client_app, applicatie, domein):
    DomeinFactory(naam="ggz-zuid")
    page = client_app.get(reverse("connectieaanvragen:nieuw", args=[applicatie.pk])).content
    assert b"ggz-noord" in page and b"ggz-zuid" in page
    assert b'<label for="id_jwks_uri">' in page


def test_request_and_check_result_are_stored_together_or_not_at_all(
    client_app, applicatie, domein, jwks_server, monkeypatch
):
    from beheer.errors import ServiceError

    def failing_store(*args, **kwargs):  # injected fault after the request row was written
        raise ServiceError("Opslaan van de controle mislukte.", code="injected")

    monkeypatch.setattr(request_services, "_store_check", failing_store)
    response = _file(client_app, applicatie, domein, jwks_server.serve())
    assert "Opslaan van de controle mislukte." in response.content.decode()
    assert not Connectieaanvraag.objects.exists()
