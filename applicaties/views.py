"""Screens for applicatiebeheerders: their applications and an application's details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applicaties.forms import ApplicationContactForm
from applicaties.selectors import applications_for_user
from applicaties.services import update_application_contact
from beheer.audit.selectors import records_for_application
from beheer.audit.views import log_page
from beheer.errors import ServiceError
from beheer.paging import paginate


def get_application_for_user(request, pk):
    return get_object_or_404(applications_for_user(user=request.user), pk=pk)


@login_required
def application_list(request):
    page = paginate(request, applications_for_user(user=request.user).order_by("naam"))
    return render(request, "applicaties/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def application_details(request, pk):
    applicatie = get_application_for_user(request, pk)
    form = ApplicationContactForm(
        request.POST if request.method == "POST" else None, instance=applicatie
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_application_contact(
                applicatie_id=applicatie.pk, by=request.user, **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("De contactgegevens van %s zijn opgeslagen.") % applicatie)
            return redirect("applicaties:details", pk=applicatie.pk)
    return render(
        request,
        "applicaties/details.html",
        {"applicatie": applicatie, "form": form, "tab": "details"},
    )


@login_required
def application_log(request, pk):
    """The tab "Logboek": what happened to this application, its requests and instances."""
    applicatie = get_application_for_user(request, pk)
    return log_page(
        request,
        records=records_for_application(applicatie_id=applicatie.pk),
        template="applicaties/logboek.html",
        context={"applicatie": applicatie, "tab": "logboek"},
        filename_prefix=f"applicatie-{applicatie.pk}",
    )
