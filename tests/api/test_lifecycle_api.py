"""Issue 18 through the API: withdraw, change requests, the registry serving the new values,
the key check state, and flat query counts of the change list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domeinen.services import record_key_check
from tests.api.conftest import auth
from tests.factories import ApplicatieFactory, make_change, make_instance

pytestmark = pytest.mark.django_db


def _post(client, world, caller, url, data):
    return client.post(url, data, content_type="application/json", **auth(world, caller))


def test_withdrawing_a_request_through_the_api(client, world):
    response = _post(client, world, "bram", f"/api/v1/aanvragen/{world.req_ya.pk}/intrekken/", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ingetrokken"
    again = _post(client, world, "bram", f"/api/v1/aanvragen/{world.req_ya.pk}/intrekken/", {})
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"


def test_an_accepted_change_is_served_by_the_registry_with_the_same_client_id(
    client, world, jwks_server
):
    new_uri = jwks_server.serve("/nieuw.json")
    filed = _post(
        client,
        world,
        "anna",
        "/api/v1/wijzigingsverzoeken/",
        {"client_id": str(world.inst_xa.client_id), "jwks_uri": new_uri},
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["status"] == "aangevraagd" and body["jwks_in_orde"] is True
    assert body["oude_jwks_uri"] == world.inst_xa.jwks_uri
    accepted = _post(
        client, world, "dora", f"/api/v1/wijzigingsverzoeken/{body['id']}/accepteren/", {}
    )
    assert accepted.status_code == 200, accepted.content
    registry = client.get(
        f"/api/v1/domeinen/domein-a/clients/{world.inst_xa.client_id}", **auth(world, "key_a")
    )
    assert registry.status_code == 200
    assert registry.json()["client_id"] == str(world.inst_xa.client_id)
    assert registry.json()["jwks_uri"] == new_uri
    detail = client.get(f"/api/v1/instanties/{world.inst_xa.client_id}/", **auth(world, "anna"))
    history = detail.json()["historie"]
    assert history[0]["soort"] == "uris"
    assert history[0]["naar_waarden"]["jwks_uri"] == new_uri


def test_a_change_to_nothing_is_a_400_with_the_dutch_message(client, world):
    response = _post(
        client,
        world,
        "anna",
        "/api/v1/wijzigingsverzoeken/",
        {"client_id": str(world.inst_xa.client_id), "jwks_uri": world.inst_xa.jwks_uri},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "De gevraagde gegevens zijn gelijk aan de huidige; er verandert niets."
    )


def test_the_registry_and_the_instances_show_the_key_check(client, world):
    record_key_check(
        instance_id=world.inst_xa.pk,
        jwks_uri=world.inst_xa.jwks_uri,
        ok=False,
        error="De JWKS URI is niet bereikbaar.",
    )
    registry = client.get("/api/v1/domeinen/domein-a/clients/", **auth(world, "key_a")).json()
    check = registry["results"][0]["sleutelcontrole"]
    assert check["status"] == "fout"
    assert check["fout"] == "De JWKS URI is niet bereikbaar."
    assert check["sinds"] is not None
    mine = client.get(f"/api/v1/instanties/{world.inst_xa.client_id}/", **auth(world, "anna"))
    assert mine.json()["sleutelcontrole"]["status"] == "fout"


def _grow_changes(world, n):
    for _ in range(n):
        app = ApplicatieFactory(beheerders=[world.anna])
        instance = make_instance(applicatie=app, domein=world.dom_a)
        make_change(instance_id=instance.pk, by=world.anna, redirect_uris=["https://a.nl/t"])


@pytest.mark.parametrize("caller", ["support", "anna", "dora"])
def test_change_list_query_count_is_flat(client, world, caller):
    url = "/api/v1/wijzigingsverzoeken/"
    _grow_changes(world, 2)
    client.get(url, **auth(world, caller))  # warm up
    with CaptureQueriesContext(connection) as small:
        client.get(url, **auth(world, caller))
    _grow_changes(world, 6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, **auth(world, caller))
    assert response.json()["count"] == 8
    assert len(small.captured_queries) == len(large.captured_queries) <= 12
