""" "Verbinding testen": the discovery document fetched through beheer.safe_fetch (with the JWKS
check's rules), against a real https server whose certificate a test CA signed."""

import json
import socket

import pytest

from identiteit.discovery import check_discovery_url, test_discovery
from tests.identiteit.conftest import discovery_document, make_server_certificate
from tests.jwks_server import JwksServer


def test_a_valid_document_gives_issuer_and_endpoints(idp_server):
    result = test_discovery(idp_server.discovery_url)
    assert result.ok, result.error
    base = f"https://localhost:{idp_server.port}"
    assert result.issuer == base
    assert result.authorization_endpoint == f"{base}/authorize"
    assert result.token_endpoint == f"{base}/token"


def test_a_certificate_of_another_ca_is_refused(idp_server, tmp_path, monkeypatch):
    other_ca = tmp_path / "other"
    other_ca.mkdir()
    from tests.identiteit.conftest import make_test_ca

    monkeypatch.setenv("SSL_CERT_FILE", make_test_ca(other_ca)[0])
    result = test_discovery(idp_server.discovery_url)
    assert not result.ok
    assert result.error == (
        "De TLS-verbinding met de discovery-URL is niet veilig (certificaat ongeldig)."
    )
    assert idp_server.requests == []


def test_a_certificate_for_another_name_is_refused(idp_server):
    url = idp_server.discovery_url.replace("localhost", "127.0.0.1")
    result = test_discovery(url)
    assert "niet veilig" in result.error


def test_http_is_refused_with_a_dutch_message(settings):
    settings.DEBUG = False
    result = test_discovery("http://idp.example.org/.well-known/openid-configuration")
    assert result.error == "De discovery-URL moet met https:// beginnen."


def test_a_non_public_address_is_refused(idp_server, settings):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    result = test_discovery(idp_server.discovery_url)
    assert result.error.startswith("De host 'localhost' verwijst naar een intern of lokaal adres")
    assert idp_server.requests == []


def test_an_unknown_host_is_named(monkeypatch, settings):
    def fail(*args, **kwargs):
        raise socket.gaierror("unknown")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    result = test_discovery("https://idp.invalid/.well-known/openid-configuration")
    assert result.error == "De host 'idp.invalid' van de discovery-URL is onbekend."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>", "Het discovery-document is geen geldige JSON."),
        (b"[]", "Het discovery-document is geen JSON-object."),
        (
            json.dumps({"issuer": "https://x", "authorization_endpoint": "https://x/a"}).encode(),
            "Het discovery-document mist het veld 'token_endpoint'.",
        ),
        (
            json.dumps(
                discovery_document("https://x") | {"token_endpoint": "http://x/token"}
            ).encode(),
            "Het veld 'token_endpoint' in het discovery-document is geen https-adres.",
        ),
    ],
)
def test_an_invalid_document_says_why(idp_server, body, message):
    idp_server.serve("/.well-known/openid-configuration", body=body)
    assert test_discovery(idp_server.discovery_url).error == message


def test_a_redirect_is_not_followed(idp_server):
    idp_server.serve(
        "/.well-known/openid-configuration",
        status=302,
        body=b"",
        headers={"Location": "https://169.254.169.254/"},
    )
    result = test_discovery(idp_server.discovery_url)
    assert result.error == (
        "De discovery-URL stuurt door naar een ander adres; geef het uiteindelijke adres op."
    )


def test_a_document_over_the_size_cap_is_refused(idp_server, settings):
    settings.KT_JWKS_MAX_BYTES = 1000
    big = discovery_document("https://x") | {"padding": "x" * 5000}
    idp_server.serve("/.well-known/openid-configuration", body=json.dumps(big).encode())
    result = test_discovery(idp_server.discovery_url)
    assert result.error == "Het discovery-document is te groot (hoogstens 1000 bytes)."


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Geef de discovery-URL op."),
        ("geen url", "De discovery-URL is geen geldige URL."),
        ("https://u:p@idp.example.org/x", "De discovery-URL mag geen gebruikersnaam of wachtwoord"),
        ("ftp://idp.example.org/x", "De discovery-URL is geen geldige URL."),
    ],
)
def test_discovery_url_syntax(url, message):
    from beheer.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        check_discovery_url(url)
    assert exc.value.message.startswith(message)


def test_the_server_certificate_is_signed_by_the_test_ca(tmp_path, test_ca):
    """The fixture's certificate chain is real: a server with it verifies against the CA."""
    cert, key = make_server_certificate(tmp_path, test_ca)
    server = JwksServer(tls=(cert, key))
    try:
        import ssl
        import urllib.request

        context = ssl.create_default_context(cafile=test_ca[0])
        server.serve("/x", body=b"{}")
        with urllib.request.urlopen(server.url("/x", host="localhost"), context=context) as r:
            assert r.read() == b"{}"
    finally:
        server.close()
