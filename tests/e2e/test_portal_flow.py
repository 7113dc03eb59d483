"""The whole connection flow in a real browser, as the manual's chapters 4 and 5 tell it."""

import re

import pytest
from playwright.sync_api import expect

from beheer.accounts.models import User
from connectieaanvragen.models import Connectieaanvraag
from tests.auth_helpers import current_code, totp_device
from tests.factories import TEST_PASSWORD, ApplicatieFactory, DomeinFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, username):
    """The real two-step login: password, then the code the user's authenticator shows."""
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    device = totp_device(User.objects.get(username=username))
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("heading", name="Overzicht")).to_be_visible()


def file_request(page, *, applicatie, domein, jwks_uri, toelichting=""):
    page.goto("/")
    page.get_by_role("link", name=applicatie).click()
    page.get_by_role("link", name="Nieuwe connectieaanvraag").first.click()
    page.get_by_label("Domein").select_option(label=domein)
    page.get_by_label("JWKS URI").fill(jwks_uri)
    page.get_by_label("Redirect URI's (optioneel)").fill("https://zorgportaal.example/terug")
    page.get_by_label("Toelichting (optioneel)").fill(toelichting)
    page.get_by_role("button", name="Aanvragen").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Uw connectieaanvraag voor domein {domein} is ingediend."
    )


@pytest.fixture
def people(db):
    anna = UserFactory(username="anna", full_name="Anna Applicatie")
    dora = UserFactory(username="dora", full_name="Dora Domein")
    DomeinFactory(naam="ggz-noord", zorgaanbieder="GGZ Noord", beheerders=[dora])
    DomeinFactory(naam="ggz-zuid", zorgaanbieder="GGZ Zuid", beheerders=[dora])
    ApplicatieFactory(naam="Zorgportaal", leverancier="Portaal B.V.", beheerders=[anna])
    for person in (anna, dora):
        totp_device(person)  # KT_2FA_REQUIRED is on: both log in with an authenticator code
    return anna, dora


def test_request_accept_maintain_close_and_refuse(
    new_page, screenshot, jwks_server, people, settings
):
    jwks_uri = jwks_server.serve()
    anna, dora = new_page(), new_page()

    # The applicatiebeheerder files a request; the keys are checked on filing.
    login(anna, "anna")
    screenshot(anna, "01-start-applicatiebeheerder")
    file_request(
        anna,
        applicatie="Zorgportaal",
        domein="ggz-noord",
        jwks_uri=jwks_uri,
        toelichting="Graag koppelen voor de pilot.",
    )
    expect(anna.get_by_role("cell", name="Aangevraagd")).to_be_visible()
    screenshot(anna, "02-connectieaanvragen-applicatie")

    # The domeinbeheerder sees it, checks the keys again and accepts.
    login(dora, "dora")
    screenshot(dora, "03-start-domeinbeheerder")
    dora.get_by_role("link", name="ggz-noord", exact=True).click()
    expect(dora.get_by_role("heading", name="Domein ggz-noord")).to_be_visible()
    screenshot(dora, "04-domein-details")
    dora.get_by_role("link", name="Connectieaanvragen").click()
    dora.get_by_role("link", name="Zorgportaal").click()
    expect(
        dora.get_by_role("definition").filter(has_text="Graag koppelen voor de pilot.")
    ).to_be_visible()
    dora.get_by_role("button", name="Sleutels opnieuw controleren").click()
    expect(dora.get_by_role("status")).to_contain_text("2 geldige sleutel(s) gevonden")
    expect(dora.get_by_role("cell", name="rsa-1")).to_be_visible()
    expect(dora.get_by_role("cell", name="2048 bits")).to_be_visible()
    screenshot(dora, "05-connectieaanvraag-beoordelen")
    rol = dora.get_by_label("Rol", exact=True)
    expect(rol).to_have_value("")  # empty: the default role for the kind of application
    expect(rol.locator("option").first).to_have_text(re.compile(r"^Standaardrol voor .+: .+"))
    rol.select_option(label="EPD")
    dora.get_by_label("Ik accepteer deze aanvraag", exact=False).check()
    dora.get_by_role("button", name="Accepteren").click()
    expect(dora.get_by_role("status")).to_contain_text("is geaccepteerd; client-Id:")
    expect(dora.get_by_role("status")).to_contain_text("rol: EPD")
    instance = Connectieaanvraag.objects.get(domein__naam="ggz-noord").instantie
    client_id = str(instance.client_id)
    assert instance.rol.naam == "EPD"

    # The applicatiebeheerder sees the client-Id and the role, and on the instances tab also
    # the role's scopes and the FHIR state; there is nothing to change the role with.
    anna.get_by_role("link", name="Connectieaanvragen").click()
    expect(anna.get_by_role("cell", name="Geaccepteerd")).to_be_visible()
    expect(anna.get_by_text(client_id)).to_be_visible()
    expect(anna.get_by_text("Rol: EPD")).to_be_visible()
    screenshot(anna, "06-client-id-zichtbaar")
    anna.get_by_role("link", name="Applicatieinstanties").click()
    row = anna.get_by_role("row").filter(has_text=client_id)
    expect(row.get_by_role("cell", name="EPD")).to_be_visible()
    expect(row.locator(".fhir-status")).to_be_visible()
    row.get_by_text("SMART-scopes").click()
    expect(row.get_by_text("system/Patient.", exact=False).first).to_be_visible()
    expect(anna.get_by_role("button", name="Rol wijzigen")).to_have_count(0)
    screenshot(anna, "06b-rol-en-fhir-status-applicatie")

    # The domeinbeheerder puts the instance in onderhoud, then closes it.
    dora.get_by_role("link", name="Applicatieinstanties").click()
    expect(dora.get_by_role("cell", name=client_id)).to_be_visible()
    screenshot(dora, "07-applicatieinstanties")
    dora.get_by_role("link", name="Zorgportaal").click()
    expect(dora.locator(".fhir-status")).to_be_visible()

    # The domeinbeheerder gives the instance another role; the history shows from and to.
    dora.get_by_label("Nieuwe rol").select_option(label="Portaal")
    dora.get_by_role("button", name="Rol wijzigen").click()  # no reason yet
    expect(dora.get_by_text("Geef een reden op.")).to_be_visible()
    dora.get_by_label("Nieuwe rol").select_option(label="Portaal")
    dora.get_by_label("Reden van de rolwijziging").fill("Toch alleen het portaal.")
    dora.get_by_role("button", name="Rol wijzigen").click()
    expect(dora.get_by_role("status")).to_contain_text("gewijzigd naar 'Portaal'")
    history = dora.locator("tr.historie-rol")
    expect(history).to_contain_text("EPD")
    expect(history).to_contain_text("Portaal")
    expect(history).to_contain_text("Toch alleen het portaal.")
    screenshot(dora, "07b-rol-gewijzigd")

    dora.get_by_label("In onderhoud").check()
    dora.get_by_label("Reden", exact=True).fill("Sleutelrotatie bij de leverancier.")
    dora.get_by_role("button", name="Status wijzigen").click()
    expect(dora.get_by_role("status")).to_contain_text("gewijzigd naar 'In onderhoud'")
    screenshot(dora, "08-instantie-in-onderhoud")
    dora.get_by_label("Afgesloten").check()
    dora.get_by_role("button", name="Status wijzigen").click()  # no reason yet
    expect(dora.get_by_text("Geef een reden op.")).to_be_visible()
    dora.get_by_label("Afgesloten").check()
    dora.get_by_label("Reden", exact=True).fill("Contract beëindigd.")
    dora.get_by_label("Ik sluit deze applicatieinstantie definitief af", exact=False).check()
    dora.get_by_role("button", name="Status wijzigen").click()
    expect(dora.get_by_role("status")).to_contain_text("gewijzigd naar 'Afgesloten'")
    expect(dora.get_by_text("de status kan niet meer wijzigen")).to_be_visible()
    expect(dora.get_by_text("de rol kan niet meer wijzigen")).to_be_visible()
    expect(dora.get_by_role("button", name="Rol wijzigen")).to_have_count(0)
    expect(dora.get_by_role("cell", name="Contract beëindigd.")).to_be_visible()
    screenshot(dora, "09-instantie-afgesloten")

    # Another request is refused with a reason, which the applicatiebeheerder reads.
    file_request(anna, applicatie="Zorgportaal", domein="ggz-zuid", jwks_uri=jwks_uri)
    dora.goto("/domeinen/ggz-zuid/connectieaanvragen/")
    dora.get_by_role("link", name="Zorgportaal").click()
    dora.get_by_role("button", name="Weigeren").click()  # no reason: refused by the form
    expect(dora.get_by_text("Geef de reden waarom de aanvraag wordt geweigerd.")).to_be_visible()
    dora.get_by_label("Reden van weigering").fill("Geen verwerkersovereenkomst afgesloten.")
    dora.get_by_label("Ik weiger deze aanvraag definitief", exact=False).check()
    dora.get_by_role("button", name="Weigeren").click()
    expect(dora.get_by_role("status")).to_contain_text("is geweigerd")
    screenshot(dora, "10-aanvraag-geweigerd")
    anna.get_by_role("link", name="Connectieaanvragen").click()
    expect(anna.get_by_role("cell", name="Geweigerd")).to_be_visible()
    expect(anna.get_by_text("Geen verwerkersovereenkomst afgesloten.")).to_be_visible()
    screenshot(anna, "11-weigering-gelezen")

    # Logging out leads back to the login page.
    anna.get_by_role("button", name="Afmelden").click()
    expect(anna).to_have_url(re.compile(r"/inloggen/$"))


def test_bad_keys_are_explained_on_the_form(new_page, screenshot, jwks_server, people):
    from tests.jwks_server import jwk_set, rsa_key

    uri = jwks_server.serve(document=jwk_set(rsa_key(d="AQAB")))
    anna = new_page()
    login(anna, "anna")
    anna.goto("/")
    anna.get_by_role("link", name="Zorgportaal").click()
    anna.get_by_role("link", name="Nieuwe connectieaanvraag").first.click()
    anna.get_by_label("Domein").select_option(label="ggz-noord")
    anna.get_by_label("JWKS URI").fill(uri)
    anna.get_by_role("button", name="Aanvragen").click()
    expect(anna.get_by_text("bevat privé-sleutelmateriaal (d)")).to_be_visible()
    screenshot(anna, "12-fout-sleutels")
    assert not Connectieaanvraag.objects.exists()


def test_production_banner_is_shown(new_page, screenshot, settings, people):
    settings.KT_OMGEVING = "prd2"
    page = new_page()
    page.goto("/inloggen/")
    banner = page.get_by_role("note")
    expect(banner).to_contain_text("prd2 — PRODUCTIE")
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(176, 0, 32)"
    screenshot(page, "00-inloggen-productie")


def test_keyboard_focus_follows_the_reading_order(new_page, people):
    page = new_page()
    login(page, "dora")
    page.goto("/domeinen/ggz-noord/")
    expected = [
        "Naar de inhoud",
        "KT Beheer",
        "Mijn domeinen",
        "Te beoordelen",  # dora administers no application: no "Mijn applicaties"
        "Wachtwoord wijzigen",
        "Tweestapsverificatie",
        "Afmelden",
        "Mijn domeinen",
        "Details",
        "Applicatieinstanties",
        "Connectieaanvragen",
        "Beheerders",
        "Wijzigingsverzoeken",
        "Identity providers",
        "Logboek",
        "omschrijving",
    ]
    order = []
    for _ in expected:
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        order.append(focused.inner_text().strip() or focused.get_attribute("name"))
    assert order == expected
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back on a tab: it has a visible focus outline
    outline = page.locator(":focus").evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
