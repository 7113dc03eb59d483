"""What an authorization server reads: the clients of its own domain, with role and scopes."""

import pytest

from api.services import revoke_domain_key
from domeinen.services import change_instance_status
from rollen.models import Rol, Rolpermissie
from tests.api.conftest import auth
from tests.factories import ApplicatieFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db


def test_client_carries_what_the_authorization_server_needs(client, world):
    inst = world.inst_xa
    url = f"/api/v1/domeinen/domein-a/clients/{inst.client_id}"
    body = client.get(url, **auth(world, "key_a")).json()
    assert body["client_id"] == str(inst.client_id)
    assert body["status"] == "actief"
    assert body["actief"] is True
    assert body["applicatie"] == "App X"
    assert body["jwks_uri"] == inst.jwks_uri
    assert body["device"] == f"Device/{inst.client_id}"
    assert body["redirect_uris"] == []
    assert body["rol"] == "eHealth module"
    assert "system/Patient.rs" in body["scopes"]
    assert (
        f"system/ActivityDefinition.cud?resource-origin=Device/{inst.client_id}" in body["scopes"]
    )


def test_key_for_domain_a_never_reads_domain_b(client, world):
    headers = auth(world, "key_a")
    assert client.get("/api/v1/domeinen/domein-b/clients/", **headers).status_code == 404
    other = world.inst_yb.client_id
    for url in (
        f"/api/v1/domeinen/domein-b/clients/{other}",
        f"/api/v1/domeinen/domein-a/clients/{other}",  # B's client through A's path
    ):
        response = client.get(url, **headers)
        assert response.status_code == 404
        assert str(other) not in response.content.decode()


def test_unknown_domain_and_malformed_client_id_are_404(client, world):
    headers = auth(world, "key_a")
    assert client.get("/api/v1/domeinen/bestaat-niet/clients/", **headers).status_code == 404
    assert client.get("/api/v1/domeinen/domein-a/clients/geen-uuid", **headers).status_code == 404


def test_clients_filter_by_status(client, world):
    change_instance_status(
        instance_id=world.inst_xa.pk, new_status="in_onderhoud", reason="r", by=world.dora
    )
    headers = auth(world, "key_a")
    url = "/api/v1/domeinen/domein-a/clients/"
    assert client.get(url + "?status=actief", **headers).json()["count"] == 0
    results = client.get(url + "?status=in_onderhoud", **headers).json()["results"]
    assert [(r["status"], r["actief"]) for r in results] == [("in_onderhoud", False)]
    bad = client.get(url + "?status=kapot", **headers)
    assert bad.status_code == 400
    assert "Onbekende status" in bad.json()["detail"]


def test_granted_scope_lists_devices_of_granted_applications_in_this_domain(client, world):
    rol = Rol.objects.create(naam="Meekijker")
    perm = Rolpermissie.objects.create(
        rol=rol, resource_type="Task", operatie="read", bereik="GRANTED"
    )
    perm.toegestane_applicaties.add(world.app_x)
    reader = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=reader, domein=world.dom_a)
    response = client.post(
        f"/api/v1/aanvragen/{aanvraag.pk}/accepteren/",
        {"rol": rol.pk},
        content_type="application/json",
        **auth(world, "dora"),
    )
    assert response.status_code == 200, response.content
    client_id = response.json()["client_id"]
    body = client.get(
        f"/api/v1/domeinen/domein-a/clients/{client_id}", **auth(world, "key_a")
    ).json()
    assert body["rol"] == "Meekijker"
    assert body["scopes"] == [f"system/Task.rs?resource-origin=Device/{world.inst_xa.client_id}"]


def test_device_and_scopes_name_the_device_by_its_server_assigned_id(client, world):
    """A domain whose FHIR server assigns Device ids: the client keeps its client_id (what the
    authorization server looks it up by); `device` and the OWN and GRANTED scopes name the
    Device by the id the server gave it (docs/fhir.md)."""
    from domeinen.models import Applicatieinstantie

    rol = Rol.objects.create(naam="Meekijker")
    perm = Rolpermissie.objects.create(
        rol=rol, resource_type="Task", operatie="read", bereik="GRANTED"
    )
    perm.toegestane_applicaties.add(world.app_x)
    Applicatieinstantie.objects.filter(pk=world.inst_xa.pk).update(device_id="1052")
    inst = world.inst_xa
    body = client.get(
        f"/api/v1/domeinen/domein-a/clients/{inst.client_id}", **auth(world, "key_a")
    ).json()
    assert body["client_id"] == str(inst.client_id)
    assert body["device"] == "Device/1052"
    assert "system/ActivityDefinition.cud?resource-origin=Device/1052" in body["scopes"]

    reader = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=reader, domein=world.dom_a)
    response = client.post(
        f"/api/v1/aanvragen/{aanvraag.pk}/accepteren/",
        {"rol": rol.pk},
        content_type="application/json",
        **auth(world, "dora"),
    )
    body = client.get(
        f"/api/v1/domeinen/domein-a/clients/{response.json()['client_id']}",
        **auth(world, "key_a"),
    ).json()
    assert body["scopes"] == ["system/Task.rs?resource-origin=Device/1052"]


def test_revoked_key_is_refused(client, world):
    revoke_domain_key(key_id=world.key_a_row.pk, by=world.support)
    response = client.get("/api/v1/domeinen/domein-a/clients/", **auth(world, "key_a"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Ongeldige, verlopen of ingetrokken API-sleutel."


def test_key_is_stored_only_as_a_hash_and_last_use_is_recorded(client, world):
    row = world.key_a_row
    secret = world.secrets["key_a"]
    row.refresh_from_db()
    assert secret not in {row.prefix, row.sleutel_hash, row.naam}
    assert row.sleutel_hash != secret and len(row.sleutel_hash) == 64
    assert row.laatst_gebruikt_op is None
    client.get("/api/v1/domeinen/domein-a/clients/", **auth(world, "key_a"))
    row.refresh_from_db()
    assert row.laatst_gebruikt_op is not None


def test_a_forged_key_with_a_real_prefix_is_refused(client, world):
    prefix = world.key_a_row.prefix
    forged = f"ktd_{prefix}_" + "A" * 43
    response = client.get(
        "/api/v1/domeinen/domein-a/clients/", HTTP_AUTHORIZATION=f"Bearer {forged}"
    )
    assert response.status_code == 401
