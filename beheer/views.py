from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applicaties.selectors import applications_for_user
from domeinen.selectors import domains_with_counts_for_user


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


# The columns jinja2/start.html shows (plus the counts): support's start screen read 100 full
# rows (contact data, descriptions, endpoints, timestamps) to show two or three of their
# fields. tests/test_query_counts.py fails when the page reads another one per row.
START_DOMAIN_FIELDS = ("naam", "zorgaanbieder")
START_APPLICATION_FIELDS = ("naam", "leverancier", "soort")


@login_required
def start(request):
    """The start screen: what this user administers (domains, applications, or both)."""
    user = request.user
    limit = 50  # support sees everything; the full, paginated lists are one click away
    domeinen = list(
        domains_with_counts_for_user(user=user)
        .only(*START_DOMAIN_FIELDS)
        .order_by("naam")[: limit + 1]
    )
    applicaties = list(
        applications_for_user(user=user)
        .only(*START_APPLICATION_FIELDS)
        .order_by("naam")[: limit + 1]
    )
    context = {
        "domeinen": domeinen[:limit],
        "meer_domeinen": len(domeinen) > limit,
        "applicaties": applicaties[:limit],
        "meer_applicaties": len(applicaties) > limit,
    }
    return render(request, "start.html", context)
