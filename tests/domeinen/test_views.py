"""Screens for domeinbeheerders: domain list, details (Opslaan), instances, status changes."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from domeinen.models import Domein, InstantieStatus
from domeinen.services import change_instance_status
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)


@pytest.fixture
def client_dom(client, domeinbeheerder):
    login(client, domeinbeheerder)
    return client


def test_domain_list_shows_only_own_domains(client_dom, domein):
    DomeinFactory(naam="ander-domein")
    response = client_dom.get(reverse("domeinen:lijst"))
    assert response.status_code == 200
    assert b"ggz-noord" in response.content
    assert b"ander-domein" not in response.content


def test_details_show_endpoints_read_only_and_save_the_editable_fields(client_dom, domein):
    url = reverse("domeinen:details", args=[domein.naam])
    page = client_dom.get(url).content.decode()
    assert domein.fhir_base_url in page
    assert 'name="fhir_base_url"' not in page
    response = client_dom.post(
        url,
        {
            "omschrijving": "Nieuwe omschrijving",
            "contact_naam": "Piet",
            "contact_email": "piet@example.org",
            "contact_telefoon": "+31 6 1234 5678",
            "fhir_base_url": "https://kwaadaardig.example/",
        },
        follow=True,
    )
    assert "De gegevens van domein ggz-noord zijn opgeslagen." in response.content.decode()
    domein.refresh_from_db()
    assert (domein.omschrijving, domein.contact_naam, domein.contact_email) == (
        "Nieuwe omschrijving",
        "Piet",
        "piet@example.org",
    )
    assert domein.fhir_base_url != "https://kwaadaardig.example/"


def test_invalid_contact_data_shows_a_dutch_error_and_changes_nothing(client_dom, domein):
    url = reverse("domeinen:details", args=[domein.naam])
    response = client_dom.post(
        url, {"omschrijving": "x", "contact_email": "geen-email", "contact_telefoon": "abc"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Voer een geldig e-mailadres in." in page
    assert 'aria-invalid="true"' in page
    assert Domein.objects.get(pk=domein.pk).omschrijving == ""


def test_service_error_is_shown_on_the_details_form(client_dom, domein):
    response = client_dom.post(
        reverse("domeinen:details", args=[domein.naam]), {"contact_telefoon": "abc-def"}
    )
    assert "Geef een telefoonnummer met alleen cijfers" in response.content.decode()
    assert Domein.objects.get(pk=domein.pk).contact_telefoon == ""


@pytest.fixture
def instances(domein):
    apps = [ApplicatieFactory(naam=n, beheerders=[UserFactory()]) for n in ("Alfa", "Beta")]
    alfa = make_instance(applicatie=apps[0], domein=domein)
    beta = make_instance(applicatie=apps[1], domein=domein)
    change_instance_status(
        instance_id=beta.pk, new_status="in_onderhoud", reason="r", by=domein.beheerders.first()
    )
    return alfa, beta


def test_instances_tab_lists_status_application_client_id(client_dom, domein, instances):
    alfa, _beta = instances
    page = client_dom.get(reverse("domeinen:instanties", args=[domein.naam])).content.decode()
    for text in ("Alfa", "Beta", str(alfa.client_id), "Actief", "In onderhoud"):
        assert text in page


def test_instances_tab_filters_by_status(client_dom, domein, instances):
    url = reverse("domeinen:instanties", args=[domein.naam])
    page = client_dom.get(url, {"status": "in_onderhoud"}).content.decode()
    assert "Beta" in page and "Alfa" not in page


def test_instances_tab_searches(client_dom, domein, instances):
    alfa, _ = instances
    url = reverse("domeinen:instanties", args=[domein.naam])
    assert "Beta" not in client_dom.get(url, {"q": "alf"}).content.decode()
    page = client_dom.get(url, {"q": str(alfa.client_id)[:8]}).content.decode()
    assert "Alfa" in page and "Beta" not in page


def test_instances_tab_paginates(client_dom, domein):
    for _i in range(27):
        make_instance(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
    url = reverse("domeinen:instanties", args=[domein.naam])
    first = client_dom.get(url)
    assert len(first.context["page"].object_list) == 25
    assert "Pagina 1 van 2" in first.content.decode()
    assert len(client_dom.get(url, {"page": 2}).context["page"].object_list) == 2


def test_instance_detail_shows_history_and_offers_only_allowed_moves(client_dom, domein, instances):
    alfa, beta = instances
    page = client_dom.get(
        reverse("domeinen:instantie", args=[domein.naam, alfa.client_id])
    ).content.decode()
    assert 'value="in_onderhoud"' in page
    assert 'value="afgesloten"' not in page
    assert "geaccepteerd" in page  # history reason of the first status
    page = client_dom.get(
        reverse("domeinen:instantie", args=[domein.naam, beta.client_id])
    ).content.decode()
    assert 'value="actief"' in page and 'value="afgesloten"' in page


def test_status_change_needs_a_reason(client_dom, domein, instances):
    alfa, _ = instances
    url = reverse("domeinen:instantie", args=[domein.naam, alfa.client_id])
    response = client_dom.post(url, {"status": "in_onderhoud", "reden": "  "})
    assert "Geef een reden op." in response.content.decode()
    alfa.refresh_from_db()
    assert alfa.status == InstantieStatus.ACTIEF


def test_status_change_to_a_move_not_allowed_is_refused(client_dom, domein, instances):
    alfa, _ = instances
    url = reverse("domeinen:instantie", args=[domein.naam, alfa.client_id])
    response = client_dom.post(url, {"status": "afgesloten", "reden": "weg"})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    alfa.refresh_from_db()
    assert alfa.status == InstantieStatus.ACTIEF


def test_status_change_records_reason_and_confirms(client_dom, domein, instances):
    alfa, _ = instances
    url = reverse("domeinen:instantie", args=[domein.naam, alfa.client_id])
    response = client_dom.post(
        url, {"status": "in_onderhoud", "reden": "Certificaat vervangen"}, follow=True
    )
    page = response.content.decode()
    message = "De status van de applicatieinstantie is gewijzigd naar &#x27;In onderhoud&#x27;."
    assert message in page
    alfa.refresh_from_db()
    assert alfa.status == InstantieStatus.IN_ONDERHOUD
    assert alfa.historie.first().reden == "Certificaat vervangen"
    assert "Certificaat vervangen" in page


def test_closed_instance_offers_no_status_change(client_dom, domein, instances):
    _, beta = instances
    change_instance_status(
        instance_id=beta.pk, new_status="afgesloten", reason="einde", by=domein.beheerders.first()
    )
    page = client_dom.get(
        reverse("domeinen:instantie", args=[domein.naam, beta.client_id])
    ).content.decode()
    assert "definitief afgesloten" in page
    assert 'name="status"' not in page


def test_domain_list_counts_active_instances_and_open_requests(client_dom, domein):
    for _ in range(2):
        make_instance(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
    for _ in range(3):
        make_request(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
    row = client_dom.get(reverse("domeinen:lijst")).context["page"].object_list[0]
    assert (row.aantal_actief, row.aantal_open_aanvragen) == (2, 3)


def test_instance_page_names_its_device_once_the_server_gave_an_id(client_dom, domein, applicatie):
    instance = make_instance(applicatie=applicatie, domein=domein)
    url = reverse("domeinen:instantie", args=[domein.naam, instance.client_id])
    assert "Device nog niet aangemaakt" in client_dom.get(url).content.decode()
    instance.device_id = "a1b2c3"
    instance.save(update_fields=["device_id"])
    assert "Device/a1b2c3" in client_dom.get(url).content.decode()


def test_details_say_where_the_token_endpoint_is_read_when_none_is_set(client_dom, domein):
    domein.token_endpoint = ""
    domein.save(update_fields=["token_endpoint"])
    page = client_dom.get(reverse("domeinen:details", args=[domein.naam])).content.decode()
    assert domein.smart_configuration_url in page
    assert escape(domein.get_fhir_device_creation_display()) in page
