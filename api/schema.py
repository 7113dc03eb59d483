"""OpenAPI extras: the bearer credentials, and problem responses on every operation."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `detail` is a Dutch message for people.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail", "code"],
}

ERROR_STATUSES = {
    "400": "Ongeldig verzoek",
    "401": "Niet aangemeld",
    "403": "Geen toegang",
    "404": "Niet gevonden",
    "405": "Methode niet toegestaan",
    "406": "Niet aanvaardbaar",
    "409": "Conflict met de huidige toestand",
    "415": "Mediatype niet ondersteund",
    "429": "Te veel verzoeken",
    "503": "Dienst niet beschikbaar",
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "`ktd_...`: API-sleutel van een domein (autorisatieserver, alleen /clients/ en, "
                "met de aparte toestemming, /identity-providers/). "
                "`ktp_...`: persoonlijk token van een beheerder."
            ),
        }


class CsrfSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.CsrfSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def add_problem_responses(result, generator, request, public):
    """Document the problem responses every operation may give, so clients (and schemathesis)
    can check error bodies against the schema too."""
    result.setdefault("components", {}).setdefault("schemas", {})["Probleem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Probleem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result
