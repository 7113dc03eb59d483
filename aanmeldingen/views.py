"""The onboarding forms: a new domain or a new application-ID.

Logged-in users always; people without an account only when KT_PUBLIC_ONBOARDING is on,
with a rate limit per client address (in the service) and a honeypot field: a filled honeypot
gets the same "sent" page and nothing is stored.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from aanmeldingen.forms import form_class_for
from aanmeldingen.models import AanmeldingSoort
from aanmeldingen.services import file_onboarding_request
from beheer.accounts.lockout import client_ip
from beheer.errors import ServiceError


def _may_file(request) -> bool:
    return request.user.is_authenticated or settings.KT_PUBLIC_ONBOARDING


@require_http_methods(["GET"])
def index(request):
    if not _may_file(request):
        return redirect_to_login(request.get_full_path())
    return render(request, "aanmeldingen/index.html", {})


@require_http_methods(["GET", "POST"])
def new_request(request, soort):
    if soort not in AanmeldingSoort.values:
        return redirect("aanmeldingen:index")
    if not _may_file(request):
        return redirect_to_login(request.get_full_path())
    anonymous = not request.user.is_authenticated
    form = form_class_for(soort, anonymous=anonymous)(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if anonymous and data.get("website"):
            return redirect("aanmeldingen:verstuurd")  # a bot: pretend, store nothing
        try:
            file_onboarding_request(
                soort=soort,
                data=data,
                by=None if anonymous else request.user,
                aanvrager_naam=data.get("aanvrager_naam", ""),
                aanvrager_email=data.get("aanvrager_email", ""),
                client_ip=client_ip(request),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = 429 if exc.code == "throttled" else 200
        else:
            return redirect("aanmeldingen:verstuurd")
    template = "aanmeldingen/domein.html" if soort == "domein" else "aanmeldingen/applicatie.html"
    return render(request, template, {"form": form, "anonymous": anonymous}, status=status)


def sent(request):
    return render(request, "aanmeldingen/verstuurd.html", {})
