"""The screens as their users work with them (issue 22): find, decide with confidence, never a
dead end; and every page type passes axe-core without serious or critical violations."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectieaanvragen.models import Connectieaanvraag
from domeinen.models import InstantieStatus
from tests.auth_helpers import totp_device
from tests.e2e.test_portal_flow import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db):
    """dora administers two domains with open requests of several ages; anna two applications."""
    anna = UserFactory(username="anna", full_name="Anna Applicatie")
    dora = UserFactory(username="dora", full_name="Dora Domein")
    noord = DomeinFactory(naam="ggz-noord", zorgaanbieder="GGZ Noord", beheerders=[dora])
    zuid = DomeinFactory(naam="ggz-zuid", zorgaanbieder="GGZ Zuid", beheerders=[dora])
    portaal = ApplicatieFactory(
        naam="Zorgportaal",
        leverancier="Portaal B.V.",
        contact_naam="Piet Portaal",
        contact_email="piet@portaal.example",
        contact_telefoon="+31301234567",
        beheerders=[anna],
    )
    dagboek = ApplicatieFactory(
        naam="Stemmingsdagboek", leverancier="Dagboek B.V.", beheerders=[anna]
    )
    meetpunt = ApplicatieFactory(
        naam="ROM Meetpunt", leverancier="Meetwerk B.V.", beheerders=[anna]
    )
    for person in (anna, dora):
        totp_device(person)
    oldest = make_request(applicatie=dagboek, domein=zuid)
    Connectieaanvraag.objects.filter(pk=oldest.pk).update(
        aangevraagd_op=timezone.now() - timezone.timedelta(days=3)
    )
    newer = make_request(applicatie=portaal, domein=noord)
    instance = make_instance(applicatie=meetpunt, domein=noord)
    return {"anna": anna, "dora": dora, "oldest": oldest, "newer": newer, "instance": instance}


def test_filter_search_and_sort_the_request_list(new_page, screenshot, world):
    dora = new_page()
    login(dora, "dora")
    dora.goto("/domeinen/ggz-noord/connectieaanvragen/")
    rows = dora.locator("tbody tr")
    expect(rows).to_have_count(2)  # the open request and the accepted one
    dora.get_by_label("Status").select_option(label="Aangevraagd")
    dora.get_by_role("button", name="Filteren").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zorgportaal")
    dora.get_by_label("Zoeken (applicatie of leverancier)").fill("Meetwerk")
    dora.get_by_label("Status").select_option(label="Alle statussen")
    dora.get_by_role("button", name="Filteren").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ROM Meetpunt")
    screenshot(dora, "20-aanvragen-gefilterd")
    dora.get_by_role("link", name="Alle tonen").click()
    dora.get_by_role("link", name="Applicatie", exact=True).click()
    expect(rows.first).to_contain_text("ROM Meetpunt")  # A-Z
    dora.get_by_role("link", name="Applicatie", exact=True).click()
    expect(rows.first).to_contain_text("Zorgportaal")  # Z-A
    expect(dora.locator("th[aria-sort=descending]")).to_contain_text("Applicatie")


def test_te_beoordelen_lists_every_open_request_oldest_first(new_page, screenshot, world):
    dora = new_page()
    login(dora, "dora")
    dora.get_by_role("link", name="Te beoordelen: 2 connectieaanvragen").click()
    expect(dora.get_by_role("heading", name="Te beoordelen", exact=True)).to_be_visible()
    rows = dora.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Stemmingsdagboek")  # the oldest, in ggz-zuid
    expect(rows.nth(0)).to_contain_text("ggz-zuid")
    expect(rows.nth(1)).to_contain_text("Zorgportaal")
    screenshot(dora, "21-te-beoordelen")
    dora.get_by_role("link", name="Zorgportaal").click()
    expect(dora.get_by_text("Piet Portaal")).to_be_visible()  # who to call
    expect(dora.get_by_role("link", name="030 123 4567")).to_be_visible()


def test_accepting_waits_until_it_is_confirmed(new_page, screenshot, world):
    dora = new_page()
    login(dora, "dora")
    dora.goto(f"/domeinen/ggz-noord/connectieaanvragen/{world['newer'].pk}/")
    rol = dora.get_by_label("Rol", exact=True)
    default = world["newer"].applicatie.get_soort_display()
    expect(rol.locator("option").first).to_contain_text(f"Standaardrol voor {default}: ")
    dora.get_by_role("button", name="Accepteren").click()
    expect(dora.get_by_text("Bevestig dat u de aanvraag wilt accepteren.")).to_be_visible()
    screenshot(dora, "22-accepteren-bevestigen")
    assert Connectieaanvraag.objects.get(pk=world["newer"].pk).status == "aangevraagd"
    dora.get_by_label("Ik accepteer deze aanvraag", exact=False).check()
    dora.get_by_role("button", name="Accepteren").click()
    expect(dora.get_by_role("status")).to_contain_text("is geaccepteerd")


def test_closing_an_active_instance_directly_with_confirmation(new_page, screenshot, world):
    instance = world["instance"]
    dora = new_page()
    login(dora, "dora")
    dora.goto(f"/domeinen/ggz-noord/applicatieinstanties/{instance.client_id}/")
    expect(dora.get_by_text("Actief", exact=True).first).to_be_visible()
    dora.get_by_label("Afgesloten").check()
    dora.get_by_label("Reden", exact=True).fill("Contract beëindigd.")
    dora.get_by_role("button", name="Status wijzigen").click()
    expect(
        dora.get_by_text("Bevestig dat u de applicatieinstantie definitief wilt afsluiten.")
    ).to_be_visible()
    instance.refresh_from_db()
    assert instance.status == InstantieStatus.ACTIEF
    dora.get_by_label("Afgesloten").check()
    dora.get_by_label("Ik sluit deze applicatieinstantie definitief af", exact=False).check()
    dora.get_by_role("button", name="Status wijzigen").click()
    expect(dora.get_by_role("status")).to_contain_text("gewijzigd naar 'Afgesloten'")
    expect(
        dora.get_by_text("Niet meer geldig: de applicatieinstantie is afgesloten.")
    ).to_be_visible()
    screenshot(dora, "23-afgesloten-vanuit-actief")
    instance.refresh_from_db()
    assert instance.status == InstantieStatus.AFGESLOTEN


def test_a_wrong_address_shows_the_portal_error_page(new_page, screenshot, world):
    dora = new_page()
    login(dora, "dora")
    response = dora.goto("/domeinen/bestaat-niet/")
    assert response.status == 404
    expect(dora.get_by_role("heading", name=re.compile("Pagina niet gevonden"))).to_be_visible()
    expect(dora.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    screenshot(dora, "24-niet-gevonden")
    dora.get_by_role("link", name="Naar het overzicht").click()
    expect(dora.get_by_role("heading", name="Overzicht")).to_be_visible()


def test_vendor_start_screen_counts_per_status(new_page, screenshot, world):
    anna = new_page()
    login(anna, "anna")
    row = anna.get_by_role("row").filter(has_text="ROM Meetpunt")
    expect(row).to_contain_text("Geaccepteerd: 1")
    expect(row).to_contain_text("Actief: 1")
    nav = anna.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Mijn applicaties")).to_be_visible()
    expect(nav.get_by_role("link", name="Mijn domeinen")).to_have_count(0)
    screenshot(anna, "25-start-leverancier")
    row.get_by_role("link", name="Actief: 1").click()
    expect(anna.locator("tbody tr")).to_have_count(1)


# --- accessibility -------------------------------------------------------------------------

SERIOUS = {"serious", "critical"}


def _axe_clean(page, axe, name):
    violations = [v for v in axe.run(page).response["violations"] if v.get("impact") in SERIOUS]
    assert not violations, (
        name,
        [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations],
    )


def test_every_page_type_passes_axe_core(browser, live_server, screenshot, world):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()  # ships axe-core's script: nothing is fetched from a CDN
    # axe-core runs as a script in the page; the portal itself needs no JavaScript.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto("/inloggen/")
        _axe_clean(page, axe, "inloggen")
        login(page, "dora")
        instance, aanvraag = world["instance"], world["newer"]
        dora_pages = {
            "start": "/",
            "te-beoordelen": "/te-beoordelen/",
            "domeinen": "/domeinen/",
            "domein-details": "/domeinen/ggz-noord/",
            "instanties": "/domeinen/ggz-noord/applicatieinstanties/?sort=applicatie",
            "instantie": f"/domeinen/ggz-noord/applicatieinstanties/{instance.client_id}/",
            "aanvragen": "/domeinen/ggz-noord/connectieaanvragen/?status=aangevraagd",
            "beoordelen": f"/domeinen/ggz-noord/connectieaanvragen/{aanvraag.pk}/",
            "wachtwoord": "/account/wachtwoord/",
            "niet-gevonden": "/bestaat-niet/",
        }
        for name, url in dora_pages.items():
            page.goto(url)
            _axe_clean(page, axe, name)
            screenshot(page, f"axe-dora-{name}")
        page.context.clear_cookies()
        login(page, "anna")
        app = aanvraag.applicatie
        anna_pages = {
            "start": "/",
            "applicaties": "/applicaties/",
            "applicatie-details": f"/applicaties/{app.pk}/",
            "applicatie-aanvragen": f"/applicaties/{app.pk}/connectieaanvragen/",
            "applicatie-instanties": f"/applicaties/{instance.applicatie_id}/applicatieinstanties/",
            "nieuwe-aanvraag": f"/applicaties/{app.pk}/connectieaanvragen/nieuw/",
        }
        for name, url in anna_pages.items():
            page.goto(url)
            _axe_clean(page, axe, name)
            screenshot(page, f"axe-anna-{name}")
    finally:
        context.close()


def test_admin_user_pages_fit_1280_px_and_speak_dutch(browser, live_server, screenshot, world):
    from tests.factories import SupportUserFactory

    support = SupportUserFactory(username="sanne")
    totp_device(support)
    # The admin's widgets are JavaScript: this context runs it.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        login(page, "sanne")
        page.goto("/admin/accounts/user/")
        expect(page.locator("#result_list")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 1280, overflow
        screenshot(page, "30-admin-gebruikers")
        page.goto(f"/admin/accounts/user/{world['dora'].pk}/change/")
        selector = page.locator(".selector").first
        expect(selector).to_contain_text("Alle groepen kiezen")
        expect(selector).not_to_contain_text("Choose")
        expect(page.get_by_text("Niet geblokkeerd")).to_be_visible()
        expect(
            page.get_by_role("link", name="Wachtwoord resetten (link per e-mail)")
        ).to_be_visible()
        screenshot(page, "31-admin-gebruiker")
    finally:
        context.close()
