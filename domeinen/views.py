"""Screens for domeinbeheerders: their domains, a domain's details and its instances.

Every object is looked up through a selector scoped to the user; anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applicaties.selectors import applications_for_user
from beheer.errors import ServiceError
from beheer.paging import paginate
from domeinen.forms import DomainDetailsForm, InstanceFilterForm, InstanceStatusForm
from domeinen.models import Applicatieinstantie, InstantieStatus
from domeinen.selectors import domains_for_user, domains_with_counts_for_user, instances_for_domain
from domeinen.services import change_instance_status, update_domain_details


def get_domain_for_user(request, naam):
    return get_object_or_404(domains_for_user(user=request.user), naam=naam)


@login_required
def domain_list(request):
    page = paginate(request, domains_with_counts_for_user(user=request.user).order_by("naam"))
    return render(request, "domeinen/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def domain_details(request, naam):
    domein = get_domain_for_user(request, naam)
    form = DomainDetailsForm(request.POST if request.method == "POST" else None, instance=domein)
    if request.method == "POST" and form.is_valid():
        try:
            update_domain_details(domein_id=domein.pk, by=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("De gegevens van domein %s zijn opgeslagen.") % domein)
            return redirect("domeinen:details", naam=domein.naam)
    return render(
        request, "domeinen/details.html", {"domein": domein, "form": form, "tab": "details"}
    )


@login_required
def domain_instances(request, naam):
    domein = get_domain_for_user(request, naam)
    filters = InstanceFilterForm(request.GET or None)
    status = search = None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or None
        search = filters.cleaned_data["q"] or None
    page = paginate(request, instances_for_domain(domein=domein, status=status, search=search))
    return render(
        request,
        "domeinen/instances.html",
        {"domein": domein, "page": page, "filters": filters, "tab": "instanties"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def instance_detail(request, naam, client_id):
    domein = get_domain_for_user(request, naam)
    instance = get_object_or_404(
        Applicatieinstantie.objects.select_related("applicatie", "connectieaanvraag"),
        domein=domein,
        client_id=client_id,
    )
    form = InstanceStatusForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            change_instance_status(
                instance_id=instance.pk,
                new_status=form.cleaned_data["status"],
                reason=form.cleaned_data["reden"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("De status van de applicatieinstantie is gewijzigd naar '%s'.")
                % InstantieStatus(form.cleaned_data["status"]).label,
            )
            return redirect("domeinen:instantie", naam=domein.naam, client_id=instance.client_id)
    historie = instance.historie.select_related("door")
    return render(
        request,
        "domeinen/instance_detail.html",
        {
            "domein": domein,
            "instantie": instance,
            "historie": historie,
            "form": form,
            "tab": "instanties",
        },
    )


@login_required
def application_instances(request, pk):
    """The Applicatieinstanties tab of an application (lives here: instances are ours)."""
    applicatie = get_object_or_404(applications_for_user(user=request.user), pk=pk)
    qs = (
        Applicatieinstantie.objects.filter(applicatie=applicatie)
        .select_related("domein")
        .order_by("domein__naam", "-aangemaakt_op")
    )
    page = paginate(request, qs)
    return render(
        request,
        "applicaties/instances.html",
        {"applicatie": applicatie, "page": page, "tab": "instanties"},
    )
