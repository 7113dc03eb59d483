"""The portal's IdP screens: the domain tab, add/edit/test/remove, an instance's lists, and the
applicatiebeheerder's read-only view."""

import pytest
from cryptography.fernet import Fernet

from beheer import secrets
from identiteit.models import IdentityProvider, InstantieIdp
from identiteit.services import add_instance_idp
from tests.auth_helpers import login
from tests.factories import make_idp, make_instance

SECRET = "Zeer-geheim-IdP-secret-42"


@pytest.fixture
def instance(domein, applicatie):
    return make_instance(applicatie=applicatie, domein=domein)


def _form(**changes):
    return {
        "naam": "DigiD",
        "logische_id": "digid",
        "discovery_url": "https://digid.example.org/.well-known/openid-configuration",
        "client_id": "kt-client",
        "client_secret": SECRET,
        "gebruikersnaam_claim": "sub",
        "ingeschakeld": "on",
    } | changes


def test_the_domain_has_an_identity_providers_tab(client, domein, domeinbeheerder):
    make_idp(domein=domein, client_secret=SECRET)
    login(client, domeinbeheerder)
    page = client.get(f"/domeinen/{domein.naam}/").content.decode()
    assert f'href="/domeinen/{domein.naam}/identity-providers/"' in page
    page = client.get(f"/domeinen/{domein.naam}/identity-providers/").content.decode()
    assert "IdP digid" in page
    assert "ingesteld" in page
    assert SECRET not in page


def test_adding_an_idp_stores_the_secret_encrypted_and_shows_only_that_it_is_set(
    client, domein, domeinbeheerder
):
    login(client, domeinbeheerder)
    response = client.post(f"/domeinen/{domein.naam}/identity-providers/nieuw/", _form())
    assert response.status_code == 302
    idp = IdentityProvider.objects.get()
    assert secrets.decrypt(idp.client_secret_versleuteld) == SECRET
    page = client.get(response["Location"]).content.decode()
    assert "is toegevoegd" in page
    assert "ingesteld" in page and "niet ingesteld" not in page
    assert SECRET not in page
    assert 'name="client_secret"' in page and 'value="' + SECRET not in page


def test_a_logical_id_in_use_gets_a_dutch_message(client, domein, domeinbeheerder):
    make_idp(domein=domein, logische_id="digid")
    login(client, domeinbeheerder)
    response = client.post(f"/domeinen/{domein.naam}/identity-providers/nieuw/", _form())
    assert response.status_code == 200
    assert "De logische id &#x27;digid&#x27; is in dit domein al in gebruik." in (
        response.content.decode()
    )
    assert IdentityProvider.objects.count() == 1


def test_a_missing_secrets_key_is_a_dutch_message_not_a_server_error(
    client, domein, domeinbeheerder, settings
):
    settings.KT_SECRETS_KEY = []
    login(client, domeinbeheerder)
    response = client.post(f"/domeinen/{domein.naam}/identity-providers/nieuw/", _form())
    assert response.status_code == 200
    assert "de sleutel KT_SECRETS_KEY ontbreekt" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_saving_without_a_new_secret_keeps_it(client, domein, domeinbeheerder):
    idp = make_idp(domein=domein, client_secret=SECRET)
    token = idp.client_secret_versleuteld
    login(client, domeinbeheerder)
    response = client.post(
        f"/domeinen/{domein.naam}/identity-providers/digid/",
        _form(naam="DigiD nieuw", client_secret=""),
    )
    assert response.status_code == 302
    idp.refresh_from_db()
    assert (idp.naam, idp.client_secret_versleuteld) == ("DigiD nieuw", token)


def test_verbinding_testen_shows_the_endpoints(client, domein, domeinbeheerder, idp_server):
    make_idp(domein=domein, discovery_url=idp_server.discovery_url)
    login(client, domeinbeheerder)
    page = client.post(
        f"/domeinen/{domein.naam}/identity-providers/digid/", {"testen": "1"}
    ).content.decode()
    assert "Het discovery-document is opgehaald en in orde." in page
    assert f"https://localhost:{idp_server.port}/token" in page


def test_verbinding_testen_says_why_it_failed(client, domein, domeinbeheerder, idp_server):
    idp_server.serve("/.well-known/openid-configuration", body=b"{}")
    make_idp(domein=domein, discovery_url=idp_server.discovery_url)
    login(client, domeinbeheerder)
    page = client.post(
        f"/domeinen/{domein.naam}/identity-providers/digid/", {"testen": "1"}
    ).content.decode()
    assert "De verbinding is mislukt:" in page
    assert "Het discovery-document mist het veld &#x27;issuer&#x27;." in page


def test_removing_an_idp_in_use_lists_the_instances_and_asks_to_confirm(
    client, domein, domeinbeheerder, instance
):
    idp = make_idp(domein=domein)
    add_instance_idp(
        instance_id=instance.pk, gebruikerstype="Patient", idp_id=idp.pk, reason="r",
        by=domeinbeheerder,
    )  # fmt: skip
    login(client, domeinbeheerder)
    url = f"/domeinen/{domein.naam}/identity-providers/digid/verwijderen/"
    page = client.get(url).content.decode()
    assert instance.applicatie.naam in page
    assert str(instance.client_id) in page
    response = client.post(url, {})
    assert response.status_code == 200
    assert "bevestig het verwijderen" in response.content.decode()
    assert IdentityProvider.objects.exists()
    response = client.post(url, {"bevestigd": "on"})
    assert response.status_code == 302
    assert not IdentityProvider.objects.exists()


def test_the_instance_page_links_to_its_idp_lists_and_shows_their_history(
    client, domein, domeinbeheerder, instance
):
    first, second = make_idp(domein=domein), make_idp(domein=domein, logische_id="azure")
    login(client, domeinbeheerder)
    base = f"/domeinen/{domein.naam}/applicatieinstanties/{instance.client_id}/"
    assert f'href="{base}identity-providers/"' in client.get(base).content.decode()
    for idp in (first, second):
        response = client.post(
            f"{base}identity-providers/",
            {
                "actie": "toevoegen",
                "gebruikerstype": "Practitioner",
                "identity_provider": idp.pk,
                "reden": "voor behandelaars",
            },
        )
        assert response.status_code == 302
    response = client.post(
        f"{base}identity-providers/",
        {
            "actie": "omhoog",
            "gebruikerstype": "Practitioner",
            "identity_provider": second.pk,
            "reden": "voorkeur",
        },
    )
    assert response.status_code == 302
    rows = InstantieIdp.objects.filter(instantie=instance).order_by("positie")
    assert [r.identity_provider.logische_id for r in rows] == ["azure", "digid"]
    page = client.get(f"{base}identity-providers/").content.decode()
    assert page.index("IdP azure") < page.index("IdP digid")
    history = client.get(base).content.decode()
    assert "Behandelaar: 1. IdP azure (azure), 2. IdP digid (digid)" in history
    assert "voorkeur" in history


def test_a_refused_list_change_shows_why(client, domein, domeinbeheerder, instance):
    idp = make_idp(domein=domein)
    login(client, domeinbeheerder)
    url = f"/domeinen/{domein.naam}/applicatieinstanties/{instance.client_id}/identity-providers/"
    response = client.post(
        url,
        {"actie": "omlaag", "gebruikerstype": "Patient", "identity_provider": idp.pk, "reden": "r"},
    )
    assert response.status_code == 200
    assert "Deze identity provider staat niet in de lijst." in response.content.decode()


def test_applicatiebeheerders_see_their_instances_idps_read_only(
    client, domein, domeinbeheerder, applicatiebeheerder, instance
):
    idp = make_idp(domein=domein, client_secret=SECRET, client_id="geheime-client-id")
    add_instance_idp(
        instance_id=instance.pk, gebruikerstype="RelatedPerson", idp_id=idp.pk, reason="r",
        by=domeinbeheerder,
    )  # fmt: skip
    login(client, applicatiebeheerder)
    listing = client.get(
        f"/applicaties/{instance.applicatie_id}/applicatieinstanties/"
    ).content.decode()
    url = (
        f"/applicaties/{instance.applicatie_id}/applicatieinstanties/{instance.client_id}"
        "/identity-providers/"
    )
    assert f'href="{url}"' in listing
    page = client.get(url).content.decode()
    assert "IdP digid" in page and "Naaste" in page
    assert 'name="actie"' not in page  # no add, move or remove controls
    assert SECRET not in page and "geheime-client-id" not in page


def test_a_wrong_secrets_key_does_not_break_the_pages(client, domein, domeinbeheerder, settings):
    make_idp(domein=domein, client_secret=SECRET)
    settings.KT_SECRETS_KEY = [Fernet.generate_key().decode()]
    login(client, domeinbeheerder)
    assert client.get(f"/domeinen/{domein.naam}/identity-providers/").status_code == 200
    assert client.get(f"/domeinen/{domein.naam}/identity-providers/digid/").status_code == 200
