"""Every API error as RFC 9457 problem details with a Dutch message.

    {"type": "urn:kt-beheer:probleem:<code>", "title": "...", "status": 409,
     "detail": "<Dutch message>", "code": "<code>", "errors": {...}}   (errors: validation only)

ServiceError codes map to statuses: not allowed -> 403, not found -> 404, a state that does
not allow the move -> 409, anything else the caller sent -> 400.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from beheer.errors import ServiceError

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet aangemeld",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    415: "Mediatype niet ondersteund",
    429: "Te veel verzoeken",
}

SERVICE_STATUS = {
    "not_domain_admin": 403,
    "not_application_admin": 403,
    "not_support": 403,
    "not_allowed": 403,
    "own_request": 403,
    "not_found": 404,
    "transition_not_allowed": 409,
    "open_request_exists": 409,
    "instance_exists": 409,
    "role_unchanged": 409,
    "open_change_exists": 409,
    "instance_closed": 409,
    "key_check_not_ok": 409,
}


def problem(status: int, detail: str, code: str, *, errors=None, headers=None) -> Response:
    body = {
        "type": f"urn:kt-beheer:probleem:{code}",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def problem_exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return problem(SERVICE_STATUS.get(exc.code, 400), exc.message, exc.code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    headers = {
        name: response[name] for name in ("WWW-Authenticate", "Retry-After") if name in response
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        detail = f"Controleer de invoer: {_first_message(exc.detail)}"
        return problem(400, detail, "invalid", errors=errors, headers=headers)
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    return problem(response.status_code, str(exc.detail), code, headers=headers)
