"""Fetch and check the JWK Set behind an application's JWKS URI.

The authorization server will trust whatever keys this URI serves, so before a domeinbeheerder
decides we check what is there. The fetch is careful because the URI is chosen by an outsider:

- https only (http only to a loopback host when DEBUG, see beheer.uris.check_jwks_uri);
- the host name is resolved once, every address is checked (no private, loopback, link-local,
  multicast, reserved or unspecified addresses unless KT_JWKS_ALLOWED_NETWORKS lists them), and
  we connect to the checked address itself (so DNS rebinding cannot swap it), with TLS still
  verified against the host name;
- redirects are not followed (a redirect could point anywhere);
- short timeouts, an overall deadline and a size cap (the body is streamed and we stop early).

`check_jwks_document` is pure: it takes the parsed JSON and returns the public signing keys
found, or raises JwksError with a Dutch message.

No network I/O may happen inside a database transaction: callers run `fetch_and_check` first
and store the result with a service afterwards.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from beheer.errors import ServiceError
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
        raise JwksError(f"Sleutel '{kid}' heeft 'use' = {use!r}; alleen 'sig' is toegestaan.")
    key_ops = key.get("key_ops")
    if key_ops is not None and (
        not isinstance(key_ops, list) or not key_ops or set(key_ops) != {"verify"}
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
        if crv not in EC_CURVES:
            raise JwksError(
                f"Sleutel '{kid}' gebruikt curve {crv!r}; alleen P-256 en P-384 zijn toegestaan."
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


def _allowed_networks():
    networks = []
    for item in getattr(settings, "KT_JWKS_ALLOWED_NETWORKS", []):
        networks.append(ipaddress.ip_network(item, strict=False))
    return networks


def _address_allowed(address: ipaddress._BaseAddress) -> bool:
    if any(address in net for net in _allowed_networks() if net.version == address.version):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve_checked_address(host: str, port: int, *, label: str = "JWKS URI") -> str:
    """Resolve `host`; every address must be allowed. Return the one to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise JwksError(f"De host '{host}' van de {label} is onbekend.") from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _address_allowed(address):
            raise JwksError(
                f"De host '{host}' verwijst naar een intern of lokaal adres ({address}); "
                "dat is niet toegestaan."
            )
        addresses.append(str(address))
    if not addresses:
        raise JwksError(f"De host '{host}' van de {label} is onbekend.")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate and host name are verified against the name in the URI.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_document(
    uri: str,
    *,
    label: str = "JWKS URI",
    document: str = "JWKS-document",
    accept: str = "application/json, application/jwk-set+json",
) -> bytes:
    """GET `uri` with the rules above and return the body; JwksError (Dutch, naming `label`
    and `document`) otherwise. Used for the JWK Set and for OpenID discovery documents."""
    parts = urlsplit(uri)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve_checked_address(host, port, label=label)
    timeout = settings.KT_JWKS_TIMEOUT
    max_bytes = settings.KT_JWKS_MAX_BYTES
    if parts.scheme == "https":
        conn = _PinnedHTTPSConnection(
            host, port, address=address, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = _PinnedHTTPConnection(host, port, address=address, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    deadline = time.monotonic() + 2 * timeout
    try:
        conn.request(
            "GET",
            target,
            headers={"Accept": accept, "User-Agent": "KT"},
        )
        response = conn.getresponse()
        if 300 <= response.status < 400:
            raise JwksError(
                f"De {label} stuurt door naar een ander adres; geef het uiteindelijke adres op."
            )
        if response.status != 200:
            raise JwksError(f"De {label} gaf HTTP-status {response.status} in plaats van 200.")
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise JwksError(f"Het {document} is te groot (hoogstens {max_bytes} bytes).")
        body = b""
        while True:
            if time.monotonic() > deadline:
                raise JwksError(f"Het ophalen van de {label} duurde te lang.")
            chunk = response.read1(8192)  # returns after one receive: the deadline holds
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise JwksError(f"Het {document} is te groot (hoogstens {max_bytes} bytes).")
        return body
    except ssl.SSLError as exc:
        raise JwksError(
            f"De TLS-verbinding met de {label} is niet veilig (certificaat ongeldig)."
        ) from exc
    except TimeoutError as exc:
        raise JwksError(f"Het ophalen van de {label} duurde te lang.") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise JwksError(f"De {label} is niet bereikbaar.") from exc
    finally:
        conn.close()


def fetch_and_check(uri: str) -> JwksResult:
    """Fetch the JWK Set at `uri` and check it. Never raises for a bad URI or document."""
    now = timezone.now()
    try:
        uri = check_jwks_uri(uri)
    except ServiceError as exc:
        return JwksResult(uri=uri, ok=False, error=exc.message, checked_at=now)
    try:
        body = fetch_document(uri)
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise JwksError("Het JWKS-document is geen geldige JSON.") from exc
        keys = check_jwks_document(document)
    except JwksError as exc:
        return JwksResult(uri=uri, ok=False, error=exc.message, checked_at=now)
    return JwksResult(uri=uri, ok=True, keys=keys, checked_at=now)
