"""GET /api/v1/logboek/: scoped like the rest of the API, the tab's filters, read-only."""

import pytest

from api.models import PersoonlijkToken
from beheer.audit.models import AuditEvent, AuditRecord
from beheer.audit.services import record
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

URL = "/api/v1/logboek/"


def _all(client, world, caller, query=""):
    response = client.get(URL + query, **auth(world, caller))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_records_carry_their_fields(client, world):
    rows = _all(client, world, "dora", "?gebeurtenis=aanvraag.ingediend")
    assert rows
    row = rows[0]
    assert set(row) >= {"op", "gebeurtenis", "door_label", "object_label", "wijzigingen"}
    assert row["gebeurtenis_omschrijving"] == "Connectieaanvraag ingediend"
    assert row["domein_id"] == world.dom_a.pk


def test_filters_by_domain_application_event_and_person(client, world):
    rows = _all(client, world, "support", "?domein=domein-b")
    assert rows and {r["domein_id"] for r in rows} == {world.dom_b.pk}
    rows = _all(client, world, "support", f"?applicatie={world.app_x.pk}")
    assert rows and {r["applicatie_id"] for r in rows} == {world.app_x.pk}
    rows = _all(client, world, "support", "?gebeurtenis=instantie")
    assert rows and {r["gebeurtenis"] for r in rows} == {"instantie.aangemaakt"}
    rows = _all(client, world, "support", "?persoon=BRAM")
    assert rows and {r["door_label"] for r in rows} == {"bram"}
    rows = _all(client, world, "support", "?van=2000-01-01&tot=2000-01-02")
    assert rows == []


def test_a_bad_filter_is_a_problem_response(client, world):
    response = client.get(URL + "?gebeurtenis=verzonnen&van=gisteren", **auth(world, "support"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_token_used_is_named_in_the_record(client, world):
    response = client.post(
        f"/api/v1/instanties/{world.inst_xa.client_id}/status/",
        {"status": "in_onderhoud", "reden": "onderhoud"},
        content_type="application/json",
        **auth(world, "dora"),
    )
    assert response.status_code == 200, response.content
    rec = AuditRecord.objects.filter(gebeurtenis=AuditEvent.INSTANTIE_STATUS).get()
    assert rec.door == world.dora
    prefix = PersoonlijkToken.objects.get(gebruiker=world.dora).prefix
    assert rec.door_label == f"dora (token test ({prefix}))"
    assert rec.ip_adres == "127.0.0.1"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_records_cannot_be_changed_or_deleted_through_the_api(client, world, method):
    rec = record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=world.dom_a, domein=world.dom_a)
    for url in (URL, f"{URL}{rec.pk}/"):
        response = getattr(client, method)(
            url, {"door_label": "x"}, content_type="application/json", **auth(world, "support")
        )
        assert response.status_code in (404, 405), (url, response.status_code)
    rec.refresh_from_db()
    assert rec.door_label == "systeem"
