"""SMART backend services: the portal's key, its JWKS, the client assertion and the token
exchange with caching; and the bearer token's environment variable rule."""

import json
import os
import stat
import time
from urllib.parse import parse_qs

import jwt
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from beheer.fhir import auth
from beheer.fhir.auth import (
    ASSERTION_TYPE,
    auth_headers,
    build_client_assertion,
    client_for_domain,
)
from beheer.fhir.client import PermanentFhirError
from beheer.fhir.keys import rfc7638_thumbprint
from tests.fhir.servers import ScriptedServer

TOKEN_ENDPOINT = "https://auth.ggz-noord.test.invalid/oauth2/token"


@pytest.fixture
def portal_key(tmp_path, settings):
    path = tmp_path / "portal.pem"
    call_command("generate_portal_key", str(path), stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.KT_PORTAL_PRIVATE_KEY = ""
    settings.KT_PORTAL_PRIVATE_KEY_FILE = str(path)
    return path


def _served_jwks(client):
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response


def test_jwks_is_served_with_cache_control_and_rfc7638_kid(client, portal_key):
    response = _served_jwks(client)
    assert "max-age=" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    (key,) = response.json()["keys"]
    assert key["alg"] == "RS512" and key["use"] == "sig" and key["kty"] == "RSA"
    assert key["kid"] == rfc7638_thumbprint({"kty": "RSA", "n": key["n"], "e": key["e"]})
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_rfc7638_thumbprint_matches_the_rfc_example():
    # RFC 7638 section 3.1.
    jwk = {
        "kty": "RSA",
        "e": "AQAB",
        "n": (
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6"
            "tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5"
            "v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD0"
            "8qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU"
            "8awapJzKnqDKgw"
        ),
    }
    assert rfc7638_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_jwks_is_empty_without_a_configured_key(client, settings):
    settings.KT_PORTAL_PRIVATE_KEY = ""
    settings.KT_PORTAL_PRIVATE_KEY_FILE = ""
    assert _served_jwks(client).json() == {"keys": []}


def test_client_assertion_verifies_against_the_served_jwks(client, portal_key):
    assertion = build_client_assertion(client_id="portaal-123", token_endpoint=TOKEN_ENDPOINT)

    header = jwt.get_unverified_header(assertion)
    jwks = jwt.PyJWKSet.from_dict(_served_jwks(client).json())
    key = next(k for k in jwks.keys if k.key_id == header["kid"])
    claims = jwt.decode(
        assertion,
        key.key,
        algorithms=["RS512"],
        audience=TOKEN_ENDPOINT,
        options={"require": ["iss", "sub", "aud", "jti", "exp"]},
    )
    assert header["alg"] == "RS512"
    assert claims["iss"] == claims["sub"] == "portaal-123"
    assert 0 < claims["exp"] - time.time() <= 300


def test_each_client_assertion_has_a_unique_jti(portal_key):
    ids = {
        jwt.decode(
            build_client_assertion(client_id="p", token_endpoint=TOKEN_ENDPOINT),
            options={"verify_signature": False},
        )["jti"]
        for _ in range(5)
    }
    assert len(ids) == 5


def test_private_key_can_come_inline_from_the_environment(portal_key, settings, client):
    settings.KT_PORTAL_PRIVATE_KEY = portal_key.read_text().replace("\n", "\\n")
    settings.KT_PORTAL_PRIVATE_KEY_FILE = ""
    assertion = build_client_assertion(client_id="p", token_endpoint=TOKEN_ENDPOINT)
    (key,) = jwt.PyJWKSet.from_dict(_served_jwks(client).json()).keys
    jwt.decode(assertion, key.key, algorithms=["RS512"], audience=TOKEN_ENDPOINT)


def test_generate_portal_key_writes_a_0600_file_and_never_prints_the_key(tmp_path, capsys):
    path = tmp_path / "keys" / "portal.pem"
    call_command("generate_portal_key", str(path))
    out = capsys.readouterr().out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "PRIVATE KEY" in path.read_text()
    assert "PRIVATE KEY" not in out and path.read_text().splitlines()[1] not in out
    assert "kid:" in out and "KT_PORTAL_PRIVATE_KEY_FILE" in out
    with pytest.raises(CommandError, match="bestaat al"):
        call_command("generate_portal_key", str(path))


class _Domein:
    """The duck-typed domain the auth module takes (no database needed)."""

    def __init__(self, token_endpoint, fhir_base_url="http://127.0.0.1:9/fhir/", **kwargs):
        self.pk = 1
        self.fhir_auth = "smart"
        self.portal_client_id = "portaal-ggz-noord"
        self.fhir_auth_token_env = ""
        self.token_endpoint = token_endpoint
        self.fhir_base_url = fhir_base_url
        self.__dict__.update(kwargs)


@pytest.fixture
def token_server(client, portal_key):
    """A tiny authorization server on loopback that checks the client assertion against the
    JWKS the portal serves, and also acts as a FHIR server accepting its tokens."""
    jwks = jwt.PyJWKSet.from_dict(_served_jwks(client).json())
    issued = []
    seen_jti = set()

    def handle(request):
        if request["path"] == "/token":
            form = {k: v[0] for k, v in parse_qs(request["body"]).items()}
            assertion = form["client_assertion"]
            kid = jwt.get_unverified_header(assertion)["kid"]
            key = next(k for k in jwks.keys if k.key_id == kid)
            claims = jwt.decode(
                assertion, key.key, algorithms=["RS512"], audience=server.url + "/token"
            )
            assert form["grant_type"] == "client_credentials"
            assert form["client_assertion_type"] == ASSERTION_TYPE
            assert claims["iss"] == claims["sub"] == "portaal-ggz-noord"
            assert claims["jti"] not in seen_jti
            seen_jti.add(claims["jti"])
            issued.append(f"token-{len(issued) + 1}")
            return 200, {}, {"access_token": issued[-1], "token_type": "bearer", "expires_in": 300}
        if request["headers"].get("Authorization") != f"Bearer {issued[-1] if issued else ''}":
            return 401, {}, {"resourceType": "OperationOutcome", "issue": []}
        body = json.loads(request["body"])
        return 201, {}, {**body, "meta": {"versionId": "1"}}

    server = ScriptedServer(handle)
    server.issued = issued
    cache.clear()
    yield server
    server.close()


def test_token_is_fetched_with_the_assertion_and_cached(token_server):
    domein = _Domein(token_endpoint=token_server.url + "/token")
    first = auth_headers(domein)
    second = auth_headers(domein)
    assert first == second == {"Authorization": "Bearer token-1"}
    assert len([r for r in token_server.requests if r["path"] == "/token"]) == 1


def test_cached_token_is_not_used_past_its_lifetime(token_server, monkeypatch):
    monkeypatch.setattr(auth, "TOKEN_EXPIRY_MARGIN", 300)  # expires_in 300: never cached
    domein = _Domein(token_endpoint=token_server.url + "/token")
    auth_headers(domein)
    assert auth_headers(domein) == {"Authorization": "Bearer token-2"}


def test_push_with_smart_auth_refreshes_a_rejected_token(token_server):
    domein = _Domein(
        token_endpoint=token_server.url + "/token", fhir_base_url=token_server.url + "/fhir/"
    )
    client = client_for_domain(domein)
    client.put({"resourceType": "Device", "id": "abc"})
    token_server.issued.append("token-ingetrokken")  # the server revokes the cached token
    client.put({"resourceType": "Device", "id": "abc"})
    paths = [r["path"] for r in token_server.requests]
    assert paths == ["/token", "/fhir/Device/abc", "/fhir/Device/abc", "/token", "/fhir/Device/abc"]


def test_smart_without_portal_client_id_is_a_clear_permanent_error(token_server):
    domein = _Domein(token_endpoint=token_server.url + "/token", portal_client_id="")
    with pytest.raises(PermanentFhirError, match="client-Id van het portaal"):
        auth_headers(domein)


def test_smart_without_a_key_is_a_clear_permanent_error(settings):
    settings.KT_PORTAL_PRIVATE_KEY = ""
    settings.KT_PORTAL_PRIVATE_KEY_FILE = ""
    cache.clear()
    with pytest.raises(PermanentFhirError, match="generate_portal_key"):
        auth_headers(_Domein(token_endpoint="http://127.0.0.1:9/token"))


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "DATABASE_URL", "KT_FHIR_TOKEN_", "kt_fhir_token_x"]
)
def test_bearer_token_only_from_kt_fhir_token_variables(name, monkeypatch):
    monkeypatch.setenv(name, "geheim")
    domein = _Domein(token_endpoint="", fhir_auth="bearer", fhir_auth_token_env=name)
    with pytest.raises(PermanentFhirError, match="KT_FHIR_TOKEN_"):
        auth_headers(domein)


@pytest.mark.parametrize(
    ("fhir_base_url", "token_endpoint"),
    [
        ("http://fhir.ggz-noord.test.invalid/fhir/", "https://auth.test.invalid/token"),
        ("https://fhir.ggz-noord.test.invalid/fhir/", "http://auth.test.invalid/token"),
    ],
)
def test_no_token_is_sent_over_plain_http(fhir_base_url, token_endpoint, portal_key):
    domein = _Domein(token_endpoint=token_endpoint, fhir_base_url=fhir_base_url)
    with pytest.raises(PermanentFhirError, match="https://"):
        auth_headers(domein)


def _with_smart_configuration(token_server, token_endpoint):
    handler = token_server.handler

    def handle(request):
        if request["path"] == "/fhir/.well-known/smart-configuration":
            return 200, {}, {"token_endpoint": token_endpoint, "grant_types_supported": []}
        return handler(request)

    token_server.handler = handle


def _smart_configuration_reads(token_server):
    return [r for r in token_server.requests if r["path"].endswith("/smart-configuration")]


def test_token_endpoint_is_discovered_from_the_smart_configuration_and_cached(
    token_server, monkeypatch
):
    monkeypatch.setattr(auth, "TOKEN_EXPIRY_MARGIN", 300)  # tokens not cached: ask twice
    _with_smart_configuration(token_server, token_server.url + "/token")
    domein = _Domein(token_endpoint="", fhir_base_url=token_server.url + "/fhir/")

    # The token server checks that the assertion's aud is exactly the discovered URL.
    assert auth_headers(domein) == {"Authorization": "Bearer token-1"}
    assert auth_headers(domein) == {"Authorization": "Bearer token-2"}
    assert len(_smart_configuration_reads(token_server)) == 1


def test_a_configured_token_endpoint_wins_over_discovery(token_server):
    _with_smart_configuration(token_server, token_server.url + "/elders")
    domein = _Domein(
        token_endpoint=token_server.url + "/token", fhir_base_url=token_server.url + "/fhir/"
    )
    assert auth_headers(domein) == {"Authorization": "Bearer token-1"}
    assert not _smart_configuration_reads(token_server)


def test_a_smart_configuration_without_token_endpoint_is_a_clear_error(token_server):
    domein = _Domein(token_endpoint="", fhir_base_url=token_server.url + "/fhir/")
    token_server.handler = lambda request: (404, {}, {"error": "not found"})
    with pytest.raises(PermanentFhirError, match="Geen token endpoint gevonden"):
        auth_headers(domein)
