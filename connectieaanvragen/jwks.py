"""Fetch and check the JWK Set behind an application's JWKS URI.

The authorization server will trust whatever keys this URI serves, so before a domeinbeheerder
decides we check what is there. The URI is chosen by an outsider, so it is fetched through
the one safe fetcher, beheer.safe_fetch (https only, public addresses only and pinned, no
redirects, one wall-clock deadline KT_JWKS_TIMEOUT over the whole exchange, size cap
KT_JWKS_MAX_BYTES); http only to a loopback host when DEBUG (beheer.uris.check_jwks_uri), and
KT_JWKS_ALLOWED_NETWORKS opens other networks for development and tests.

`check_jwks_document` is pure: it takes the parsed JSON and returns the public signing keys
found, or raises JwksError with a Dutch message.

No network I/O may happen inside a database transaction: callers run `fetch_and_check` first
and store the result with a service afterwards.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from cryptography import x509
from django.conf import settings
from django.utils import timezone

from beheer import safe_fetch
from beheer.errors import ServiceError
from beheer.safe_fetch import FetchError
from beheer.uris import check_jwks_uri

PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k", "oth")
RSA_MIN_BITS = 2048
RSA_ALGS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
EC_CURVES = {
    # curve: (coordinate length in bytes, matching alg, p, b) for y^2 = x^3 - 3x + b (mod p)
    "P-256": (
        32,
        "ES256",
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    ),
    "P-384": (
        48,
        "ES384",
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
    ),
}


class JwksError(Exception):
    """The JWKS URI or its document is not acceptable; `message` is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class JwksResult:
    """The outcome of one check, as stored on the request (see `as_json`)."""

    uri: str
    ok: bool
    keys: list[dict] = field(default_factory=list)
    error: str = ""
    checked_at: object = None

    def as_json(self) -> dict:
        return {"uri": self.uri, "ok": self.ok, "sleutels": self.keys, "fout": self.error}

    @property
    def cert_expires_at(self) -> datetime | None:
        """The earliest expiry of an x5c certificate among the keys, or None."""
        dates = [
            datetime.fromisoformat(key["certificaat_verloopt_op"])
            for key in self.keys
            if key.get("certificaat_verloopt_op")
        ]
        return min(dates) if dates else None


# --- the document -------------------------------------------------------------------------


def _b64url_int(value, *, name: str, kid: str) -> tuple[int, int]:
    """Decode a base64url member to (integer, length in bytes)."""
    if not isinstance(value, str) or not value:
        raise JwksError(f"Sleutel '{kid}': het veld '{name}' ontbreekt of is leeg.")
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise JwksError(f"Sleutel '{kid}': het veld '{name}' is geen geldige base64url.") from exc
    if not raw:
        raise JwksError(f"Sleutel '{kid}': het veld '{name}' is leeg.")
    return int.from_bytes(raw, "big"), len(raw)


def _x5c_expiry(x5c, *, kid: str) -> str:
    """The notAfter (ISO 8601, UTC) of the key's own certificate, the first of `x5c` (RFC 7517
    4.7: standard base64 of DER, not base64url)."""
    if not isinstance(x5c, list) or not x5c or not isinstance(x5c[0], str):
        raise JwksError(f"Sleutel '{kid}': 'x5c' moet een lijst met certificaten zijn.")
    try:
        der = base64.b64decode(x5c[0], validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as exc:
        raise JwksError(f"Sleutel '{kid}': het certificaat in 'x5c' is ongeldig.") from exc
    return certificate.not_valid_after_utc.isoformat()


def _check_key(key, index: int) -> dict:
    if not isinstance(key, dict):
        raise JwksError(f"Sleutel {index + 1} is geen JSON-object.")
    kid = key.get("kid")
    if not isinstance(kid, str) or not kid.strip():
        raise JwksError(f"Sleutel {index + 1} heeft geen 'kid'.")
    private = [m for m in PRIVATE_MEMBERS if m in key]
    if private:
        raise JwksError(
            f"Sleutel '{kid}' bevat privé-sleutelmateriaal ({', '.join(private)}). "
            "Publiceer alleen publieke sleutels en vervang deze sleutel: hij is niet meer geheim."
        )
    kty = key.get("kty")
    if not isinstance(kty, str) or not kty:
        raise JwksError(f"Sleutel '{kid}' heeft geen 'kty'.")
    use = key.get("use")
    if use is not None and use != "sig":
        shown = repr(use) if isinstance(use, str) else "geen tekst"
        raise JwksError(f"Sleutel '{kid}' heeft 'use' = {shown}; alleen 'sig' is toegestaan.")
    key_ops = key.get("key_ops")
    if key_ops is not None and (
        not isinstance(key_ops, list)
        or not key_ops
        or any(op != "verify" for op in key_ops)  # compares any JSON value, hashable or not
    ):
        raise JwksError(f"Sleutel '{kid}': 'key_ops' mag alleen 'verify' bevatten.")
    alg = key.get("alg")
    if alg is not None and not isinstance(alg, str):
        raise JwksError(f"Sleutel '{kid}': 'alg' moet een tekst zijn.")
    found = {"kid": kid, "kty": kty, "alg": alg or ""}
    if kty == "RSA":
        n, _ = _b64url_int(key.get("n"), name="n", kid=kid)
        e, _ = _b64url_int(key.get("e"), name="e", kid=kid)
        bits = n.bit_length()
        if bits < RSA_MIN_BITS:
            raise JwksError(
                f"Sleutel '{kid}' is een RSA-sleutel van {bits} bits; "
                f"minimaal {RSA_MIN_BITS} bits is vereist."
            )
        if e < 3 or e % 2 == 0:
            raise JwksError(f"Sleutel '{kid}' heeft een ongeldige RSA-exponent.")
        if alg and alg not in RSA_ALGS:
            raise JwksError(f"Sleutel '{kid}': 'alg' {alg!r} past niet bij een RSA-sleutel.")
        found["grootte"] = bits
    elif kty == "EC":
        crv = key.get("crv")
        if not isinstance(crv, str) or crv not in EC_CURVES:
            shown = repr(crv) if isinstance(crv, str) else "(geen tekst)"
            raise JwksError(
                f"Sleutel '{kid}' gebruikt curve {shown}; alleen P-256 en P-384 zijn toegestaan."
            )
        length, curve_alg, p, b = EC_CURVES[crv]
        x, x_len = _b64url_int(key.get("x"), name="x", kid=kid)
        y, y_len = _b64url_int(key.get("y"), name="y", kid=kid)
        if x_len != length or y_len != length or x >= p or y >= p:
            raise JwksError(f"Sleutel '{kid}': de coördinaten passen niet bij curve {crv}.")
        if (y * y - (x * x * x - 3 * x + b)) % p != 0:
            raise JwksError(f"Sleutel '{kid}': het punt ligt niet op curve {crv}.")
        if alg and alg != curve_alg:
            raise JwksError(f"Sleutel '{kid}': 'alg' {alg!r} past niet bij curve {crv}.")
        found["curve"] = crv
    else:
        raise JwksError(
            f"Sleutel '{kid}' heeft sleuteltype {kty!r}; alleen RSA en EC zijn toegestaan."
        )
    if "x5c" in key:
        found["certificaat_verloopt_op"] = _x5c_expiry(key["x5c"], kid=kid)
    return found


def check_jwks_document(document) -> list[dict]:
    """Return the public signing keys (kid, kty, alg, grootte|curve) or raise JwksError."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksError("Het document is geen JWK Set: het veld 'keys' (een lijst) ontbreekt.")
    if not document["keys"]:
        raise JwksError("De JWK Set bevat geen sleutels.")
    found = [_check_key(key, i) for i, key in enumerate(document["keys"])]
    kids = [k["kid"] for k in found]
    if len(set(kids)) != len(kids):
        raise JwksError("De JWK Set bevat meerdere sleutels met dezelfde 'kid'.")
    return found


# --- the fetch ----------------------------------------------------------------------------

# FetchError codes of beheer.safe_fetch, said for a JWKS URI.
_FETCH_MESSAGES = {
    "timeout": "Het ophalen van de JWKS URI duurde te lang.",
    "unreachable": "De JWKS URI is niet bereikbaar.",
    "tls": "De TLS-verbinding met de JWKS URI is niet veilig (certificaat ongeldig).",
    "redirect": "De JWKS URI stuurt door naar een ander adres; geef het uiteindelijke adres op.",
    "invalid_url": "De JWKS URI is geen geldige URL.",
    "not_https": "De JWKS URI moet met https:// beginnen.",
}


def _jwks_error(exc: FetchError, host: str) -> JwksError:
    if exc.code == "unknown_host":
        return JwksError(f"De host '{host}' van de JWKS URI is onbekend.")
    if exc.code == "too_large":
        return JwksError(
            f"Het JWKS-document is te groot (hoogstens {settings.KT_JWKS_MAX_BYTES} bytes)."
        )
    return JwksError(_FETCH_MESSAGES.get(exc.code, exc.message))


def resolve_checked_address(host: str, port: int) -> str:
    """Resolve `host`; every address must be allowed (beheer.safe_fetch). Return the one to
    connect to."""
    try:
        return safe_fetch.resolve_checked_address(
            host,
            port,
            allowed_networks=settings.KT_JWKS_ALLOWED_NETWORKS,
            seconds=settings.KT_JWKS_TIMEOUT,
        )
    except FetchError as exc:
        raise _jwks_error(exc, host) from exc


def _fetch(uri: str) -> bytes:
    parts = urlsplit(uri)
    try:
        response = safe_fetch.fetch(
            uri,
            deadline=settings.KT_JWKS_TIMEOUT,
            max_bytes=settings.KT_JWKS_MAX_BYTES,
            headers={"Accept": "application/json, application/jwk-set+json"},
            allowed_networks=settings.KT_JWKS_ALLOWED_NETWORKS,
            # check_jwks_uri lets http through only in DEBUG and only to a loopback host.
            allow_http=parts.scheme == "http",
        )
    except FetchError as exc:
        raise _jwks_error(exc, parts.hostname or "") from exc
    if response.status != 200:
        raise JwksError(f"De JWKS URI gaf HTTP-status {response.status} in plaats van 200.")
    return response.body


def _parse(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise JwksError("Het JWKS-document is geen geldige JSON.") from exc
    except RecursionError as exc:  # nested deeper than the parser goes
        raise JwksError("Het JWKS-document is te diep genest.") from exc


def check_document_at(uri: str, document) -> JwksResult:
    """The outcome of checking `document` as the JWK Set found at `uri` (no network)."""
    now = timezone.now()
    try:
        keys = check_jwks_document(document)
    except JwksError as exc:
        return JwksResult(uri=uri, ok=False, error=exc.message, checked_at=now)
    return JwksResult(uri=uri, ok=True, keys=keys, checked_at=now)


def fetch_and_check(uri: str) -> JwksResult:
    """Fetch the JWK Set at `uri` and check it. Never raises for a bad URI or document."""
    now = timezone.now()
    try:
        uri = check_jwks_uri(uri)
    except ServiceError as exc:
        return JwksResult(uri=uri, ok=False, error=exc.message, checked_at=now)
    try:
        document = _parse(_fetch(uri))
    except JwksError as exc:
        return JwksResult(uri=uri, ok=False, error=exc.message, checked_at=now)
    return check_document_at(uri, document)
