"""A small FHIR R4 REST client for what the portal writes: Device, by logical id.

Errors are classified for the outbox: a FHIR server that cannot be reached, times out, answers
5xx or 429 is worth trying again later (RetryableFhirError, with the server's Retry-After);
any other 4xx will fail again the same way, so it is permanent (PermanentFhirError) and carries
the server's own OperationOutcome diagnostics for support to read.
"""

import email.utils
import logging
import re
import time
from collections.abc import Callable

import requests

from beheer.safe_fetch import call_with_deadline

FHIR_JSON = "application/fhir+json"
log = logging.getLogger(__name__)


class FhirError(Exception):
    """Base class; `message` is Dutch and fit to show to support."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class RetryableFhirError(FhirError):
    retryable = True

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class PermanentFhirError(FhirError):
    retryable = False


def operation_outcome_message(body) -> str:
    """The diagnostics (or details.text, or code) of an OperationOutcome's issues, joined."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return ""
    parts = []
    for issue in body.get("issue") or []:
        text = (
            issue.get("diagnostics")
            or (issue.get("details") or {}).get("text")
            or issue.get("code")
            or ""
        )
        if text:
            parts.append(f"{issue.get('severity', 'error')}: {text}")
    return "; ".join(parts)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _body(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


class FhirClient:
    """One FHIR base URL with its auth. `auth_headers` is called per request (tokens expire);
    `on_unauthorized` (optional) is called once on a 401 before one retry, e.g. to drop a
    cached access token."""

    def __init__(
        self,
        base_url: str,
        *,
        auth_headers: Callable[[], dict] | None = None,
        on_unauthorized: Callable[[], None] | None = None,
        timeout: tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.auth_headers = auth_headers or dict
        self.on_unauthorized = on_unauthorized
        self.timeout = timeout
        self.session = session or requests.Session()

    def url(self, *parts: str) -> str:
        return self.base_url + "/".join(parts)

    def _request(self, method: str, url: str, *, json_body=None, retry_auth=True):
        headers = {"Accept": FHIR_JSON}
        if json_body is not None:
            headers["Content-Type"] = FHIR_JSON
        headers.update(self.auth_headers())
        try:
            # One wall-clock deadline over the whole exchange (beheer.safe_fetch): requests'
            # timeouts bound each socket read only, not a server that trickles its answer.
            response = call_with_deadline(
                lambda: self.session.request(
                    method,
                    url,
                    json=json_body,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                ),
                seconds=sum(self.timeout),
                on_timeout=lambda: requests.Timeout("wall-clock deadline"),
            )
        except requests.Timeout as exc:
            raise RetryableFhirError(f"De FHIR-server antwoordde niet op tijd ({url}).") from exc
        except requests.RequestException as exc:
            raise RetryableFhirError(
                f"De FHIR-server is niet bereikbaar ({url}): {type(exc).__name__}."
            ) from exc
        if response.status_code == 401 and retry_auth and self.on_unauthorized:
            self.on_unauthorized()
            return self._request(method, url, json_body=json_body, retry_auth=False)
        return response

    def _raise_for(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        detail = operation_outcome_message(_body(response)) or (response.text or "")[:500].strip()
        message = f"{what}: HTTP {status}" + (f" — {detail}" if detail else "")
        if status == 429 or status >= 500:
            raise RetryableFhirError(
                message,
                status=status,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        raise PermanentFhirError(message, status=status)

    def put(self, resource: dict) -> dict:
        """Update-as-create `PUT [base]/<type>/<id>`; returns the stored resource (with meta)."""
        url = self.url(resource["resourceType"], resource["id"])
        response = self._request("PUT", url, json_body=resource)
        if response.status_code not in (200, 201):
            self._raise_for(response, f"PUT {resource['resourceType']}/{resource['id']} mislukt")
        body = _body(response)
        if isinstance(body, dict) and body.get("resourceType") == resource["resourceType"]:
            return body
        # Prefer: return=minimal servers: the version is in the ETag (W/"3").
        stored = dict(resource)
        version = re.fullmatch(r'(?:W/)?"?([^"]*)"?', response.headers.get("ETag", "").strip())
        if version and version.group(1):
            stored["meta"] = {**resource.get("meta", {}), "versionId": version.group(1)}
        return stored

    def read(self, resource_type: str, resource_id: str) -> dict | None:
        """GET [base]/<type>/<id>; None when it does not exist (404) or was deleted (410)."""
        response = self._request("GET", self.url(resource_type, resource_id))
        if response.status_code in (404, 410):
            return None
        if response.status_code != 200:
            self._raise_for(response, f"GET {resource_type}/{resource_id} mislukt")
        body = _body(response)
        if not isinstance(body, dict):
            raise PermanentFhirError(f"GET {resource_type}/{resource_id}: antwoord is geen JSON")
        return body
