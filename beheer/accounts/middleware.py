"""Session idle timeout, and the account gate that keeps a half-logged-in user in line.

A session that passed the password but not yet everything else may reach only the one page
that finishes the job (plus logout, static files and the public account pages):
1. a user with an authenticator whose session has not given a code -> the code step;
2. a password set by someone else (`must_change_password`) -> the change form;
3. two-factor required (staff always; everyone when KT_2FA_REQUIRED) but none set up ->
   enrollment.
Paths under /api/ get a 403 JSON answer instead of a redirect.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from beheer.accounts.selectors import has_two_factor

LAST_ACTIVITY_KEY = "kt_last_activity"
IDLE_LOGOUT_KEY = "kt_idle_logout"
EXPIRED_LOGOUT_KEY = "kt_expired_logout"
# Write the timestamp at most this often: no session write on every single request.
ACTIVITY_RESOLUTION = 15

ALWAYS_ALLOWED = {
    "logout",
    "health",
    "accounts:password_forgotten",
    "accounts:password_forgotten_done",
    "accounts:password_set",
    "accounts:password_set_done",
}


class IdleTimeoutMiddleware:
    """Log out after KT_SESSION_IDLE_TIMEOUT seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.KT_SESSION_IDLE_TIMEOUT:
                logout(request)
                # The login page says why (messages are not set up this early in the chain).
                request.session[IDLE_LOGOUT_KEY] = True
            elif last is None or now - last >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.is_expired:
            # A session opened before the validity date ended (or by another way in) ends too.
            return self._expired(request)
        step = self._pending_step(request)
        if step is not None:
            name = _url_name(request)
            if name not in ALWAYS_ALLOWED and name != step and not self._is_static(request):
                return self._refuse(request, step)
        return self.get_response(request)

    @staticmethod
    def _pending_step(request) -> str | None:
        user = request.user
        if not user.is_authenticated:
            return None
        verified = user.is_verified()
        if not verified and has_two_factor(user=user):
            return "accounts:two_factor_verify"
        if user.must_change_password:
            return "accounts:password_change"
        if not verified and (settings.KT_2FA_REQUIRED or user.is_staff):
            return "accounts:two_factor_setup"
        return None

    @staticmethod
    def _expired(request):
        from beheer.accounts.forms import expired_account_message

        message = expired_account_message(request.user)
        logout(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        request.session[EXPIRED_LOGOUT_KEY] = message
        return redirect("login")

    @staticmethod
    def _is_static(request) -> bool:
        return request.path_info.startswith(settings.STATIC_URL)

    @staticmethod
    def _refuse(request, step):
        if request.path_info.startswith("/api/"):
            messages_by_step = {
                "accounts:two_factor_verify": _("Tweestapsverificatie is nog niet voltooid."),
                "accounts:password_change": _("Wijzig eerst uw wachtwoord."),
                "accounts:two_factor_setup": _("Stel eerst tweestapsverificatie in."),
            }
            return JsonResponse({"detail": messages_by_step[step]}, status=403)
        url = reverse(step)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)
