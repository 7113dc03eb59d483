"""The admin site: only active staff whose session passed the second step (2FA) get in."""

from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse


class KTAdminSite(admin.AdminSite):
    site_header = "KT Beheer — support"
    site_title = "KT Beheer"
    index_title = "Beheer van domeinen, applicaties en connecties"

    def has_permission(self, request):
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return bool(super().has_permission(request) and is_verified and is_verified())

    def login(self, request, extra_context=None):
        """One way in for everyone: the portal's login with its second step, never a form here.

        An anonymous visitor goes to the portal login; staff halfway through (password given,
        code not yet) go to the step they still miss; anyone else is not support.
        """
        next_url = request.GET.get("next") or reverse("admin:index")
        query = urlencode({"next": next_url})
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?{query}")
        if user.is_active and user.is_staff and not user.is_verified():
            # The account gate sends them on to the code step or to enrollment.
            return redirect(f"{reverse('accounts:two_factor_verify')}?{query}")
        return redirect("start")
