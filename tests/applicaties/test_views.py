"""Screens for applicatiebeheerders: application list, details (Opslaan), instances tab."""

import pytest
from django.urls import reverse

from applicaties.models import Applicatie
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, make_instance


@pytest.fixture
def client_app(client, applicatiebeheerder):
    login(client, applicatiebeheerder)
    return client


def test_application_list_shows_only_own_applications(client_app, applicatie):
    ApplicatieFactory(naam="Andermans app")
    page = client_app.get(reverse("applicaties:lijst")).content.decode()
    assert "Zorgportaal" in page
    assert "Andermans app" not in page


def test_contact_data_are_saved_with_opslaan(client_app, applicatie):
    url = reverse("applicaties:details", args=[applicatie.pk])
    response = client_app.post(
        url,
        {
            "contact_naam": "Karin",
            "contact_email": "karin@example.org",
            "contact_telefoon": "030 123 45 67",
            "naam": "Hernoemd",
        },
        follow=True,
    )
    assert "De contactgegevens van Zorgportaal zijn opgeslagen." in response.content.decode()
    applicatie.refresh_from_db()
    assert (applicatie.contact_naam, applicatie.contact_email, applicatie.naam) == (
        "Karin",
        "karin@example.org",
        "Zorgportaal",
    )


def test_invalid_contact_data_change_nothing(client_app, applicatie):
    url = reverse("applicaties:details", args=[applicatie.pk])
    response = client_app.post(url, {"contact_email": "x@", "contact_naam": "Karin"})
    assert "Voer een geldig e-mailadres in." in response.content.decode()
    assert Applicatie.objects.get(pk=applicatie.pk).contact_naam == ""


def test_instances_tab_shows_domain_status_and_client_id(client_app, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    page = client_app.get(
        reverse("domeinen:applicatie_instanties", args=[applicatie.pk])
    ).content.decode()
    assert "ggz-noord" in page and str(instance.client_id) in page and "Actief" in page


def test_the_technical_contact_is_saved_and_shown_on_the_review_page(
    client_app, client, applicatie, domeinbeheerder, domein
):
    from connectieaanvragen.models import Connectieaanvraag
    from tests.factories import make_request

    url = reverse("applicaties:details", args=[applicatie.pk])
    client_app.post(
        url,
        {
            "contact_naam": "Karin",
            "contact_email": "karin@example.org",
            "contact_telefoon": "030 123 45 67",
            "technisch_contact_naam": "Tom Techniek",
            "technisch_contact_email": "tom@example.org",
            "technisch_contact_telefoon": "+32 2 212 34 56",
        },
    )
    applicatie.refresh_from_db()
    assert str(applicatie.technisch_contact_telefoon) == "+3222123456"
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    assert Connectieaanvraag.objects.filter(pk=aanvraag.pk).exists()
    from tests.auth_helpers import login

    login(client, domeinbeheerder)
    page = client.get(
        reverse("connectieaanvragen:beoordelen", args=[domein.naam, aanvraag.pk])
    ).content.decode()
    assert "Karin" in page and "030 123 4567" in page and 'href="tel:+31301234567"' in page
    assert "Tom Techniek" in page and "tom@example.org" in page and "+32 2 212 34 56" in page
