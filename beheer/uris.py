"""Syntax rules for the URIs an application registers (JWKS URI, redirect URIs).

The JWKS URI must be https: the authorization server fetches the application's public keys from
it, and a key fetched over plain http can be swapped by anyone on the path. Only in DEBUG do we
accept http to a loopback host, so that a developer can run a local key server.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from beheer.errors import ServiceError

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
MAX_REDIRECT_URIS = 20
_url_validator = URLValidator(schemes=["https", "http"])


def _is_loopback(host: str | None) -> bool:
    return bool(host) and (host in LOOPBACK_HOSTS or host.startswith("127."))


def check_jwks_uri(value: str) -> str:
    """Return the cleaned JWKS URI or raise ServiceError with a Dutch message."""
    value = (value or "").strip()
    if not value:
        raise ServiceError("Geef de JWKS URI op.", code="jwks_uri_required")
    if len(value) > 500:
        raise ServiceError(
            "De JWKS URI is te lang (hoogstens 500 tekens).", code="jwks_uri_invalid"
        )
    try:
        _url_validator(value)
    except ValidationError as exc:
        raise ServiceError("De JWKS URI is geen geldige URL.", code="jwks_uri_invalid") from exc
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - a port above 65535 raises here
    except ValueError as exc:
        raise ServiceError(
            "De JWKS URI heeft een ongeldig poortnummer.", code="jwks_uri_invalid"
        ) from exc
    if parts.username or parts.password:
        raise ServiceError(
            "De JWKS URI mag geen gebruikersnaam of wachtwoord bevatten.", code="jwks_uri_invalid"
        )
    if parts.scheme != "https" and not (settings.DEBUG and _is_loopback(parts.hostname)):
        raise ServiceError("De JWKS URI moet met https:// beginnen.", code="jwks_uri_not_https")
    return value


def check_redirect_uris(values) -> list[str]:
    """Return the cleaned list of redirect URIs (duplicates removed, order kept)."""
    if isinstance(values, str):
        values = values.splitlines()
    cleaned: list[str] = []
    for raw in values or []:
        value = (raw or "").strip()
        if not value or value in cleaned:
            continue
        try:
            _url_validator(value)
        except ValidationError as exc:
            raise ServiceError(
                f"De redirect URI '{value}' is geen geldige URL.", code="redirect_uri_invalid"
            ) from exc
        parts = urlsplit(value)
        if parts.fragment:
            raise ServiceError(
                f"De redirect URI '{value}' mag geen fragment (#...) bevatten.",
                code="redirect_uri_invalid",
            )
        if parts.scheme != "https" and not _is_loopback(parts.hostname):
            raise ServiceError(
                f"De redirect URI '{value}' moet met https:// beginnen "
                "(http alleen naar localhost).",
                code="redirect_uri_not_https",
            )
        cleaned.append(value)
    if len(cleaned) > MAX_REDIRECT_URIS:
        raise ServiceError(
            f"Geef hoogstens {MAX_REDIRECT_URIS} redirect URI's op.", code="redirect_uri_invalid"
        )
    return cleaned
