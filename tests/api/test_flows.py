"""Beheerders work through the API exactly as through the screens: the same services."""

import pytest

from domeinen.models import InstantieStatuswijziging
from rollen.models import Rol
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db


def _post(client, world, who, url, data):
    return client.post(url, data, content_type="application/json", **auth(world, who))


def test_applicatiebeheerder_files_and_domeinbeheerder_accepts_with_a_role(client, world):
    filed = _post(
        client,
        world,
        "bram",
        "/api/v1/aanvragen/",
        {
            "applicatie": world.app_y.pk,
            "domein": "domein-b",
            "jwks_uri": "https://y.example.org/jwks.json",
            "redirect_uris": ["https://y.example.org/launch"],
        },
    )
    # Y already has an active instance in B: the service refuses with 409.
    assert filed.status_code == 409
    assert filed.json()["code"] == "instance_exists"
    epd = Rol.objects.get(naam="EPD")
    accepted = _post(
        client, world, "dora", f"/api/v1/aanvragen/{world.req_ya.pk}/accepteren/", {"rol": epd.pk}
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "geaccepteerd"
    client_id = accepted.json()["client_id"]
    seen_by_bram = client.get(f"/api/v1/instanties/{client_id}/", **auth(world, "bram")).json()
    assert seen_by_bram["rol"]["naam"] == "EPD"
    assert "system/Patient.rs" in seen_by_bram["scopes"]


def test_accepting_with_an_unknown_role_is_400_and_changes_nothing(client, world):
    response = _post(
        client, world, "dora", f"/api/v1/aanvragen/{world.req_ya.pk}/accepteren/", {"rol": 99999}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Kies een bestaande rol."
    world.req_ya.refresh_from_db()
    assert world.req_ya.status == "aangevraagd"


def test_role_change_over_the_api_is_in_the_history_the_applicatiebeheerder_sees(client, world):
    url = f"/api/v1/instanties/{world.inst_xa.client_id}/rol/"
    portaal = Rol.objects.get(naam="Portaal")
    response = _post(client, world, "dora", url, {"rol": portaal.pk, "reden": "Is een portaal"})
    assert response.status_code == 200
    assert response.json()["rol"]["naam"] == "Portaal"
    detail = client.get(
        f"/api/v1/instanties/{world.inst_xa.client_id}/", **auth(world, "anna")
    ).json()
    latest = detail["historie"][0]
    assert (latest["soort"], latest["van_rol"], latest["naar_rol"], latest["door"]) == (
        "rol",
        "eHealth module",
        "Portaal",
        str(world.dora),
    )
    assert latest["reden"] == "Is een portaal"


def test_status_change_over_the_api_runs_the_lifecycle(client, world):
    url = f"/api/v1/instanties/{world.inst_xa.client_id}/status/"
    ok = _post(client, world, "dora", url, {"status": "in_onderhoud", "reden": "Sleutelwissel"})
    assert ok.json()["status"] == "in_onderhoud"
    bad = _post(client, world, "dora", url, {"status": "in_onderhoud", "reden": "Nogmaals"})
    assert bad.status_code == 409
    assert InstantieStatuswijziging.objects.filter(instantie=world.inst_xa).count() == 2


def test_lists_filter_by_status_domain_and_application(client, world):
    headers = auth(world, "support")
    open_requests = client.get("/api/v1/aanvragen/?status=aangevraagd", **headers).json()
    assert {r["id"] for r in open_requests["results"]} == {world.req_ya.pk, world.req_xb.pk}
    in_a = client.get("/api/v1/aanvragen/?domein=domein-a&status=aangevraagd", **headers).json()
    assert [r["id"] for r in in_a["results"]] == [world.req_ya.pk]
    of_y = client.get(f"/api/v1/instanties/?applicatie={world.app_y.pk}", **headers).json()
    assert [i["client_id"] for i in of_y["results"]] == [str(world.inst_yb.client_id)]
    assert client.get("/api/v1/instanties/?applicatie=abc", **headers).status_code == 400


def test_pagination(client, world):
    page = client.get("/api/v1/aanvragen/?page_size=3", **auth(world, "support")).json()
    assert page["count"] == 4
    assert len(page["results"]) == 3
    assert page["next"] is not None
    assert client.get("/api/v1/aanvragen/?page=99", **auth(world, "support")).status_code == 404
