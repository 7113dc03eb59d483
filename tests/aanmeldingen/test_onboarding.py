"""Onboarding requests: filing (logged in; anonymous with KT_PUBLIC_ONBOARDING, a rate limit
and a honeypot), support's review in the admin, and the new beheerder's first login."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from aanmeldingen.models import Aanmelding, AanmeldingStatus
from aanmeldingen.services import (
    accept_onboarding_request,
    file_onboarding_request,
    refuse_onboarding_request,
)
from applicaties.models import Applicatie
from beheer.accounts.models import User
from beheer.errors import ServiceError
from domeinen.models import Domein
from tests.auth_helpers import login
from tests.factories import DomeinFactory, SupportUserFactory, UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_FORM = {
    "organisatie": "GGZ Oost",
    "naam": "ggz-oost",
    "omgeving": "acc21",
    "fhir_base_url": "https://fhir.ggz-oost.example/fhir/r4/",
    "contact_naam": "Olaf Oost",
    "contact_email": "olaf@ggz-oost.example",
    "contact_telefoon": "",
    "technisch_naam": "Tina Techniek",
    "technisch_email": "tina@ggz-oost.example",
    "technisch_telefoon": "",
    "toelichting": "",
}
APPLICATION_FORM = {
    "organisatie": "Leverancier B.V.",
    "naam": "Nieuwe Module",
    "applicatie_soort": "ehealth_module",
    "contact_naam": "Lotte Lev",
    "contact_email": "lotte@lev.example",
}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.KT_SUPPORT_EMAIL = "support@koppeltaal.example"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def support(db):
    return SupportUserFactory(username="sanne", email="sanne@koppeltaal.example")


def _anonymous_form(**extra):
    return {
        **DOMAIN_FORM,
        "aanvrager_naam": "Olaf Oost",
        "aanvrager_email": "olaf@ggz-oost.example",
        **extra,
    }


def test_a_logged_in_user_requests_a_domain(client, django_capture_on_commit_callbacks):
    dora = UserFactory(full_name="Dora Domein", email="dora@zorg.example")
    login(client, dora)
    assert client.get("/aanmelden/").status_code == 200
    assert 'name="aanvrager_email"' not in client.get("/aanmelden/domein/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/aanmelden/domein/", DOMAIN_FORM)
    assert response.status_code == 302 and response["Location"] == "/aanmelden/verstuurd/"
    aanmelding = Aanmelding.objects.get()
    assert aanmelding.aangevraagd_door == dora and aanmelding.aanvrager_email == "dora@zorg.example"
    assert aanmelding.historie.get().naar_status == AanmeldingStatus.AANGEVRAAGD
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        "dora@zorg.example": "Aanmelding ontvangen: ggz-oost (lokaal)",
        "support@koppeltaal.example": "Nieuwe aanmelding: nieuw domein ggz-oost (lokaal)",
    }


def test_without_public_onboarding_anonymous_visitors_are_sent_to_login(client, settings):
    settings.KT_PUBLIC_ONBOARDING = False
    response = client.post("/aanmelden/domein/", _anonymous_form())
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/?next=")
    assert not Aanmelding.objects.exists()
    assert "Vraag een nieuw domein" not in client.get("/inloggen/").content.decode()


def test_public_onboarding_with_honeypot_and_rate_limit(client, settings):
    settings.KT_PUBLIC_ONBOARDING = True
    settings.KT_ONBOARDING_LIMIT = 2
    assert "/aanmelden/" in client.get("/inloggen/").content.decode()
    page = client.get("/aanmelden/domein/").content.decode()
    assert 'name="website"' in page and 'name="aanvrager_email"' in page
    # a bot fills every field: the same answer, nothing stored
    response = client.post("/aanmelden/domein/", _anonymous_form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Aanmelding.objects.exists()
    assert client.post("/aanmelden/domein/", _anonymous_form()).status_code == 302
    assert Aanmelding.objects.get().aangevraagd_door is None
    second = client.post("/aanmelden/domein/", _anonymous_form(naam="ggz-west"))
    assert second.status_code == 302
    third = client.post("/aanmelden/domein/", _anonymous_form(naam="ggz-midden"))
    assert third.status_code == 429
    assert "Te veel aanmeldingen" in third.content.decode()
    assert Aanmelding.objects.count() == 2


def test_duplicate_domain_names_are_refused_with_a_message(client):
    DomeinFactory(naam="ggz-oost")
    login(client, UserFactory())
    response = client.post("/aanmelden/domein/", DOMAIN_FORM)
    assert response.status_code == 200
    assert "Er bestaat al een domein met de naam ggz-oost." in response.content.decode()
    response = client.post("/aanmelden/domein/", {**DOMAIN_FORM, "naam": "GGZ Oost!"})
    assert response.status_code == 200
    assert "kleine letters" in response.content.decode()
    assert not Aanmelding.objects.exists()


def test_a_second_open_request_for_the_same_name_is_refused():
    user = UserFactory()
    file_onboarding_request(soort="applicatie", data=APPLICATION_FORM, by=user)
    with pytest.raises(ServiceError) as exc:
        file_onboarding_request(
            soort="applicatie", data={**APPLICATION_FORM, "naam": "nieuwe module"}, by=user
        )
    assert exc.value.code == "duplicate_name"


def _invitation_link(message) -> str:
    return re.search(r"https?://\S+/wachtwoord-instellen/\S+/", message.body).group(0)


def test_support_accepts_in_the_admin_and_the_new_beheerder_logs_in_via_the_invitation(
    client, settings, support, django_capture_on_commit_callbacks
):
    settings.KT_PUBLIC_ONBOARDING = True
    settings.KT_2FA_REQUIRED = False
    Client().post("/aanmelden/domein/", _anonymous_form())
    aanmelding = Aanmelding.objects.get()
    login(client, support)
    change = client.get(f"/admin/aanmeldingen/aanmelding/{aanmelding.pk}/change/").content.decode()
    assert f"/admin/aanmeldingen/aanmelding/{aanmelding.pk}/accepteren/" in change
    form = client.get(f"/admin/aanmeldingen/aanmelding/{aanmelding.pk}/accepteren/")
    assert "https://fhir.ggz-oost.example/fhir/r4/" in form.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/aanmeldingen/aanmelding/{aanmelding.pk}/accepteren/",
            {"fhir_base_url": "https://fhir.ggz-oost.example/fhir/r4/"},
        )
    assert response.status_code == 302
    aanmelding.refresh_from_db()
    assert (
        aanmelding.status == AanmeldingStatus.GEACCEPTEERD and aanmelding.besloten_door == support
    )
    domein = Domein.objects.get(naam="ggz-oost")
    assert aanmelding.domein == domein
    assert domein.zorgaanbieder == "GGZ Oost" and domein.contact_email == "olaf@ggz-oost.example"
    olaf = domein.beheerders.get()
    assert (olaf.full_name, olaf.email) == ("Olaf Oost", "olaf@ggz-oost.example")
    assert [h.naar_status for h in aanmelding.historie.order_by("op", "id")] == [
        "aangevraagd",
        "geaccepteerd",
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("olaf@ggz-oost.example", "Aanmelding geaccepteerd: ggz-oost (lokaal)"),
        ("olaf@ggz-oost.example", "Uitnodiging voor KT Beheer (lokaal)"),
    ]
    invitation = next(m for m in mail.outbox if "Uitnodiging" in m.subject)
    assert "beheerder van domein ggz-oost" in invitation.body

    # the invitation link: choose a password, log in, and administer the new domain
    browser = Client()
    path = _invitation_link(invitation).split("://", 1)[1].split("/", 1)[1]
    form_page = browser.get("/" + path, follow=True)
    assert form_page.status_code == 200
    password = "Een-eigen-sterk-wachtwoord-2026"
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )
    assert done.status_code == 302
    assert (
        browser.post("/inloggen/", {"username": olaf.username, "password": password}).status_code
        == 302
    )
    assert browser.get("/domeinen/ggz-oost/").status_code == 200
    assert browser.get("/domeinen/ggz-oost/beheerders/").status_code == 200


def test_accepting_for_a_logged_in_requester_adds_their_own_account(
    support, django_capture_on_commit_callbacks
):
    lotte = UserFactory(full_name="Lotte Lev", email="lotte@lev.example")
    aanmelding = file_onboarding_request(soort="applicatie", data=APPLICATION_FORM, by=lotte)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accept_onboarding_request(aanmelding_id=aanmelding.pk, by=support)
    applicatie = Applicatie.objects.get(naam="Nieuwe Module")
    assert list(applicatie.beheerders.all()) == [lotte]
    from beheer.audit.models import AuditEvent, AuditRecord

    filed = AuditRecord.objects.get(gebeurtenis=AuditEvent.AANMELDING_INGEDIEND)
    assert filed.door == lotte
    accepted = AuditRecord.objects.get(gebeurtenis=AuditEvent.AANMELDING_GEACCEPTEERD)
    assert accepted.door == support and accepted.applicatie_id == applicatie.pk
    assert AuditRecord.objects.filter(
        gebeurtenis=AuditEvent.TEAM_TOEGEVOEGD, applicatie_id=applicatie.pk
    ).exists()
    assert applicatie.soort == "ehealth_module" and applicatie.leverancier == "Leverancier B.V."
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("lotte@lev.example", "Aanmelding geaccepteerd: Nieuwe Module (lokaal)"),
        ("lotte@lev.example", "U bent beheerder van applicatie Nieuwe Module (lokaal)"),
    ]
    assert User.objects.count() == 2


def test_only_support_decides_and_only_once(support):
    user = UserFactory()
    aanmelding = file_onboarding_request(soort="applicatie", data=APPLICATION_FORM, by=user)
    with pytest.raises(ServiceError) as exc:
        accept_onboarding_request(aanmelding_id=aanmelding.pk, by=user)
    assert exc.value.code == "not_support"
    refuse_onboarding_request(aanmelding_id=aanmelding.pk, by=support, reason="dubbel")
    with pytest.raises(ServiceError) as exc:
        accept_onboarding_request(aanmelding_id=aanmelding.pk, by=support)
    assert exc.value.code == "not_open"
    assert not Applicatie.objects.exists()


def test_a_domain_name_taken_before_acceptance_is_refused_and_nothing_is_made(support):
    aanmelding = file_onboarding_request(soort="domein", data=DOMAIN_FORM, by=UserFactory())
    DomeinFactory(naam="ggz-oost")
    with pytest.raises(ServiceError) as exc:
        accept_onboarding_request(aanmelding_id=aanmelding.pk, by=support)
    assert exc.value.code == "duplicate_name"
    aanmelding.refresh_from_db()
    assert aanmelding.is_open and Domein.objects.count() == 1


def test_a_domain_without_a_known_fhir_url_needs_one_at_acceptance(support):
    data = {**DOMAIN_FORM, "fhir_base_url": ""}
    aanmelding = file_onboarding_request(soort="domein", data=data, by=UserFactory())
    with pytest.raises(ServiceError) as exc:
        accept_onboarding_request(aanmelding_id=aanmelding.pk, by=support)
    assert exc.value.code == "fhir_url_required"
    accept_onboarding_request(
        aanmelding_id=aanmelding.pk, by=support, fhir_base_url="https://fhir.example/r4/"
    )
    assert Domein.objects.get().fhir_base_url == "https://fhir.example/r4/"


def test_refusing_in_the_admin_needs_a_reason_and_mails_the_requester(
    client, support, django_capture_on_commit_callbacks
):
    anna = UserFactory(email="anna@lev.example")
    aanmelding = file_onboarding_request(soort="applicatie", data=APPLICATION_FORM, by=anna)
    login(client, support)
    url = f"/admin/aanmeldingen/aanmelding/{aanmelding.pk}/weigeren/"
    assert client.post(url, {"reden": ""}).status_code == 200
    aanmelding.refresh_from_db()
    assert aanmelding.is_open
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reden": "Bestaat al onder een andere naam"}).status_code == 302
    aanmelding.refresh_from_db()
    assert aanmelding.status == AanmeldingStatus.GEWEIGERD
    assert aanmelding.historie.filter(naar_status="geweigerd").get().reden.startswith("Bestaat")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["anna@lev.example"], "Aanmelding geweigerd: Nieuwe Module (lokaal)")
    ]
    assert "Bestaat al onder een andere naam" in mail.outbox[0].body


def test_an_existing_account_with_another_name_needs_supports_confirmation(support, settings):
    settings.KT_PUBLIC_ONBOARDING = True
    other = UserFactory(full_name="Iemand Anders", email="olaf@ggz-oost.example")
    aanmelding = file_onboarding_request(
        soort="domein",
        data=DOMAIN_FORM,
        aanvrager_naam="Olaf Oost",
        aanvrager_email="olaf@ggz-oost.example",
        client_ip="192.0.2.1",
    )
    with pytest.raises(ServiceError) as exc:
        accept_onboarding_request(aanmelding_id=aanmelding.pk, by=support)
    assert exc.value.code == "confirm_existing"
    assert not Domein.objects.exists()  # nothing half made
    accept_onboarding_request(aanmelding_id=aanmelding.pk, by=support, confirm_existing=True)
    assert list(Domein.objects.get().beheerders.all()) == [other]
