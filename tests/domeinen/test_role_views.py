"""Portal screens for roles and the FHIR state: instance detail (Rol wijzigen, scopes, history,
KT2Device state), accepting with a role, and what the applicatiebeheerder sees."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from connectieaanvragen.models import AanvraagStatus
from domeinen.models import Applicatieinstantie, FhirStatus, WijzigingSoort
from domeinen.selectors import scopes_for_instance
from domeinen.services import change_instance_status
from rollen.models import Bereik, Rol, Rolpermissie
from tests.auth_helpers import login
from tests.factories import DomeinFactory, make_instance, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def instance(applicatie, domein):
    return make_instance(applicatie=applicatie, domein=domein)


@pytest.fixture
def other_role():
    rol = Rol.objects.create(naam="Alleen lezen", omschrijving="Leest taken")
    Rolpermissie.objects.create(rol=rol, resource_type="Task", operatie="read", bereik=Bereik.OWN)
    return rol


@pytest.fixture
def client_dom(client, domeinbeheerder):
    login(client, domeinbeheerder)
    return client


def _detail(domein, instance):
    return reverse("domeinen:instantie", args=[domein.naam, instance.client_id])


def _role_url(domein, instance):
    return reverse("domeinen:instantie_rol", args=[domein.naam, instance.client_id])


def _snapshot(instance):
    return (
        Applicatieinstantie.objects.values().get(pk=instance.pk),
        list(instance.historie.values()),
    )


def test_instance_detail_shows_role_and_its_smart_scopes(client_dom, domein, instance):
    page = client_dom.get(_detail(domein, instance)).content.decode()
    assert instance.rol.naam in page
    assert "SMART-scopes" in page
    scopes = scopes_for_instance(instance)
    assert any(str(instance.client_id) in scope for scope in scopes)  # an OWN scope among them
    for scope in scopes:
        assert f"<code>{escape(scope)}</code>" in page


@pytest.mark.parametrize(
    ("fhir", "expected"),
    [
        ({"fhir_status": FhirStatus.GESYNCHRONISEERD, "fhir_version": "7"}, "versie 7"),
        ({"fhir_status": FhirStatus.WACHTEND}, "wacht op verzending"),
        (
            {"fhir_status": FhirStatus.MISLUKT, "fhir_error": "HTTP 422: deviceName ontbreekt"},
            "HTTP 422: deviceName ontbreekt",
        ),
    ],
)
def test_instance_detail_shows_the_fhir_state(client_dom, domein, instance, fhir, expected):
    Applicatieinstantie.objects.filter(pk=instance.pk).update(**fhir)
    page = client_dom.get(_detail(domein, instance)).content.decode()
    assert f"fhir-status--{fhir['fhir_status']}" in page
    assert expected in page


def test_role_change_is_saved_confirmed_and_listed_in_the_history(
    client_dom, domein, instance, other_role, domeinbeheerder
):
    old = instance.rol
    response = client_dom.post(
        _role_url(domein, instance),
        {"rol-rol": other_role.pk, "rol-reden": "Alleen nog lezen"},
        follow=True,
    )
    page = response.content.decode()
    assert "De rol van de applicatieinstantie is gewijzigd naar &#x27;Alleen lezen&#x27;." in page
    instance.refresh_from_db()
    assert instance.rol == other_role
    row = instance.historie.get(soort=WijzigingSoort.ROL)
    assert (row.van_rol, row.naar_rol, row.door, row.reden) == (
        old,
        other_role,
        domeinbeheerder,
        "Alleen nog lezen",
    )
    history = page[page.index('id="kop-historie"') :]
    assert 'class="historie-rol"' in history
    for text in (old.naam, "Alleen lezen", "Alleen nog lezen", domeinbeheerder.get_full_name()):
        assert text in history
    assert "system/Task.rs?resource-origin=" in page  # the new role's scopes


def test_role_change_without_reason_shows_a_dutch_error_and_changes_nothing(
    client_dom, domein, instance, other_role
):
    before = _snapshot(instance)
    response = client_dom.post(_role_url(domein, instance), {"rol-rol": other_role.pk})
    assert response.status_code == 200
    assert "Geef een reden op." in response.content.decode()
    assert _snapshot(instance) == before


@pytest.mark.parametrize("rol", ["999999", "geen-getal", ""])
def test_role_change_to_an_unknown_role_shows_a_dutch_error_and_changes_nothing(
    client_dom, domein, instance, rol
):
    before = _snapshot(instance)
    response = client_dom.post(_role_url(domein, instance), {"rol-rol": rol, "rol-reden": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kies een bestaande rol." in page or "Kies een rol." in page
    assert _snapshot(instance) == before


def test_role_change_service_error_is_shown_on_the_form(
    client_dom, domein, instance, other_role, monkeypatch
):
    # The instance is closed between loading the page and posting (a fault the form cannot see).
    from domeinen import views

    real = views.change_instance_role

    def close_first(**kwargs):
        Applicatieinstantie.objects.filter(pk=kwargs["instance_id"]).update(status="afgesloten")
        return real(**kwargs)

    monkeypatch.setattr(views, "change_instance_role", close_first)
    response = client_dom.post(
        _role_url(domein, instance), {"rol-rol": other_role.pk, "rol-reden": "x"}
    )
    assert response.status_code == 200
    assert "de rol kan niet meer wijzigen" in response.content.decode()
    instance.refresh_from_db()
    assert instance.rol != other_role


def test_closed_instance_offers_no_role_change_and_refuses_one(
    client_dom, domein, instance, other_role, domeinbeheerder
):
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=instance.pk, new_status=status, reason="einde", by=domeinbeheerder
        )
    page = client_dom.get(_detail(domein, instance)).content.decode()
    assert "de rol kan niet meer wijzigen" in page
    assert 'name="rol-rol"' not in page
    before = _snapshot(instance)
    response = client_dom.post(
        _role_url(domein, instance), {"rol-rol": other_role.pk, "rol-reden": "x"}
    )
    assert "de rol kan niet meer wijzigen" in response.content.decode()
    assert _snapshot(instance) == before


def test_role_change_is_post_only(client_dom, domein, instance):
    assert client_dom.get(_role_url(domein, instance)).status_code == 405


# --- accepting with a role ---------------------------------------------------------------------


def _accept(client, domein, aanvraag, **data):
    return client.post(
        reverse("connectieaanvragen:accepteren", args=[domein.naam, aanvraag.pk]),
        {"accepteren-bevestigd": "on", **data},
        follow=True,
    )


def test_review_page_offers_the_roles_with_the_default_as_empty_choice(
    client_dom, domein, applicatie, other_role
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    page = client_dom.get(
        reverse("connectieaanvragen:beoordelen", args=[domein.naam, aanvraag.pk])
    ).content.decode()
    assert 'name="accepteren-rol"' in page
    assert "Standaardrol voor " in page  # and it names the role (tests/connectieaanvragen)
    assert f'value="{other_role.pk}"' in page


def test_accepting_with_a_chosen_role_gives_the_instance_that_role(
    client_dom, domein, applicatie, other_role
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    page = _accept(client_dom, domein, aanvraag, **{"accepteren-rol": other_role.pk})
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.GEACCEPTEERD
    assert aanvraag.instantie.rol == other_role
    assert "rol: Alleen lezen" in page.content.decode()


def test_accepting_without_a_role_gives_the_default_role(client_dom, domein, applicatie):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    _accept(client_dom, domein, aanvraag, **{"accepteren-rol": ""})
    aanvraag.refresh_from_db()
    assert aanvraag.instantie.rol.standaard_voor.filter(soort=applicatie.soort).exists()


@pytest.mark.parametrize("rol", ["999999", "geen-getal"])
def test_accepting_with_an_unknown_role_shows_a_dutch_error_and_changes_nothing(
    client_dom, domein, applicatie, rol
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    response = _accept(client_dom, domein, aanvraag, **{"accepteren-rol": rol})
    assert response.status_code == 200
    assert "Kies een bestaande rol." in response.content.decode()
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD
    assert not Applicatieinstantie.objects.filter(applicatie=applicatie).exists()


def test_accepting_when_no_default_role_exists_asks_for_a_role_on_the_form(
    client_dom, domein, applicatie
):
    from rollen.models import Standaardrol

    Standaardrol.objects.all().delete()
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    response = _accept(client_dom, domein, aanvraag)
    assert "kies een rol" in response.content.decode()
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD


# --- the applicatiebeheerder's view ----------------------------------------------------------


def test_applicatiebeheerder_sees_role_scopes_and_fhir_state_but_cannot_change_the_role(
    client, applicatiebeheerder, applicatie, domein, instance
):
    Applicatieinstantie.objects.filter(pk=instance.pk).update(
        fhir_status=FhirStatus.MISLUKT, fhir_error="HTTP 400: ongeldig"
    )
    login(client, applicatiebeheerder)
    page = client.get(
        reverse("domeinen:applicatie_instanties", args=[applicatie.pk])
    ).content.decode()
    assert instance.rol.naam in page
    scopes = scopes_for_instance(instance)
    assert scopes
    for scope in scopes:
        assert f"<code>{escape(scope)}</code>" in page
    assert "HTTP 400: ongeldig" in page
    assert 'name="rol-rol"' not in page
    requests_page = client.get(
        reverse("connectieaanvragen:applicatie_aanvragen", args=[applicatie.pk])
    ).content.decode()
    assert f"Rol: {instance.rol.naam}" in requests_page
    # The domain's instance page (with the form) is not theirs.
    assert client.get(_detail(domein, instance)).status_code == 404


def test_instance_of_another_domain_cannot_get_a_role_through_this_domain(
    client_dom, domein, applicatie, other_role
):
    elsewhere = DomeinFactory(naam="elders", beheerders=[applicatie.beheerders.first()])
    foreign = make_instance(applicatie=applicatie, domein=elsewhere)
    before = _snapshot(foreign)
    response = client_dom.post(
        reverse("domeinen:instantie_rol", args=[domein.naam, foreign.client_id]),
        {"rol-rol": other_role.pk, "rol-reden": "x"},
    )
    assert response.status_code == 404
    assert _snapshot(foreign) == before


def test_domain_instances_tab_shows_role_and_fhir_state_per_instance(
    client_dom, domein, instance, other_role, domeinbeheerder
):
    Applicatieinstantie.objects.filter(pk=instance.pk).update(
        rol=other_role, fhir_status=FhirStatus.GESYNCHRONISEERD, fhir_version="3"
    )
    page = client_dom.get(reverse("domeinen:instanties", args=[domein.naam])).content.decode()
    assert '<td class="rol">Alleen lezen</td>' in page
    assert "Gesynchroniseerd (versie 3)" in page


def test_the_instance_page_has_one_csrf_token_for_its_forms_and_it_is_accepted(
    domeinbeheerder, domein, instance, other_role
):
    """One masked CSRF token per page for the logout button and both forms (as Django
    templates get it from the csrf context processor), and the role form posts with it."""
    import re

    from django.test import Client

    browser = login(Client(enforce_csrf_checks=True), domeinbeheerder)
    page = browser.get(_detail(domein, instance)).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 3  # logout, status, role
    assert len(set(tokens)) == 1
    response = browser.post(
        _role_url(domein, instance),
        {"rol-rol": other_role.pk, "rol-reden": "Leest alleen", "csrfmiddlewaretoken": tokens[2]},
    )
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.rol == other_role
    refused = browser.post(
        _role_url(domein, instance),
        {"rol-rol": instance.rol_id, "rol-reden": "Zonder token", "csrfmiddlewaretoken": "x" * 64},
    )
    assert refused.status_code == 403
