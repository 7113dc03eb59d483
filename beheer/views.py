from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beheer.context_processors import omgeving


@never_cache
@require_GET
def health(request):
    """Liveness and readiness for a load balancer: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# --- error pages ------------------------------------------------------------------------------
# Django's own handlers render 400.html/403.html/404.html/500.html (portal layout, Dutch, a
# link home and the support address). Under /api/ the REST API keeps answering problem
# details (RFC 9457) for what reaches these handlers outside its views (a bad Host header, an
# unhandled exception).

_API_PREFIX = "/api/"
_TITLES = {400: "Ongeldig verzoek", 403: "Geen toegang", 404: "Niet gevonden", 500: "Serverfout"}


def _api_problem(request, status: int) -> HttpResponse | None:
    if not request.path.startswith(_API_PREFIX):
        return None
    code = {400: "bad_request", 403: "permission_denied", 404: "not_found", 500: "error"}[status]
    body = {
        "type": f"urn:kt-beheer:probleem:{code}",
        "title": _TITLES[status],
        "status": status,
        "detail": _TITLES[status] + ".",
        "code": code,
    }
    return JsonResponse(body, status=status, content_type="application/problem+json")


def bad_request(request, exception):
    return _api_problem(request, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _api_problem(request, 403) or defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _api_problem(request, 404) or defaults.page_not_found(request, exception)


def server_error(request):
    """500: rendered without the request's context processors (they may need the database
    that just failed), with the environment banner and support address given directly."""
    problem = _api_problem(request, 500)
    if problem:
        return problem
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(omgeving(request)))
