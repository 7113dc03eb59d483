"""An OpenID provider's discovery document served over https by a certificate of a test CA."""

import json
import subprocess

import pytest

from tests.jwks_server import JwksServer


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_test_ca(directory) -> tuple[str, str]:
    """A throwaway certificate authority (EC P-256), valid for one day."""
    cert, key = f"{directory}/test-ca.pem", f"{directory}/test-ca-key.pem"
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "1", "-subj", "/CN=KT test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", key, "-out", cert,
    )  # fmt: skip
    return cert, key


def make_server_certificate(directory, ca, *, name="localhost") -> tuple[str, str]:
    """A server certificate for `name`, signed by the test CA."""
    ca_cert, ca_key = ca
    cert, key, csr = (f"{directory}/{name}{s}" for s in (".pem", "-key.pem", ".csr"))
    ext = f"{directory}/{name}.ext"
    with open(ext, "w") as fh:
        fh.write(
            f"subjectAltName=DNS:{name}\nbasicConstraints=CA:FALSE\n"
            "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        )
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", f"/CN={name}", "-keyout", key, "-out", csr,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
        "-days", "1", "-extfile", ext, "-out", cert,
    )  # fmt: skip
    return cert, key


def discovery_document(base: str) -> dict:
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/jwks",
    }


@pytest.fixture
def test_ca(tmp_path):
    return make_test_ca(tmp_path)


@pytest.fixture
def idp_server(tmp_path, test_ca, settings, monkeypatch):
    """An https server on 127.0.0.1 whose certificate (for 'localhost') the test CA signed; only
    the test CA is trusted (SSL_CERT_FILE). DEBUG stays off: the production path."""
    settings.DEBUG = False
    settings.KT_JWKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    cert, key = make_server_certificate(tmp_path, test_ca)
    monkeypatch.setenv("SSL_CERT_FILE", test_ca[0])
    server = JwksServer(tls=(cert, key))
    base = f"https://localhost:{server.port}"
    server.serve(
        "/.well-known/openid-configuration",
        body=json.dumps(discovery_document(base)).encode(),
    )
    server.discovery_url = f"{base}/.well-known/openid-configuration"
    yield server
    server.close()
