"""The JWKS check: the document rules (pure) and the careful fetch (against a real server)."""

import json
import socket

import pytest

from connectieaanvragen.jwks import (
    PRIVATE_MEMBERS,
    JwksError,
    check_jwks_document,
    fetch_and_check,
    resolve_checked_address,
)
from tests.jwks_server import JwksServer, ec_key, jwk_set, make_certificate, rsa_key

# --- the document -------------------------------------------------------------------------


def test_rsa_2048_and_ec_keys_are_accepted_and_described():
    keys = check_jwks_document(jwk_set(rsa_key(), ec_key(), ec_key(kid="ec-2", crv="P-384")))
    assert keys == [
        {"kid": "rsa-1", "kty": "RSA", "alg": "RS256", "grootte": 2048},
        {"kid": "ec-1", "kty": "EC", "alg": "ES256", "curve": "P-256"},
        {"kid": "ec-2", "kty": "EC", "alg": "ES384", "curve": "P-384"},
    ]


def test_a_larger_rsa_key_reports_its_size():
    assert check_jwks_document(jwk_set(rsa_key(bits=4096)))[0]["grootte"] == 4096


@pytest.mark.parametrize("member", PRIVATE_MEMBERS)
def test_private_key_material_is_refused(member):
    with pytest.raises(JwksError, match="privé-sleutelmateriaal"):
        check_jwks_document(jwk_set(rsa_key(), rsa_key(kid="lek", **{member: "AQAB"})))


def test_rsa_key_under_2048_bits_is_refused():
    with pytest.raises(JwksError, match="1024 bits; minimaal 2048"):
        check_jwks_document(jwk_set(rsa_key(bits=1024)))


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (rsa_key(kid=""), "heeft geen 'kid'"),
        ({k: v for k, v in rsa_key().items() if k != "kid"}, "heeft geen 'kid'"),
        ({k: v for k, v in rsa_key().items() if k != "kty"}, "heeft geen 'kty'"),
        (rsa_key(use="enc"), "alleen 'sig'"),
        (rsa_key(key_ops=["verify", "sign"]), "alleen 'verify'"),
        (rsa_key(key_ops=["encrypt"]), "alleen 'verify'"),
        (rsa_key(alg="ES256"), "past niet bij een RSA-sleutel"),
        (rsa_key(e="AAE"), "ongeldige RSA-exponent"),
        (rsa_key(n="!!"), "geen geldige base64url"),
        (ec_key(crv="P-521"), "alleen P-256 en P-384"),
        (ec_key(alg="ES384"), "past niet bij curve P-256"),
        (ec_key(y=ec_key()["x"]), "ligt niet op curve"),
        (ec_key(x="AQAB"), "coördinaten passen niet"),
        ({"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": "AQAB"}, "alleen RSA en EC"),
        ({"kty": "oct", "kid": "geheim"}, "alleen RSA en EC"),
        ("geen object", "geen JSON-object"),
    ],
)
def test_unacceptable_keys_are_refused_with_a_dutch_reason(key, message):
    with pytest.raises(JwksError, match=message):
        check_jwks_document({"keys": [key]})


def test_key_ops_verify_only_is_accepted():
    assert check_jwks_document(jwk_set(rsa_key(key_ops=["verify"])))[0]["kid"] == "rsa-1"


@pytest.mark.parametrize("document", [[], {}, {"keys": "x"}, {"kty": "RSA"}, "tekst", None])
def test_a_document_that_is_no_jwk_set_is_refused(document):
    with pytest.raises(JwksError, match="geen JWK Set"):
        check_jwks_document(document)


def test_an_empty_jwk_set_is_refused():
    with pytest.raises(JwksError, match="geen sleutels"):
        check_jwks_document({"keys": []})


def test_duplicate_kids_are_refused():
    with pytest.raises(JwksError, match="dezelfde 'kid'"):
        check_jwks_document(jwk_set(rsa_key(kid="a"), ec_key(kid="a")))


# --- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "0.0.0.0",
        "224.0.0.1",
        "100.64.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(settings, address):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    with pytest.raises(JwksError, match="intern of lokaal adres"):
        resolve_checked_address(address, 443)


def test_a_public_address_is_allowed(settings):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    assert resolve_checked_address("145.97.39.155", 443) == "145.97.39.155"


def test_the_setting_allows_listed_networks_only(settings):
    settings.KT_JWKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert resolve_checked_address("127.0.0.1", 443) == "127.0.0.1"
    with pytest.raises(JwksError):
        resolve_checked_address("127.0.0.2", 443)


# --- the fetch --------------------------------------------------------------------------------


def test_fetch_returns_the_keys_found(jwks_server):
    result = fetch_and_check(jwks_server.serve())
    assert result.ok, result.error
    assert [k["kid"] for k in result.keys] == ["rsa-1", "ec-1"]
    assert result.checked_at is not None
    assert result.as_json()["sleutels"][0] == {
        "kid": "rsa-1",
        "kty": "RSA",
        "alg": "RS256",
        "grootte": 2048,
    }


def test_http_is_refused_without_debug(jwks_server, settings):
    settings.DEBUG = False
    result = fetch_and_check(jwks_server.serve())
    assert not result.ok
    assert result.error == "De JWKS URI moet met https:// beginnen."
    assert jwks_server.requests == []


def test_loopback_is_refused_unless_the_setting_lists_it(jwks_server, settings):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    result = fetch_and_check(jwks_server.serve())
    assert "intern of lokaal adres (127.0.0.1)" in result.error
    assert jwks_server.requests == []


def test_https_uri_to_a_loopback_name_is_refused_before_connecting(settings):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    result = fetch_and_check("https://localhost:9/jwks.json")
    assert not result.ok
    assert "intern of lokaal adres" in result.error


def test_a_redirect_is_not_followed(jwks_server):
    jwks_server.serve("/elders.json")
    uri = jwks_server.serve(
        "/jwks.json", status=302, body=b"", headers={"Location": jwks_server.url("/elders.json")}
    )
    result = fetch_and_check(uri)
    assert "stuurt door naar een ander adres" in result.error
    assert jwks_server.requests == ["/jwks.json"]


def test_a_non_200_status_is_an_error(jwks_server):
    result = fetch_and_check(jwks_server.url("/bestaat-niet.json"))
    assert result.error == "De JWKS URI gaf HTTP-status 404 in plaats van 200."


def test_a_document_over_the_size_cap_is_refused(jwks_server, settings):
    settings.KT_JWKS_MAX_BYTES = 1000
    big = json.dumps({"keys": [rsa_key(kid="x" * 2000)]}).encode()
    uri = jwks_server.serve(body=big)
    assert "te groot" in fetch_and_check(uri).error


def test_the_size_cap_holds_when_the_server_sends_no_length(jwks_server, settings):
    settings.KT_JWKS_MAX_BYTES = 1000
    uri = jwks_server.serve(body=b" " * 50_000, headers={"Content-Length": ""})
    assert "te groot" in fetch_and_check(uri).error


def test_a_slow_server_times_out(jwks_server, settings):
    settings.KT_JWKS_TIMEOUT = 1
    uri = jwks_server.serve(delay=2.5)
    assert fetch_and_check(uri).error == "Het ophalen van de JWKS URI duurde te lang."


def test_a_server_that_trickles_its_body_hits_the_overall_deadline(jwks_server, settings):
    settings.KT_JWKS_TIMEOUT = 1  # per receive; the whole fetch gets twice that
    # Every byte well within the per-receive timeout; the whole body would take far longer
    # than the deadline, so only the deadline can end the fetch with this error.
    uri = jwks_server.serve(trickle=0.2)
    assert fetch_and_check(uri).error == "Het ophalen van de JWKS URI duurde te lang."


def test_an_unreachable_server_is_reported(jwks_server):
    uri = jwks_server.url()
    jwks_server.close()
    assert fetch_and_check(uri).error == "De JWKS URI is niet bereikbaar."


def test_invalid_json_is_reported(jwks_server):
    assert fetch_and_check(jwks_server.serve(body=b"<html>")).error == (
        "Het JWKS-document is geen geldige JSON."
    )


def test_private_key_in_the_served_document_is_reported(jwks_server):
    uri = jwks_server.serve(document=jwk_set(rsa_key(d="AQAB")))
    result = fetch_and_check(uri)
    assert not result.ok
    assert "privé-sleutelmateriaal (d)" in result.error
    assert result.keys == []


def test_unknown_host_is_reported(monkeypatch):
    # The name lookup fails as an unknown name would (injected: no DNS traffic in tests).
    def unknown(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    result = fetch_and_check("https://keys.bestaat-niet.invalid/jwks.json")
    assert result.error == "De host 'keys.bestaat-niet.invalid' van de JWKS URI is onbekend."


def test_the_host_is_resolved_once_and_the_checked_address_is_used(jwks_server, monkeypatch):
    """DNS rebinding: a second lookup of the name would give an internal address; we must
    never make one, but connect to the address we checked."""
    real = socket.getaddrinfo
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host == "localhost":
            lookups.append(host)
            if len(lookups) > 1:  # the attacker's second answer
                return real("10.0.0.1", *args, **kwargs)
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    uri = jwks_server.serve().replace("127.0.0.1", "localhost")
    result = fetch_and_check(uri)
    assert result.ok, result.error
    assert lookups == ["localhost"]
    assert jwks_server.requests == ["/jwks.json"]


# --- https -----------------------------------------------------------------------------------


@pytest.fixture
def https_server(tmp_path, settings, monkeypatch):
    """A JWKS server with TLS on 127.0.0.1, its self-signed certificate trusted through
    SSL_CERT_FILE. DEBUG stays off: this is the production path."""
    settings.DEBUG = False
    settings.KT_JWKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    cert, key = make_certificate(tmp_path, "localhost", sans="DNS:localhost")
    monkeypatch.setenv("SSL_CERT_FILE", cert)
    server = JwksServer(tls=(cert, key))
    yield server
    server.close()


def test_https_fetch_verifies_the_certificate_against_the_host_name(https_server):
    https_server.serve()
    result = fetch_and_check(https_server.url(host="localhost"))
    assert result.ok, result.error
    assert [k["kid"] for k in result.keys] == ["rsa-1", "ec-1"]


def test_https_with_a_certificate_for_another_name_is_refused(https_server):
    https_server.serve()
    # The certificate names "localhost"; the URI names the address: no match.
    result = fetch_and_check(https_server.url(host="127.0.0.1"))
    assert result.error == (
        "De TLS-verbinding met de JWKS URI is niet veilig (certificaat ongeldig)."
    )
    assert https_server.requests == []


def test_https_with_an_untrusted_certificate_is_refused(https_server, monkeypatch, tmp_path):
    other, _ = make_certificate(tmp_path, "ander", sans="DNS:localhost")
    monkeypatch.setenv("SSL_CERT_FILE", other)
    https_server.serve()
    result = fetch_and_check(https_server.url(host="localhost"))
    assert "niet veilig" in result.error
    assert https_server.requests == []
