"""A small FHIR R4 REST client for what the portal writes: Device.

Reads by id or by search, creates (`PUT` with a client-chosen id, or `POST` with
If-None-Exist), and version-aware updates (`PUT` with If-Match). Every request carries a new
`X-Request-Id`, and the client's `correlation_id` (one per instance change) as
`X-Correlation-Id`; both are logged beside the outcome.

Errors are classified for the outbox: a FHIR server that cannot be reached, times out, answers
5xx or 429 is worth trying again later (RetryableFhirError, with the server's Retry-After);
any other 4xx will fail again the same way, so it is permanent (PermanentFhirError) and carries
the server's own OperationOutcome diagnostics for support to read.
"""

import email.utils
import logging
import re
import time
import uuid
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
        correlation_id: str | None = None,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.auth_headers = auth_headers or dict
        self.on_unauthorized = on_unauthorized
        self.timeout = timeout
        self.session = session or requests.Session()
        self.correlation_id = correlation_id or str(uuid.uuid4())

    def url(self, *parts: str) -> str:
        return self.base_url + "/".join(parts)

    def _request(
        self, method: str, url: str, *, json_body=None, headers=None, params=None, retry_auth=True
    ):
        request_id = str(uuid.uuid4())
        sent = {
            "Accept": FHIR_JSON,
            "X-Request-Id": request_id,
            "X-Correlation-Id": self.correlation_id,
        }
        if json_body is not None:
            sent["Content-Type"] = FHIR_JSON
        sent.update(headers or {})
        sent.update(self.auth_headers())
        try:
            # One wall-clock deadline over the whole exchange (beheer.safe_fetch): requests'
            # timeouts bound each socket read only, not a server that trickles its answer.
            response = call_with_deadline(
                lambda: self.session.request(
                    method,
                    url,
                    json=json_body,
                    params=params,
                    headers=sent,
                    timeout=self.timeout,
                    allow_redirects=False,
                ),
                seconds=sum(self.timeout),
                on_timeout=lambda: requests.Timeout("wall-clock deadline"),
            )
        except requests.Timeout as exc:
            self._log(method, url, request_id, "timeout")
            raise RetryableFhirError(f"De FHIR-server antwoordde niet op tijd ({url}).") from exc
        except requests.RequestException as exc:
            self._log(method, url, request_id, type(exc).__name__)
            raise RetryableFhirError(
                f"De FHIR-server is niet bereikbaar ({url}): {type(exc).__name__}."
            ) from exc
        self._log(method, url, request_id, response.status_code)
        if response.status_code == 401 and retry_auth and self.on_unauthorized:
            self.on_unauthorized()
            return self._request(
                method, url, json_body=json_body, headers=headers, params=params, retry_auth=False
            )
        return response

    def _log(self, method: str, url: str, request_id: str, outcome) -> None:
        # A read that finds nothing is how a Device's first write starts: not a warning.
        expected = isinstance(outcome, int) and (
            outcome < 400 or (method == "GET" and outcome == 404)
        )
        level = logging.INFO if expected else logging.WARNING
        log.log(
            level,
            "FHIR %s %s -> %s (X-Request-Id %s, X-Correlation-Id %s)",
            method,
            url,
            outcome,
            request_id,
            self.correlation_id,
        )

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

    def _stored(self, response: requests.Response, resource: dict) -> dict:
        body = _body(response)
        if isinstance(body, dict) and body.get("resourceType") == resource["resourceType"]:
            return body
        # Prefer: return=minimal servers: the id is in the Location, the version in the ETag.
        stored = dict(resource)
        location = re.search(
            rf"{resource['resourceType']}/([^/]+)(?:/_history/([^/]+))?/?$",
            response.headers.get("Location", "") or response.headers.get("Content-Location", ""),
        )
        if location:
            stored["id"] = location.group(1)
        version = re.fullmatch(r'(?:W/)?"?([^"]*)"?', response.headers.get("ETag", "").strip())
        if version and version.group(1):
            stored["meta"] = {**resource.get("meta", {}), "versionId": version.group(1)}
        return stored

    def put(self, resource: dict) -> dict:
        """`PUT [base]/<type>/<id>` without a version: a create with a client-chosen id (on a
        server that allows it); returns the stored resource (with meta)."""
        url = self.url(resource["resourceType"], resource["id"])
        response = self._request("PUT", url, json_body=resource)
        if response.status_code not in (200, 201):
            self._raise_for(response, f"PUT {resource['resourceType']}/{resource['id']} mislukt")
        return self._stored(response, resource)

    def update(self, resource: dict, *, version: str) -> dict:
        """Version-aware update: `PUT [base]/<type>/<id>` with `If-Match: W/"<version>"`.
        A 412 (someone changed it meanwhile) raises a PermanentFhirError with status 412."""
        url = self.url(resource["resourceType"], resource["id"])
        response = self._request(
            "PUT", url, json_body=resource, headers={"If-Match": f'W/"{version}"'}
        )
        if response.status_code not in (200, 201):
            self._raise_for(response, f"PUT {resource['resourceType']}/{resource['id']} mislukt")
        return self._stored(response, resource)

    def create(self, resource: dict, *, if_none_exist: str) -> dict:
        """Conditional create: `POST [base]/<type>` with If-None-Exist, so that a retried
        create finds what an earlier attempt made instead of making a second one."""
        resource_type = resource["resourceType"]
        response = self._request(
            "POST",
            self.url(resource_type),
            json_body=resource,
            headers={"If-None-Exist": if_none_exist},
        )
        if response.status_code not in (200, 201):
            self._raise_for(response, f"POST {resource_type} mislukt")
        stored = self._stored(response, resource)
        if not stored.get("id"):
            raise PermanentFhirError(f"POST {resource_type}: de server gaf geen id terug")
        return stored

    def search(self, resource_type: str, params: dict) -> list[dict]:
        """GET [base]/<type>?params; the matching resources (search mode `match`)."""
        response = self._request("GET", self.url(resource_type), params=params)
        if response.status_code != 200:
            self._raise_for(response, f"GET {resource_type} zoeken mislukt")
        body = _body(response)
        if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
            raise PermanentFhirError(f"GET {resource_type}: antwoord is geen Bundle")
        return [
            entry["resource"]
            for entry in body.get("entry") or []
            if isinstance(entry.get("resource"), dict)
            and entry["resource"].get("resourceType") == resource_type
            and (entry.get("search") or {}).get("mode", "match") == "match"
        ]

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
