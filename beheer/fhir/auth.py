"""How the portal authenticates to a domain's FHIR server, per domain.

Three kinds (Domein.fhir_auth):
- "geen": no Authorization header (local test servers only).
- "bearer": a static token read from the environment variable the domain names
  (Domein.fhir_auth_token_env, always KT_FHIR_TOKEN_*). The token itself is never stored in
  the database: database dumps, backups and the admin screens do not carry it, and rotating it
  is a deployment change. The prefix stops anyone who can edit a domain from pointing it at
  another secret of the process (SECRET_KEY, a database password) and sending that to a URL of
  their choice.
- "smart": SMART backend services (RFC 7523): a JWT client assertion signed RS512 with the
  portal's key, iss = sub = the portal's client_id in that domain, aud = the token endpoint,
  a unique jti and a short exp, traded for an access token that is cached (Django cache) until
  shortly before it expires. Without a configured token endpoint, it is read from
  `[base]/.well-known/smart-configuration` (`token_endpoint`) and cached; a configured value
  wins.

The domain is passed in duck-typed (pk, fhir_auth, fhir_auth_token_env, portal_client_id,
token_endpoint), so this module does not import the domeinen app.
"""

import hashlib
import os
import re
import time
import uuid
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache

from beheer.fhir.client import PermanentFhirError, RetryableFhirError, operation_outcome_message
from beheer.fhir.keys import SIGNING_ALG, PortalKeyMissing, portal_private_key, public_jwk
from beheer.safe_fetch import call_with_deadline
from beheer.uris import _is_loopback

AUTH_NONE = "geen"
AUTH_BEARER = "bearer"
AUTH_SMART = "smart"
TOKEN_ENV_PREFIX = "KT_FHIR_TOKEN_"
TOKEN_ENV_RE = re.compile(r"^KT_FHIR_TOKEN_[A-Z0-9_]{1,60}$")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 240  # seconds; the spec allows at most 5 minutes
TOKEN_EXPIRY_MARGIN = 60  # drop a cached token this many seconds before it expires
SMART_CONFIGURATION_TTL = 3600  # seconds a discovered token endpoint is kept


def build_client_assertion(*, client_id: str, token_endpoint: str, now: float | None = None) -> str:
    key = portal_private_key()
    now = int(now if now is not None else time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + ASSERTION_LIFETIME,
    }
    headers = {"kid": public_jwk(key)["kid"], "typ": "JWT"}
    return jwt.encode(claims, key, algorithm=SIGNING_ALG, headers=headers)


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _smart_configuration_cache_key(domein) -> str:
    return f"kt:fhir:smartconf:{domein.pk}:{_fingerprint(domein.fhir_base_url)}"


def smart_configuration_url(fhir_base_url: str) -> str:
    return fhir_base_url.rstrip("/") + "/.well-known/smart-configuration"


def discover_token_endpoint(domein) -> str:
    """The `token_endpoint` of the domain's `[base]/.well-known/smart-configuration`, cached."""
    key = _smart_configuration_cache_key(domein)
    endpoint = cache.get(key)
    if endpoint:
        return endpoint
    url = smart_configuration_url(domein.fhir_base_url)
    require_https(url, "De FHIR base URL")
    try:
        response = call_with_deadline(
            lambda: requests.get(
                url,
                headers={"Accept": "application/json"},
                timeout=(3.05, settings.KT_FHIR_TIMEOUT),
                allow_redirects=False,
            ),
            seconds=3.05 + settings.KT_FHIR_TIMEOUT,
            on_timeout=lambda: requests.Timeout("wall-clock deadline"),
        )
    except requests.RequestException as exc:
        raise RetryableFhirError(
            f"De SMART-configuratie is niet bereikbaar ({url}): {type(exc).__name__}."
        ) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableFhirError(
            f"SMART-configuratie lezen mislukt ({url}): HTTP {response.status_code}",
            status=response.status_code,
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    endpoint = body.get("token_endpoint") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(endpoint, str) or not endpoint:
        raise PermanentFhirError(
            f"Geen token endpoint gevonden in {url} (HTTP {response.status_code}); "
            "vul het token endpoint van het domein in.",
            status=response.status_code,
        )
    require_https(endpoint, "Het token endpoint uit de SMART-configuratie")
    cache.set(key, endpoint, timeout=SMART_CONFIGURATION_TTL)
    return endpoint


def token_endpoint_for(domein) -> str:
    """The configured token endpoint, else the discovered one."""
    return (domein.token_endpoint or "").strip() or discover_token_endpoint(domein)


def _token_cache_key(domein) -> str:
    fingerprint = _fingerprint(
        domein.token_endpoint or domein.fhir_base_url, domein.portal_client_id
    )
    return f"kt:fhir:token:{domein.pk}:{fingerprint}"


def fetch_access_token(domein) -> tuple[str, int]:
    """POST the client assertion to the token endpoint; returns (access_token, expires_in)."""
    if not (domein.portal_client_id or "").strip():
        raise PermanentFhirError(
            "De client-Id van het portaal in dit domein ontbreekt (SMART backend services)."
        )
    token_endpoint = token_endpoint_for(domein)
    require_https(token_endpoint, "Het token endpoint")
    try:
        assertion = build_client_assertion(
            client_id=domein.portal_client_id, token_endpoint=token_endpoint
        )
    except PortalKeyMissing as exc:
        raise PermanentFhirError(str(exc)) from exc
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": settings.KT_FHIR_TOKEN_SCOPE,
    }
    try:
        # One wall-clock deadline over the whole exchange (beheer.safe_fetch).
        response = call_with_deadline(
            lambda: requests.post(
                token_endpoint,
                data=data,
                headers={"Accept": "application/json"},
                timeout=(3.05, settings.KT_FHIR_TIMEOUT),
                allow_redirects=False,
            ),
            seconds=3.05 + settings.KT_FHIR_TIMEOUT,
            on_timeout=lambda: requests.Timeout("wall-clock deadline"),
        )
    except requests.RequestException as exc:
        raise RetryableFhirError(
            f"Het token endpoint is niet bereikbaar ({token_endpoint}): {type(exc).__name__}."
        ) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
        detail = ""
        if isinstance(body, dict):
            detail = body.get("error_description") or body.get("error") or ""
            detail = detail or operation_outcome_message(body)
        message = f"Token aanvragen mislukt: HTTP {response.status_code}" + (
            f" — {detail}" if detail else ""
        )
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableFhirError(message, status=response.status_code)
        raise PermanentFhirError(message, status=response.status_code)
    try:
        expires_in = int(body.get("expires_in", 300))
    except (TypeError, ValueError):
        expires_in = 300
    return body["access_token"], expires_in


def smart_access_token(domein) -> str:
    key = _token_cache_key(domein)
    token = cache.get(key)
    if token:
        return token
    token, expires_in = fetch_access_token(domein)
    lifetime = expires_in - TOKEN_EXPIRY_MARGIN
    if lifetime > 0:
        cache.set(key, token, timeout=lifetime)
    return token


def forget_access_token(domein) -> None:
    """After a 401: drop the cached token, and a discovered token endpoint with it (the
    server may have moved it)."""
    cache.delete(_token_cache_key(domein))
    cache.delete(_smart_configuration_cache_key(domein))


def bearer_token(domein) -> str:
    name = domein.fhir_auth_token_env or ""
    if not TOKEN_ENV_RE.match(name):
        raise PermanentFhirError(
            f"De naam van de omgevingsvariabele voor het token moet met {TOKEN_ENV_PREFIX} "
            "beginnen."
        )
    token = os.environ.get(name, "")
    if not token:
        raise PermanentFhirError(f"De omgevingsvariabele {name} met het token is niet gezet.")
    return token


def require_https(url: str, what: str) -> None:
    """Credentials travel only over https (plain http only to this machine, for tests)."""
    parts = urlsplit(url or "")
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname)):
        raise PermanentFhirError(
            f"{what} moet met https:// beginnen; zonder https stuurt het portaal geen token."
        )


def auth_headers(domein) -> dict:
    kind = domein.fhir_auth
    if kind == AUTH_NONE:
        return {}
    require_https(domein.fhir_base_url, "De FHIR base URL")
    if kind == AUTH_BEARER:
        return {"Authorization": f"Bearer {bearer_token(domein)}"}
    if kind == AUTH_SMART:
        return {"Authorization": f"Bearer {smart_access_token(domein)}"}
    raise PermanentFhirError(f"Onbekende authenticatie {kind!r} voor de FHIR-server.")


def client_for_domain(domein, *, correlation_id: str | None = None):
    """A FhirClient for the domain's FHIR base URL with its authentication; `correlation_id`
    goes out as X-Correlation-Id on each of its requests."""
    from beheer.fhir.client import FhirClient

    return FhirClient(
        domein.fhir_base_url,
        auth_headers=lambda: auth_headers(domein),
        on_unauthorized=(lambda: forget_access_token(domein))
        if domein.fhir_auth == AUTH_SMART
        else None,
        timeout=(3.05, settings.KT_FHIR_TIMEOUT),
        correlation_id=correlation_id,
    )
