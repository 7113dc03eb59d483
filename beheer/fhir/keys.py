"""The portal's own signing key (for SMART backend-services client assertions) and its JWKS.

The private key comes from the environment only: KT_PORTAL_PRIVATE_KEY (the PEM itself) or
KT_PORTAL_PRIVATE_KEY_FILE (a path to it). It is never logged and never in the database.
The public half is served at /.well-known/jwks.json with kid = RFC 7638 thumbprint.
"""

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from jwt.algorithms import RSAAlgorithm

SIGNING_ALG = "RS512"
KEY_SIZE = 3072


class PortalKeyMissing(Exception):
    pass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def rfc7638_thumbprint(jwk: dict) -> str:
    """SHA-256 JWK thumbprint over the required members in lexicographic order."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}[jwk["kty"]]
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def generate_private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@lru_cache(maxsize=4)
def _load_pem(pem: bytes):
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PortalKeyMissing("De sleutel van het portaal moet een RSA-sleutel zijn (RS512).")
    return key


def _configured_pem() -> bytes | None:
    inline = getattr(settings, "KT_PORTAL_PRIVATE_KEY", "")
    if inline.strip():
        # Environments often carry newlines as literal \n.
        return inline.replace("\\n", "\n").encode("utf-8")
    path = getattr(settings, "KT_PORTAL_PRIVATE_KEY_FILE", "")
    if path:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise PortalKeyMissing(
                f"Het sleutelbestand KT_PORTAL_PRIVATE_KEY_FILE kan niet gelezen worden: "
                f"{exc.strerror}."
            ) from exc
    return None


def portal_private_key():
    pem = _configured_pem()
    if pem is None:
        raise PortalKeyMissing(
            "Er is geen sleutel van het portaal ingesteld (KT_PORTAL_PRIVATE_KEY of "
            "KT_PORTAL_PRIVATE_KEY_FILE); maak er een met `manage.py generate_portal_key`."
        )
    try:
        return _load_pem(pem)
    except ValueError as exc:
        raise PortalKeyMissing("De sleutel van het portaal is geen geldige PEM-sleutel.") from exc


def public_jwk(private_key) -> dict:
    jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    public = {"kty": "RSA", "n": jwk["n"], "e": jwk["e"]}
    return {**public, "kid": rfc7638_thumbprint(public), "alg": SIGNING_ALG, "use": "sig"}


def portal_jwks() -> dict:
    """The JWKS the portal publishes; empty when no key is configured."""
    try:
        key = portal_private_key()
    except PortalKeyMissing:
        return {"keys": []}
    return {"keys": [public_jwk(key)]}
