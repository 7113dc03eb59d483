from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


@never_cache
@require_GET
def bench_floor(request):
    """The benchmark's floor: the cheapest page Django can serve through the whole middleware
    stack (no database, no template). Only answers in benchmark mode (KT_BENCH=1)."""
    if not settings.KT_BENCH:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")
