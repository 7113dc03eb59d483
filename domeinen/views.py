"""Screens for domeinbeheerders: their domains, a domain's details and its instances.

Every object is looked up through a selector scoped to the user; anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applicaties.selectors import applications_for_user
from beheer.audit.selectors import records_for_domain
from beheer.audit.views import log_page
from beheer.errors import ServiceError
from beheer.paging import paginate
from domeinen.forms import (
    DomainDetailsForm,
    InstanceFilterForm,
    InstanceRoleForm,
    InstanceStatusForm,
)
from domeinen.models import InstantieStatus
from domeinen.selectors import (
    domains_for_user,
    domains_with_counts_for_user,
    in_users_domain,
    instance_history,
    instances_for_application,
    instances_for_detail,
    instances_for_domain,
    scope_context,
    scopes_for_instance,
)
from domeinen.services import change_instance_role, change_instance_status, update_domain_details


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
def domain_log(request, naam):
    """The tab "Logboek": what happened to this domain, its requests, instances and keys."""
    domein = get_domain_for_user(request, naam)
    return log_page(
        request,
        records=records_for_domain(domein_id=domein.pk),
        template="domeinen/logboek.html",
        context={"domein": domein, "tab": "logboek"},
        filename_prefix=domein.naam,
    )


@login_required
def domain_instances(request, naam):
    domein = get_domain_for_user(request, naam)
    filters = InstanceFilterForm(request.GET or None)
    status = search = sort = None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or None
        search = filters.cleaned_data["q"] or None
        sort = filters.cleaned_data["sort"] or None
    page = paginate(
        request, instances_for_domain(domein=domein, status=status, search=search, sort=sort)
    )
    return render(
        request,
        "domeinen/instances.html",
        {"domein": domein, "page": page, "filters": filters, "tab": "instanties"},
    )


def _domain_instance(request, naam, client_id):
    """The instance and its domain in one statement, if the user administers that domain."""
    instances = in_users_domain(instances_for_detail(), user=request.user, naam=naam)
    instance = get_object_or_404(instances, client_id=client_id)
    return instance.domein, instance


def _render_instance(request, domein, instance, *, form=None, role_form=None):
    return render(
        request,
        "domeinen/instance_detail.html",
        {
            "domein": domein,
            "instantie": instance,
            "scopes": scopes_for_instance(instance),
            "historie": instance_history(instance=instance),
            "form": form or InstanceStatusForm(instance=instance),
            "role_form": role_form or InstanceRoleForm(instance=instance, prefix="rol"),
            "tab": "instanties",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def instance_detail(request, naam, client_id):
    domein, instance = _domain_instance(request, naam, client_id)
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
    return _render_instance(request, domein, instance, form=form)


@login_required
@require_POST
def instance_role(request, naam, client_id):
    """Rol wijzigen: another role for the instance, with a reason (recorded in its history)."""
    domein, instance = _domain_instance(request, naam, client_id)
    role_form = InstanceRoleForm(request.POST, instance=instance, prefix="rol")
    if role_form.is_valid():
        try:
            change_instance_role(
                instance_id=instance.pk,
                rol_id=role_form.cleaned_data["rol"].pk,
                reason=role_form.cleaned_data["reden"],
                by=request.user,
            )
        except ServiceError as exc:
            role_form.add_error("reden" if exc.code.startswith("reason") else None, exc.message)
        else:
            messages.success(
                request,
                _("De rol van de applicatieinstantie is gewijzigd naar '%s'.")
                % role_form.cleaned_data["rol"],
            )
            return redirect("domeinen:instantie", naam=domein.naam, client_id=instance.client_id)
    return _render_instance(request, domein, instance, role_form=role_form)


@login_required
def application_instances(request, pk):
    """The Applicatieinstanties tab of an application (lives here: instances are ours)."""
    applicatie = get_object_or_404(applications_for_user(user=request.user), pk=pk)
    filters = InstanceFilterForm(request.GET or None)
    status = search = pk = None
    if filters.is_valid():
        status = filters.cleaned_data["status"] or None
        search = filters.cleaned_data["q"] or None
        pk = filters.cleaned_data["instantie"]
    page = paginate(
        request,
        instances_for_application(applicatie=applicatie, status=status, search=search, pk=pk),
    )
    context = scope_context(page.object_list)
    for instance in page.object_list:
        instance.scopes = scopes_for_instance(instance, context)
    return render(
        request,
        "applicaties/instances.html",
        {"applicatie": applicatie, "page": page, "filters": filters, "tab": "instanties"},
    )
