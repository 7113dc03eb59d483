""" "Verbinding testen": fetch an IdP's OpenID Connect discovery document and check it.

The URL rules (https only, no user info) are checked here; the fetch itself is the one careful
fetcher of the JWKS check (connectieaanvragen.jwks.fetch_document: public addresses only, the
checked address pinned, no redirects, one deadline, a size cap). No network I/O happens inside
a database transaction: the views call this before or outside any service.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from beheer.errors import ServiceError
from beheer.uris import _is_loopback
from connectieaanvragen.jwks import JwksError, fetch_document

_url_validator = URLValidator(schemes=["https", "http"])
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint")


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
    """The issuer and endpoints of a discovery document, or JwksError (Dutch)."""
    if not isinstance(document, dict):
        raise JwksError("Het discovery-document is geen JSON-object.")
    found = {}
    for name in REQUIRED:
        value = document.get(name)
        if not isinstance(value, str) or not value.strip():
            raise JwksError(f"Het discovery-document mist het veld '{name}'.")
        if not value.startswith("https://") and not settings.DEBUG:
            raise JwksError(f"Het veld '{name}' in het discovery-document is geen https-adres.")
        found[name] = value
    return found


def test_discovery(url: str) -> DiscoveryResult:
    """Fetch and check the document at `url`. Never raises for a bad URL or document."""
    try:
        url = check_discovery_url(url)
    except ServiceError as exc:
        return DiscoveryResult(url=url, ok=False, error=exc.message)
    try:
        body = fetch_document(
            url, label="discovery-URL", document="discovery-document", accept="application/json"
        )
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise JwksError("Het discovery-document is geen geldige JSON.") from exc
        found = check_discovery_document(document)
    except JwksError as exc:
        return DiscoveryResult(url=url, ok=False, error=exc.message)
    return DiscoveryResult(url=url, ok=True, **found)


test_discovery.__test__ = False  # not a pytest test, despite its name
