"""Login with a second step, two-factor enrollment, password change, set and forgotten."""

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from beheer.accounts import forms, services
from beheer.accounts.lockout import client_ip
from beheer.accounts.middleware import EXPIRED_LOGOUT_KEY, IDLE_LOGOUT_KEY
from beheer.accounts.selectors import has_two_factor
from beheer.errors import ServiceError


def _next_url(request, default="start"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


class LoginView(auth_views.LoginView):
    """Step one: username and password. A locked username gets the lockout page from axes
    whether or not the password was right; the second step follows via the account gate."""

    form_class = forms.LoginForm
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["idle_logout"] = self.request.session.pop(IDLE_LOGOUT_KEY, False)
        context["expired_logout"] = self.request.session.pop(EXPIRED_LOGOUT_KEY, "")
        return context


@never_cache
@login_required
@sensitive_post_parameters("token")
@csrf_protect
def two_factor_verify(request):
    """Step two: the code from the authenticator app (or a backup code)."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not has_two_factor(user=user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{request.GET.urlencode()}")
    form = forms.TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user=user, token=form.cleaned_data["token"])
        except ServiceError as exc:
            form.add_error("token", exc.message)
            status = 429 if exc.code == "throttled" else 200
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@never_cache
@login_required
@sensitive_post_parameters("token")
@csrf_protect
def two_factor_setup(request):
    """Enroll an authenticator app (QR code made here, no outside service), or, once enrolled,
    make new backup codes. Backup codes are shown once, in the response that made them."""
    user = request.user
    if has_two_factor(user=user):
        if request.method == "POST" and request.POST.get("actie") == "backupcodes":
            codes = services.regenerate_backup_codes(user=user)
            return _backup_codes_page(request, codes)
        return render(request, "accounts/two_factor_status.html", {})
    device = services.start_totp_enrollment(user=user)
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.confirm_totp(
                user=user, device_id=device.pk, token=form.cleaned_data["token"]
            )
        except ServiceError as exc:
            form.add_error("token", exc.message)
        else:
            request.session.cycle_key()
            otp_login(request, device)
            return _backup_codes_page(request, codes)
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, border=2, title=_("QR-code voor de authenticator-app")),
        "secret": _group(_b32_secret(device)),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _b32_secret(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _backup_codes_page(request, codes):
    response = render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )
    response["Cache-Control"] = "no-store"
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("start")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = self.request.user.must_change_password
        return context

    def form_valid(self, form):
        user = form.save()
        # Keep this session; every other session of the user ends (their auth hash is stale).
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Uw wachtwoord is gewijzigd."))
        return redirect(self.get_success_url())


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link (invitation, reset by support, wachtwoord vergeten)."""

    form_class = forms.SetPasswordForm
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_set_done")
    post_reset_login = False


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"


@never_cache
@csrf_protect
def password_forgotten(request):
    """Always the same answer, whether or not the account exists; throttled per address."""
    form = forms.PasswordForgottenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_password_link(
                identifier=form.cleaned_data["identifier"], client_ip=client_ip(request)
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            return render(request, "accounts/password_forgotten.html", {"form": form}, status=429)
        return redirect("accounts:password_forgotten_done")
    return render(request, "accounts/password_forgotten.html", {"form": form})


def password_forgotten_done(request):
    return render(request, "accounts/password_forgotten_done.html", {})
