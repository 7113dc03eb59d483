"""Issue 18 in a real browser: the vendor withdraws a request, files a new one, it is
accepted, the vendor asks to change the JWKS URI, the domain accepts, and the registry API and
the instance page show the new URI with the same client_id."""

import pytest
from playwright.sync_api import expect

from api.services import create_domain_key
from connectieaanvragen.models import Connectieaanvraag
from domeinen.models import Domein
from tests.e2e.test_portal_flow import file_request, login, people  # noqa: F401 (fixture)
from tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_withdraw_refile_accept_and_change_the_jwks_uri(
    new_page,
    screenshot,
    jwks_server,
    people,  # noqa: F811
):
    typo_uri = jwks_server.serve("/jwsk.json")  # a typo that still serves keys
    good_uri = jwks_server.serve("/jwks.json")
    new_uri = jwks_server.serve("/nieuw/jwks.json")
    anna, dora = new_page(), new_page()
    login(anna, "anna")
    login(dora, "dora")

    # The vendor files a request with the wrong URI, opens its page and withdraws it.
    file_request(anna, applicatie="Zorgportaal", domein="ggz-noord", jwks_uri=typo_uri)
    anna.get_by_role("link", name="ggz-noord").click()
    expect(
        anna.get_by_role("heading", name="Connectieaanvraag voor domein ggz-noord")
    ).to_be_visible()
    expect(anna.get_by_text(typo_uri)).to_be_visible()
    anna.get_by_label("Reden (optioneel)").fill("Typefout in de JWKS URI.")
    anna.get_by_role("button", name="Intrekken").click()
    expect(anna.get_by_role("status")).to_contain_text("is ingetrokken; u kunt een nieuwe indienen")
    expect(anna.locator(".status-ingetrokken").first).to_have_text("Ingetrokken")
    expect(anna.get_by_role("button", name="Intrekken")).to_have_count(0)
    screenshot(anna, "20-aanvraag-ingetrokken")

    # The pair is free at once: a new request, which the domain accepts.
    file_request(anna, applicatie="Zorgportaal", domein="ggz-noord", jwks_uri=good_uri)
    dora.goto("/domeinen/ggz-noord/connectieaanvragen/")
    rows = dora.get_by_role("row")
    expect(rows.filter(has=dora.locator(".status-ingetrokken"))).to_have_count(1)
    open_row = rows.filter(has=dora.locator(".status-aangevraagd"))
    expect(open_row).to_have_count(1)
    open_row.get_by_role("link", name="Zorgportaal").click()
    dora.get_by_role("button", name="Accepteren").click()
    expect(dora.get_by_role("status")).to_contain_text("is geaccepteerd; client-Id:")
    instance = Connectieaanvraag.objects.get(status="geaccepteerd").instantie
    client_id = str(instance.client_id)

    # The vendor opens the instance and asks for a new JWKS URI.
    anna.get_by_role("link", name="Applicatieinstanties").click()
    anna.get_by_role("link", name=client_id).click()
    expect(
        anna.get_by_role("heading", name="Applicatieinstantie in domein ggz-noord")
    ).to_be_visible()
    anna.get_by_label("JWKS URI").fill(new_uri)
    anna.get_by_label("Toelichting (optioneel)").fill("Nieuwe sleutelserver.")
    anna.get_by_role("button", name="Wijziging aanvragen").click()
    expect(anna.get_by_role("status")).to_contain_text("Uw wijzigingsverzoek is ingediend.")
    expect(anna.get_by_text("Er staat een wijzigingsverzoek open")).to_be_visible()
    screenshot(anna, "21-wijziging-aangevraagd")

    # The domain reviews it: old and new side by side, the keys checked; accepts.
    dora.get_by_role("link", name="Wijzigingsverzoeken").click()
    dora.get_by_role("link", name="Zorgportaal").click()
    expect(dora.get_by_role("heading", name="Wijzigingsverzoek van Zorgportaal")).to_be_visible()
    changed = dora.locator("tr.gewijzigd")
    expect(changed).to_contain_text(good_uri)
    expect(changed).to_contain_text(new_uri)
    expect(dora.locator("#kop-sleutels + p")).to_contain_text("In orde")
    screenshot(dora, "22-wijziging-beoordelen")
    dora.get_by_role("button", name="Accepteren").click()
    expect(dora.get_by_role("status")).to_contain_text(f"client-Id {client_id} blijft")

    # The registry API serves the new URI under the same client_id ...
    support = SupportUserFactory(username="support-e2e")
    _row, key = create_domain_key(
        domein_id=Domein.objects.get(naam="ggz-noord").pk, naam="AS", by=support
    )
    response = anna.request.get(
        f"/api/v1/domeinen/ggz-noord/clients/{client_id}",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status == 200, response.text()
    body = response.json()
    assert body["client_id"] == client_id
    assert body["jwks_uri"] == new_uri

    # ... and so does the vendor's instance page, with the change in its history.
    anna.reload()
    expect(anna.locator("#client-id")).to_have_text(client_id)
    expect(anna.locator("#jwks-uri")).to_have_text(new_uri)
    expect(anna.locator("tr.historie-uris")).to_contain_text(new_uri)
    expect(anna.locator("#kop-wijzigingen ~ table .status-geaccepteerd")).to_have_count(1)
    screenshot(anna, "23-wijziging-doorgevoerd")
