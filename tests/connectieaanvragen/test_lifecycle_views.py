"""Issue 18's pages and admin: messages for bad input and stale tabs, the key check shown on
both instance pages, and support doing it all in the admin."""

import pytest
from django.urls import reverse

from connectieaanvragen.change_services import accept_change
from connectieaanvragen.models import Connectieaanvraag, Wijzigingsverzoek
from connectieaanvragen.services import withdraw_request
from domeinen.models import Applicatieinstantie
from domeinen.services import record_key_check
from tests.auth_helpers import login
from tests.factories import SupportUserFactory, make_change, make_instance, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance(applicatie, domein):
    return make_instance(applicatie=applicatie, domein=domein)


def _vendor_instance_url(instance):
    return f"/applicaties/{instance.applicatie_id}/applicatieinstanties/{instance.client_id}/"


def test_a_change_that_changes_nothing_is_refused_on_the_form(
    client, applicatiebeheerder, instance
):
    login(client, applicatiebeheerder)
    response = client.post(
        _vendor_instance_url(instance) + "wijziging/",
        {"wijziging-jwks_uri": instance.jwks_uri, "wijziging-redirect_uris": ""},
    )
    assert response.status_code == 200
    assert "De gevraagde gegevens zijn gelijk aan de huidige; er verandert niets." in (
        response.content.decode()
    )
    assert not Wijzigingsverzoek.objects.exists()


def test_a_new_jwks_uri_with_bad_keys_shows_the_filing_message(
    client, applicatiebeheerder, instance, jwks_server
):
    from tests.jwks_server import jwk_set, rsa_key

    uri = jwks_server.serve(document=jwk_set(rsa_key(d="AQAB")))
    login(client, applicatiebeheerder)
    response = client.post(
        _vendor_instance_url(instance) + "wijziging/", {"wijziging-jwks_uri": uri}
    )
    assert "bevat privé-sleutelmateriaal (d)" in response.content.decode()
    assert not Wijzigingsverzoek.objects.exists()


def test_a_stale_tab_deciding_a_decided_change_gets_a_clear_message(
    client, domeinbeheerder, applicatiebeheerder, instance, domein
):
    verzoek = make_change(
        instance_id=instance.pk, by=applicatiebeheerder, redirect_uris=["https://a.nl/t"]
    )
    accept_change(change_id=verzoek.pk, by=domeinbeheerder)
    before = Applicatieinstantie.objects.values().get(pk=instance.pk)
    login(client, domeinbeheerder)
    url = f"/domeinen/{domein.naam}/wijzigingsverzoeken/{verzoek.pk}/"
    response = client.post(url + "weigeren/", {"reden": "toch niet"}, follow=True)
    assert "Dit wijzigingsverzoek is al geaccepteerd; het besluit staat vast." in (
        response.content.decode()
    )
    assert Wijzigingsverzoek.objects.get(pk=verzoek.pk).status == "geaccepteerd"
    assert Applicatieinstantie.objects.values().get(pk=instance.pk) == before


def test_a_stale_tab_withdrawing_a_decided_request_gets_a_clear_message(
    client, applicatiebeheerder, applicatie, domein
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    withdraw_request(request_id=aanvraag.pk, by=applicatiebeheerder)
    login(client, applicatiebeheerder)
    url = f"/applicaties/{applicatie.pk}/connectieaanvragen/{aanvraag.pk}/intrekken/"
    response = client.post(url, {"reden": ""}, follow=True)
    assert "Deze connectieaanvraag is al ingetrokken; het besluit staat vast." in (
        response.content.decode()
    )


def test_both_instance_pages_show_the_key_check(
    client, domeinbeheerder, applicatiebeheerder, instance, domein
):
    for _ in range(2):
        record_key_check(
            instance_id=instance.pk,
            jwks_uri=instance.jwks_uri,
            ok=False,
            error="De JWKS URI is niet bereikbaar.",
        )
    urls = {
        domeinbeheerder: f"/domeinen/{domein.naam}/applicatieinstanties/{instance.client_id}/",
        applicatiebeheerder: _vendor_instance_url(instance),
    }
    for user, url in urls.items():
        login(client, user)
        page = client.get(url).content.decode()
        assert "Sleutelcontrole" in page
        assert "De JWKS URI is niet bereikbaar." in page
        assert 'class="sleutels sleutels-fout"' in page


def test_support_withdraws_a_request_in_the_admin(client, support_user, applicatie, domein):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    login(client, support_user)
    url = reverse("admin:connectieaanvragen_connectieaanvraag_intrekken", args=[aanvraag.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"reden": "Op verzoek van de leverancier"})
    aanvraag.refresh_from_db()
    assert aanvraag.status == "ingetrokken"
    assert aanvraag.besloten_door == support_user


def test_support_files_and_accepts_a_change_in_the_admin(
    client, support_user, instance, jwks_server
):
    uri = jwks_server.serve()
    login(client, support_user)
    response = client.post(
        reverse("admin:connectieaanvragen_wijzigingsverzoek_add"),
        {"instantie": instance.pk, "jwks_uri": uri, "redirect_uris": "", "toelichting": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    verzoek = Wijzigingsverzoek.objects.get()
    assert verzoek.jwks_uri == uri and verzoek.jwks_resultaat["ok"]
    page = client.get(
        reverse("admin:connectieaanvragen_wijzigingsverzoek_change", args=[verzoek.pk])
    ).content.decode()
    assert "Accepteren" in page and "In orde" in page
    accept_url = reverse("admin:connectieaanvragen_wijzigingsverzoek_accepteren", args=[verzoek.pk])
    # Separation of duties: who filed it does not decide it, support neither.
    response = client.post(accept_url, follow=True)
    assert "U hebt dit wijzigingsverzoek zelf ingediend" in response.content.decode()
    assert Wijzigingsverzoek.objects.get(pk=verzoek.pk).is_open
    login(client, SupportUserFactory(username="support-2"))
    client.post(accept_url)
    verzoek.refresh_from_db()
    assert verzoek.status == "geaccepteerd"
    instance.refresh_from_db()
    assert instance.jwks_uri == uri


def test_support_refuses_and_withdraws_changes_in_the_admin(
    client, support_user, applicatiebeheerder, instance
):
    login(client, support_user)
    for i, (route, data, status) in enumerate(
        [("weigeren", {"reden": "Nee"}, "geweigerd"), ("intrekken", {}, "ingetrokken")]
    ):
        verzoek = make_change(
            instance_id=instance.pk, by=applicatiebeheerder, redirect_uris=[f"https://a.nl/{i}"]
        )
        client.post(
            reverse(f"admin:connectieaanvragen_wijzigingsverzoek_{route}", args=[verzoek.pk]), data
        )
        verzoek.refresh_from_db()
        assert verzoek.status == status


def test_the_vendor_request_page_shows_status_keys_history_and_decision(
    client, applicatiebeheerder, domeinbeheerder, applicatie, domein
):
    from connectieaanvragen.services import refuse_request

    aanvraag = make_request(applicatie=applicatie, domein=domein, redirect_uris=["https://a.nl/t"])
    refuse_request(request_id=aanvraag.pk, reason="Geen contract", by=domeinbeheerder)
    login(client, applicatiebeheerder)
    page = client.get(
        f"/applicaties/{applicatie.pk}/connectieaanvragen/{aanvraag.pk}/"
    ).content.decode()
    for text in ("Geweigerd", aanvraag.jwks_uri, "https://a.nl/t", "Geen contract", "Historie"):
        assert text in page
    assert "Sleutels (JWKS-controle)" in page
    assert "/intrekken/" not in page  # a decided request cannot be withdrawn


def test_the_vendor_request_page_offers_intrekken_while_open(
    client, applicatiebeheerder, applicatie, domein
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    login(client, applicatiebeheerder)
    page = client.get(
        f"/applicaties/{applicatie.pk}/connectieaanvragen/{aanvraag.pk}/"
    ).content.decode()
    assert f"/applicaties/{applicatie.pk}/connectieaanvragen/{aanvraag.pk}/intrekken/" in page
    assert Connectieaanvraag.objects.get(pk=aanvraag.pk).is_open
