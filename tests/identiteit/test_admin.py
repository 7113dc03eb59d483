"""Support's IdP screens: the same services, the secret write-only, removal listing the
instances, the secrets reads read-only, and the key scope granted by an action."""

import pytest

from api.models import DomeinApiSleutel, IdpGeheimLezing
from api.services import create_domain_key, record_idp_secret_read
from beheer import secrets
from domeinen.models import InstantieStatuswijziging, WijzigingSoort
from identiteit.models import IdentityProvider, IdpWijziging
from identiteit.services import add_instance_idp
from tests.auth_helpers import login
from tests.factories import make_idp, make_instance

SECRET = "Support-geheim-77"


@pytest.fixture
def support(client, support_user):
    login(client, support_user)
    return client


def _change_data(idp, **changes):
    return {
        "naam": idp.naam,
        "logische_id": idp.logische_id,
        "discovery_url": idp.discovery_url,
        "client_id": idp.client_id,
        "gebruikersnaam_claim": idp.gebruikersnaam_claim,
        "ingeschakeld": "on",
        "client_secret": "",
        "toewijzingen-TOTAL_FORMS": "0",
        "toewijzingen-INITIAL_FORMS": "0",
    } | changes


def test_support_changes_the_secret_through_the_service(support, domein, support_user):
    idp = make_idp(domein=domein)
    url = f"/admin/identiteit/identityprovider/{idp.pk}/change/"
    page = support.get(url).content.decode()
    assert "niet ingesteld" in page
    response = support.post(url, _change_data(idp, client_secret=SECRET))
    assert response.status_code == 302, response.content.decode()[:2000]
    idp.refresh_from_db()
    assert secrets.decrypt(idp.client_secret_versleuteld) == SECRET
    change = IdpWijziging.objects.filter(actie="gewijzigd").get()
    assert change.door == support_user
    assert change.wijzigingen == {"client_secret": [None, "gewijzigd"]}
    page = support.get(url).content.decode()
    assert SECRET not in page and "ingesteld" in page


def test_a_duplicate_logical_id_is_refused_in_the_admin_too(support, domein):
    make_idp(domein=domein, logische_id="digid")
    other = make_idp(domein=domein, logische_id="azure")
    response = support.post(
        f"/admin/identiteit/identityprovider/{other.pk}/change/",
        _change_data(other, logische_id="digid"),
    )
    assert response.status_code == 200
    assert "De logische id &#x27;digid&#x27; is in dit domein al in gebruik." in (
        response.content.decode()
    )


def test_support_removes_an_idp_through_the_service_with_confirmation(
    support, domein, applicatie, domeinbeheerder
):
    """Support holds no delete permissions: the admin links to the portal's removal page
    (support reaches every domain), which lists the instances and asks to confirm."""
    instance = make_instance(applicatie=applicatie, domein=domein)
    idp = make_idp(domein=domein)
    add_instance_idp(
        instance_id=instance.pk, gebruikerstype="Patient", idp_id=idp.pk, reason="r",
        by=domeinbeheerder,
    )  # fmt: skip
    assert support.get(f"/admin/identiteit/identityprovider/{idp.pk}/delete/").status_code == 403
    url = f"/domeinen/{domein.naam}/identity-providers/digid/verwijderen/"
    change = support.get(f"/admin/identiteit/identityprovider/{idp.pk}/change/").content.decode()
    assert f'href="{url}"' in change
    assert str(instance.client_id) in support.get(url).content.decode()
    response = support.post(url, {"bevestigd": "on"})
    assert response.status_code == 302
    assert not IdentityProvider.objects.exists()
    assert (
        InstantieStatuswijziging.objects.filter(
            instantie=instance, soort=WijzigingSoort.IDP
        ).count()
        == 2
    )  # added, then removed with the IdP


def test_support_grants_the_secrets_scope_with_an_action_and_sees_the_reads(
    support, domein, support_user
):
    key, _secret = create_domain_key(domein_id=domein.pk, naam="AS", by=support_user)
    response = support.post(
        "/admin/api/domeinapisleutel/",
        {"action": "grant_idp_secrets", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    assert DomeinApiSleutel.objects.get(pk=key.pk).mag_idp_geheimen_lezen is True
    record_idp_secret_read(key=key, ip_adres="geen-ip", logische_ids=["digid"])
    assert IdpGeheimLezing.objects.get().ip_adres is None
    page = support.get("/admin/api/idpgeheimlezing/").content.decode()
    assert "AS" in page
    lezing = IdpGeheimLezing.objects.get()
    assert support.get(f"/admin/api/idpgeheimlezing/{lezing.pk}/delete/").status_code == 403
