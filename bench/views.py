from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def floor(request):
    """The cheapest page Django can serve through the whole middleware stack: no database, no
    template. The bench measures it beside its floor (`/health/`, one `SELECT 1`) to show what
    the middleware and HTTP alone cost."""
    return HttpResponse(b"ok", content_type="text/plain")
