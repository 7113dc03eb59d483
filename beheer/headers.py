"""Response headers that Django and the kept libraries do not set themselves.

`NoStoreMiddleware`: `Cache-Control: no-store` on every page for a logged-in user and on every
API response, so no browser or proxy keeps a copy of what only this user may see (a shared
computer, the back button after logging out). Anonymous pages (login, static) stay cacheable.
"""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True)
        return response
