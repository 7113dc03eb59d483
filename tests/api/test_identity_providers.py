"""The registry API's identity providers: per client the allowed IdPs per user type in order
(never a secret), and the domain's IdPs with client credentials for a key with the scope."""

import pytest
from cryptography.fernet import Fernet

from api.models import IdpGeheimLezing
from api.services import set_idp_secret_scope
from identiteit.services import add_instance_idp
from tests.api.conftest import auth
from tests.factories import make_idp

pytestmark = pytest.mark.django_db

SECRET = "Api-IdP-geheim-99"


@pytest.fixture
def idps(world):
    made = {
        name: make_idp(
            domein=world.dom_a,
            logische_id=name,
            client_secret=SECRET if name == "digid" else "",
            by=world.dora,
        )
        for name in ("digid", "azure", "uit")
    }
    made["uit"] = type(made["uit"]).objects.get(pk=made["uit"].pk)
    from identiteit.models import IdentityProvider

    IdentityProvider.objects.filter(pk=made["uit"].pk).update(ingeschakeld=False)
    for kind, names in (("Patient", ["azure", "uit", "digid"]), ("Practitioner", ["digid"])):
        for name in names:
            add_instance_idp(
                instance_id=world.inst_xa.pk,
                gebruikerstype=kind,
                idp_id=made[name].pk,
                reason="r",
                by=world.dora,
            )
    return made


def _ref(name):
    return {
        "logische_id": name,
        "naam": f"IdP {name}",
        "discovery_url": f"https://{name}.example.org/.well-known/openid-configuration",
    }


def test_a_client_carries_its_idps_per_user_type_in_order(client, world, idps):
    url = f"/api/v1/domeinen/domein-a/clients/{world.inst_xa.client_id}"
    body = client.get(url, **auth(world, "key_a")).json()
    assert body["identity_providers"] == {
        "Patient": [_ref("azure"), _ref("digid")],  # the disabled one is not served
        "Practitioner": [_ref("digid")],
        "RelatedPerson": [],
    }
    listed = client.get("/api/v1/domeinen/domein-a/clients/", **auth(world, "key_a")).json()
    assert listed["results"][0]["identity_providers"] == body["identity_providers"]


def test_the_client_answers_never_carry_client_credentials(client, world, idps):
    url = f"/api/v1/domeinen/domein-a/clients/{world.inst_xa.client_id}"
    text = client.get(url, **auth(world, "key_a")).content.decode()
    assert SECRET not in text
    assert "client-digid" not in text


def test_the_secrets_endpoint_gives_enabled_idps_with_credentials_and_records_the_read(
    client, world, idps
):
    set_idp_secret_scope(key_id=world.key_a_row.pk, allowed=True, by=world.support)
    response = client.get(
        "/api/v1/domeinen/domein-a/identity-providers/",
        REMOTE_ADDR="192.0.2.7",
        **auth(world, "key_a"),
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == [
        {
            "logische_id": "azure",
            "naam": "IdP azure",
            "discovery_url": "https://azure.example.org/.well-known/openid-configuration",
            "client_id": "client-azure",
            "client_secret": None,
            "gebruikersnaam_claim": "sub",
        },
        {
            "logische_id": "digid",
            "naam": "IdP digid",
            "discovery_url": "https://digid.example.org/.well-known/openid-configuration",
            "client_id": "client-digid",
            "client_secret": SECRET,
            "gebruikersnaam_claim": "sub",
        },
    ]
    read = IdpGeheimLezing.objects.get()
    assert (read.sleutel, read.domein, read.ip_adres) == (world.key_a_row, world.dom_a, "192.0.2.7")
    assert read.logische_ids == ["azure", "digid"]


def test_a_wrong_secrets_key_fails_closed_with_a_problem(client, world, idps, settings):
    set_idp_secret_scope(key_id=world.key_a_row.pk, allowed=True, by=world.support)
    settings.KT_SECRETS_KEY = [Fernet.generate_key().decode()]
    response = client.get("/api/v1/domeinen/domein-a/identity-providers/", **auth(world, "key_a"))
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "secrets_key"
    assert "KT_SECRETS_KEY" in body["detail"]
    assert SECRET not in response.content.decode()
    assert not IdpGeheimLezing.objects.exists()


def test_support_takes_the_scope_back(client, world, idps):
    set_idp_secret_scope(key_id=world.key_a_row.pk, allowed=True, by=world.support)
    set_idp_secret_scope(key_id=world.key_a_row.pk, allowed=False, by=world.support)
    response = client.get("/api/v1/domeinen/domein-a/identity-providers/", **auth(world, "key_a"))
    assert response.status_code == 403


def test_only_support_grants_the_scope(world):
    from beheer.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        set_idp_secret_scope(key_id=world.key_a_row.pk, allowed=True, by=world.dora)
    assert exc.value.code == "not_support"


def test_the_schema_describes_the_idps_of_a_client_and_the_secrets_endpoint(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    client_schema = schema["components"]["schemas"]["Client"]["properties"]
    assert client_schema["identity_providers"]["allOf"] == [
        {"$ref": "#/components/schemas/ClientIdps"}
    ]
    idps = schema["components"]["schemas"]["ClientIdps"]
    assert set(idps["properties"]) == {"Patient", "Practitioner", "RelatedPerson"}
    ref = schema["components"]["schemas"]["IdpRef"]
    assert set(ref["properties"]) == {"logische_id", "naam", "discovery_url"}
    operation = schema["paths"]["/api/v1/domeinen/{domein}/identity-providers/"]["get"]
    assert operation["tags"] == ["autorisatieserver"]
    item = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    secret_schema = schema["components"]["schemas"][item["$ref"].rsplit("/", 1)[1]]
    assert "client_secret" in secret_schema["properties"]


def _queries(client, world, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **auth(world, "key_a")).status_code == 200
    return len(ctx.captured_queries)


def test_client_and_secrets_query_counts_stay_flat_as_idps_grow(client, world, idps):
    set_idp_secret_scope(key_id=world.key_a_row.pk, allowed=True, by=world.support)
    urls = [
        "/api/v1/domeinen/domein-a/clients/",
        f"/api/v1/domeinen/domein-a/clients/{world.inst_xa.client_id}",
        "/api/v1/domeinen/domein-a/identity-providers/",
    ]
    _queries(client, world, urls[0])  # the key's first use records its last-used time
    small = [_queries(client, world, url) for url in urls]
    for n in range(5):
        idp = make_idp(domein=world.dom_a, logische_id=f"extra-{n}", client_secret=SECRET)
        for kind in ("Patient", "Practitioner", "RelatedPerson"):
            add_instance_idp(
                instance_id=world.inst_xa.pk,
                gebruikerstype=kind,
                idp_id=idp.pk,
                reason="r",
                by=world.dora,
            )
    assert [_queries(client, world, url) for url in urls] == small


def test_an_instances_history_shows_its_idp_list_changes(client, world, idps):
    url = f"/api/v1/instanties/{world.inst_xa.client_id}/"
    latest = client.get(url, **auth(world, "dora")).json()["historie"][0]
    assert latest["soort"] == "idp"
    assert latest["van_waarde"] == "Behandelaar: (leeg)"
    assert latest["naar_waarde"] == "Behandelaar: 1. IdP digid (digid)"
