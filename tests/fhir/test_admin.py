"""Support sees the FHIR state in the admin and can push a Device again; the portal's
detail page can include the state snippet."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicaties.models import Applicatie
from connectieaanvragen.services import accept_request
from domeinen.models import Applicatieinstantie, Domein, FhirStatus
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, UserFactory, make_request
from tests.fhir.conftest import device_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def support_client(client, superuser):
    login(client, superuser)
    return client


def _accept(domein, admin, **app_kwargs):
    applicatie = ApplicatieFactory(beheerders=[UserFactory()], **app_kwargs)
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    return accept_request(request_id=aanvraag.pk, by=admin).instantie


def test_change_page_shows_fhir_state_and_resync_button(support_client, fhir_domein, fhir_admin):
    instance = _accept(fhir_domein, fhir_admin)
    url = reverse("admin:domeinen_applicatieinstantie_change", args=[instance.pk])
    content = support_client.get(url).content.decode()
    assert "Gesynchroniseerd" in content
    assert reverse("admin:domeinen_applicatieinstantie_fhir_sync", args=[instance.pk]) in content


def test_resync_button_pushes_the_device_again(
    support_client, fhir_server, fhir_domein, fhir_admin
):
    instance = _accept(fhir_domein, fhir_admin)
    fhir_server.delete(device_path(instance))
    url = reverse("admin:domeinen_applicatieinstantie_fhir_sync", args=[instance.pk])

    assert support_client.get(url).status_code == 200  # confirmation page, nothing pushed
    assert fhir_server.get(device_path(instance)).status_code == 410
    response = support_client.post(url)

    assert response.status_code == 302
    assert fhir_server.get(device_path(instance)).status_code == 200
    instance.refresh_from_db()
    assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD


def test_resync_action_on_the_changelist(support_client, fhir_server, fhir_domein, fhir_admin):
    instances = [_accept(fhir_domein, fhir_admin) for _ in range(2)]
    for instance in instances:
        fhir_server.delete(device_path(instance))
    response = support_client.post(
        reverse("admin:domeinen_applicatieinstantie_changelist"),
        {"action": "resync_devices", "_selected_action": [i.pk for i in instances]},
    )
    assert response.status_code == 302
    for instance in instances:
        assert fhir_server.get(device_path(instance)).status_code == 200


def test_resync_of_all_instances_selects_them_by_subquery(
    support_client, fhir_server, fhir_domein, fhir_admin
):
    """ "Select all" with the action: the instances are locked through a subquery, not with
    one parameter per id (PostgreSQL takes at most 65,535 per statement; production holds
    50,000 instances and grows)."""
    instances = [_accept(fhir_domein, fhir_admin) for _ in range(3)]
    for instance in instances:
        fhir_server.delete(device_path(instance))
    with CaptureQueriesContext(connection) as queries:
        response = support_client.post(
            reverse("admin:domeinen_applicatieinstantie_changelist"),
            {
                "action": "resync_devices",
                "select_across": "1",
                "_selected_action": [instances[0].pk],
            },
        )
    assert response.status_code == 302
    by_id = [
        q["sql"]
        for q in queries.captured_queries
        if '"domeinen_applicatieinstantie"."id" IN (' in q["sql"]
    ]
    assert by_id and all('"id" IN (SELECT' in sql for sql in by_id), by_id
    for instance in instances:
        assert fhir_server.get(device_path(instance)).status_code == 200


def test_renaming_in_the_admin_renames_the_device(
    support_client, fhir_server, fhir_domein, fhir_admin
):
    instance = _accept(fhir_domein, fhir_admin, naam="Eerste naam")
    applicatie = Applicatie.objects.get(pk=instance.applicatie_id)
    url = reverse("admin:applicaties_applicatie_change", args=[applicatie.pk])
    data = {
        "naam": "Tweede naam",
        "leverancier": applicatie.leverancier,
        "soort": applicatie.soort,
        "omschrijving": "",
        "contact_naam": "",
        "contact_email": "",
        "contact_telefoon": "",
        "beheerders": [u.pk for u in applicatie.beheerders.all()],
    }
    response = support_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    device = fhir_server.get(device_path(instance)).json()
    assert device["deviceName"][0]["name"] == "Tweede naam"


def test_domain_admin_form_requires_portal_client_id_for_smart(support_client):
    response = support_client.post(
        reverse("admin:domeinen_domein_add"),
        {
            "naam": "ggz-test",
            "zorgaanbieder": "GGZ Test",
            "fhir_base_url": "https://fhir.test.invalid/api/v1/ggz-test/fhir/r4/",
            "token_endpoint": "https://fhir.test.invalid/api/v1/ggz-test/oauth2/token",
            "fhir_auth": "smart",
            "portal_client_id": "",
        },
    )
    assert response.status_code == 200
    assert "Geef de client-Id van het portaal in dit domein op." in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"fhir_status": "gesynchroniseerd", "fhir_version": "4"}, "versie 4"),
        ({"fhir_status": "wachtend", "fhir_error": "HTTP 503 — druk"}, "HTTP 503 — druk"),
        ({"fhir_status": "mislukt", "fhir_error": "HTTP 400 — kapot"}, "HTTP 400 — kapot"),
        ({"fhir_status": "onbekend"}, "FHIR-status onbekend"),
    ],
)
def test_status_snippet_shows_state_and_server_message(fields, expected):
    instance = Applicatieinstantie(**fields)
    html = render_to_string("domeinen/_fhir_status.html", {"instantie": instance})
    assert expected in html


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", ""])
def test_domain_admin_form_only_accepts_kt_fhir_token_variable_names(support_client, name):
    response = support_client.post(
        reverse("admin:domeinen_domein_add"),
        {
            "naam": "ggz-test",
            "zorgaanbieder": "GGZ Test",
            "fhir_base_url": "https://fhir.test.invalid/api/v1/ggz-test/fhir/r4/",
            "token_endpoint": "https://fhir.test.invalid/api/v1/ggz-test/oauth2/token",
            "fhir_auth": "bearer",
            "fhir_auth_token_env": name,
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "begint met KT_FHIR_TOKEN_" in content
        or "Geef de naam van de omgevingsvariabele met het bearer-token op." in content
    )
    assert not Domein.objects.filter(naam="ggz-test").exists()


def test_domain_admin_saves_a_bearer_domain_with_a_variable_name(support_client):
    response = support_client.post(
        reverse("admin:domeinen_domein_add"),
        {
            "naam": "ggz-test",
            "zorgaanbieder": "GGZ Test",
            "fhir_base_url": "https://fhir.test.invalid/api/v1/ggz-test/fhir/r4/",
            "token_endpoint": "https://fhir.test.invalid/api/v1/ggz-test/oauth2/token",
            "fhir_auth": "bearer",
            "fhir_auth_token_env": "KT_FHIR_TOKEN_GGZ_TEST",
        },
    )
    assert response.status_code == 302
    assert Domein.objects.get(naam="ggz-test").fhir_auth_token_env == "KT_FHIR_TOKEN_GGZ_TEST"


def test_change_page_shows_the_device_id_and_the_servers_diagnostics(
    support_client, fhir_domein, fhir_admin
):
    instance = _accept(fhir_domein, fhir_admin)
    Applicatieinstantie.objects.filter(pk=instance.pk).update(
        device_id="1052",
        fhir_status="mislukt",
        fhir_error="PUT Device/1052 mislukt: HTTP 412 — error: If-Match header is required",
    )
    url = reverse("admin:domeinen_applicatieinstantie_change", args=[instance.pk])
    content = support_client.get(url).content.decode()
    assert "1052" in content
    assert "If-Match header is required" in content


def test_domain_admin_saves_the_device_creation_mode_and_no_token_endpoint(support_client):
    response = support_client.post(
        reverse("admin:domeinen_domein_add"),
        {
            "naam": "ggz-test",
            "zorgaanbieder": "GGZ Test",
            "fhir_base_url": "https://fhir.test.invalid/api/v1/ggz-test/fhir/r4/",
            "token_endpoint": "",
            "fhir_auth": "smart",
            "portal_client_id": "portaal",
            "fhir_device_creation": "server",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    domein = Domein.objects.get(naam="ggz-test")
    assert (domein.fhir_device_creation, domein.token_endpoint) == ("server", "")
