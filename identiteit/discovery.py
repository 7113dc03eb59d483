""" "Verbinding testen": fetch an IdP's OpenID Connect discovery document and check it.

The URL rules (https only, no user info) are checked here; the fetch itself goes through the
one safe fetcher, beheer.safe_fetch, with the JWKS check's settings (KT_JWKS_TIMEOUT,
KT_JWKS_MAX_BYTES, KT_JWKS_ALLOWED_NETWORKS): public addresses only, the checked address
pinned, no redirects, one deadline, a size cap. No network I/O happens inside a database
transaction: the views call this before or outside any service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from beheer import safe_fetch
from beheer.errors import ServiceError
from beheer.safe_fetch import FetchError
from beheer.uris import _is_loopback

_url_validator = URLValidator(schemes=["https", "http"])
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint")

# FetchError codes of beheer.safe_fetch, said for a discovery URL.
_FETCH_MESSAGES = {
    "timeout": "Het ophalen van de discovery-URL duurde te lang.",
    "unreachable": "De discovery-URL is niet bereikbaar.",
    "tls": "De TLS-verbinding met de discovery-URL is niet veilig (certificaat ongeldig).",
    "redirect": (
        "De discovery-URL stuurt door naar een ander adres; geef het uiteindelijke adres op."
    ),
    "invalid_url": "De discovery-URL is geen geldige URL.",
    "not_https": "De discovery-URL moet met https:// beginnen.",
}


class DiscoveryError(Exception):
    """The discovery document could not be fetched or is not usable; `message` is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _discovery_error(exc: FetchError, host: str) -> DiscoveryError:
    if exc.code == "unknown_host":
        return DiscoveryError(f"De host '{host}' van de discovery-URL is onbekend.")
    if exc.code == "too_large":
        return DiscoveryError(
            f"Het discovery-document is te groot (hoogstens {settings.KT_JWKS_MAX_BYTES} bytes)."
        )
    return DiscoveryError(_FETCH_MESSAGES.get(exc.code, exc.message))


def fetch_discovery_document(url: str) -> bytes:
    """GET `url` through beheer.safe_fetch and return the body; DiscoveryError otherwise."""
    parts = urlsplit(url)
    try:
        response = safe_fetch.fetch(
            url,
            deadline=settings.KT_JWKS_TIMEOUT,
            max_bytes=settings.KT_JWKS_MAX_BYTES,
            headers={"Accept": "application/json"},
            allowed_networks=settings.KT_JWKS_ALLOWED_NETWORKS,
            # check_discovery_url lets http through only in DEBUG and only to a loopback host.
            allow_http=parts.scheme == "http",
        )
    except FetchError as exc:
        raise _discovery_error(exc, parts.hostname or "") from exc
    if response.status != 200:
        raise DiscoveryError(
            f"De discovery-URL gaf HTTP-status {response.status} in plaats van 200."
        )
    return response.body


def check_discovery_url(value: str) -> str:
    """The cleaned discovery URL, or ServiceError with a Dutch message."""
    value = (value or "").strip()
    if not value:
        raise ServiceError("Geef de discovery-URL op.", code="discovery_url_required")
    if len(value) > 500:
        raise ServiceError(
            "De discovery-URL is te lang (hoogstens 500 tekens).", code="discovery_url_invalid"
        )
    try:
        _url_validator(value)
    except ValidationError as exc:
        raise ServiceError(
            "De discovery-URL is geen geldige URL.", code="discovery_url_invalid"
        ) from exc
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise ServiceError(
            "De discovery-URL mag geen gebruikersnaam of wachtwoord bevatten.",
            code="discovery_url_invalid",
        )
    if parts.scheme != "https" and not (settings.DEBUG and _is_loopback(parts.hostname)):
        raise ServiceError(
            "De discovery-URL moet met https:// beginnen.", code="discovery_url_not_https"
        )
    return value


@dataclass
class DiscoveryResult:
    url: str
    ok: bool
    issuer: str = ""
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    error: str = ""


def check_discovery_document(document) -> dict:
    """The issuer and endpoints of a discovery document, or DiscoveryError (Dutch)."""
    if not isinstance(document, dict):
        raise DiscoveryError("Het discovery-document is geen JSON-object.")
    found = {}
    for name in REQUIRED:
        value = document.get(name)
        if not isinstance(value, str) or not value.strip():
            raise DiscoveryError(f"Het discovery-document mist het veld '{name}'.")
        if not value.startswith("https://") and not settings.DEBUG:
            raise DiscoveryError(
                f"Het veld '{name}' in het discovery-document is geen https-adres."
            )
        found[name] = value
    return found


def test_discovery(url: str) -> DiscoveryResult:
    """Fetch and check the document at `url`. Never raises for a bad URL or document."""
    try:
        url = check_discovery_url(url)
    except ServiceError as exc:
        return DiscoveryResult(url=url, ok=False, error=exc.message)
    try:
        body = fetch_discovery_document(url)
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DiscoveryError("Het discovery-document is geen geldige JSON.") from exc
        except RecursionError as exc:  # nested deeper than the parser goes
            raise DiscoveryError("Het discovery-document is te diep genest.") from exc
        found = check_discovery_document(document)
    except DiscoveryError as exc:
        return DiscoveryResult(url=url, ok=False, error=exc.message)
    return DiscoveryResult(url=url, ok=True, **found)


test_discovery.__test__ = False  # not a pytest test, despite its name
