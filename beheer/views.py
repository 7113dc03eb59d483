from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
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


@login_required
def start(request):
    """The start screen: what this user administers (domains, applications, or both)."""
    user = request.user
    limit = 50  # support sees everything; the full, paginated lists are one click away
    domeinen = list(domains_with_counts_for_user(user=user).order_by("naam")[: limit + 1])
    applicaties = list(applications_for_user(user=user).order_by("naam")[: limit + 1])
    context = {
        "domeinen": domeinen[:limit],
        "meer_domeinen": len(domeinen) > limit,
        "applicaties": applicaties[:limit],
        "meer_applicaties": len(applicaties) > limit,
    }
    return render(request, "start.html", context)


@never_cache
@require_GET
def bench_floor(request):
    """The benchmark's floor: the cheapest page Django can serve through the whole middleware
    stack (no database, no template). Only answers in benchmark mode (KT_BENCH=1)."""
    if not settings.KT_BENCH:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")
