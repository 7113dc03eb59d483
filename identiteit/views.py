"""Screens: the domain's IdPs (tab "Identity providers") and an instance's IdP lists.

Domains and instances are looked up through the selectors of domeinen that limit them to the
user's own domains (support: all); an application's instances through the application
selector. Anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from applicaties.selectors import applications_for_user
from beheer.errors import ServiceError
from domeinen.selectors import domains_for_user, in_users_domain, instances_for_detail
from identiteit.discovery import test_discovery
from identiteit.forms import ConfirmDeleteForm, IdentityProviderForm, InstanceIdpForm
from identiteit.models import IdentityProvider
from identiteit.selectors import idp_lists, idps_for_domain, instances_using
from identiteit.services import (
    add_instance_idp,
    create_identity_provider,
    delete_identity_provider,
    move_instance_idp,
    remove_instance_idp,
    update_identity_provider,
)


def _domain(request, naam):
    return get_object_or_404(domains_for_user(user=request.user), naam=naam)


def _idp(request, naam, logische_id):
    idps = IdentityProvider.objects.select_related("domein").filter(
        domein__in=domains_for_user(user=request.user), domein__naam=naam
    )
    return get_object_or_404(idps, logische_id=logische_id)


@login_required
def idp_list(request, naam):
    domein = _domain(request, naam)
    return render(
        request,
        "identiteit/list.html",
        {"domein": domein, "idps": idps_for_domain(domein=domein), "tab": "idps"},
    )


@sensitive_post_parameters("client_secret")
@login_required
@require_http_methods(["GET", "POST"])
def idp_new(request, naam):
    domein = _domain(request, naam)
    form = IdentityProviderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            idp = create_identity_provider(
                domein_id=domein.pk, by=request.user, **form.service_kwargs()
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Identity provider %s is toegevoegd.") % idp.naam)
            return redirect("identiteit:bewerken", naam=domein.naam, logische_id=idp.logische_id)
    return render(request, "identiteit/form.html", {"domein": domein, "form": form, "tab": "idps"})


@sensitive_post_parameters("client_secret")
@login_required
@require_http_methods(["GET", "POST"])
def idp_edit(request, naam, logische_id):
    idp = _idp(request, naam, logische_id)
    domein = idp.domein
    test = None
    if request.method == "POST" and "testen" in request.POST:
        # "Verbinding testen": the stored discovery URL, outside any transaction.
        test = test_discovery(idp.discovery_url)
        form = IdentityProviderForm(instance=idp)
    else:
        form = IdentityProviderForm(
            request.POST if request.method == "POST" else None, instance=idp
        )
    if request.method == "POST" and test is None and form.is_valid():
        try:
            idp = update_identity_provider(
                idp_id=idp.pk,
                by=request.user,
                clear_secret=form.cleaned_data.get("wis_geheim", False),
                **form.service_kwargs(),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Identity provider %s is opgeslagen.") % idp.naam)
            return redirect("identiteit:bewerken", naam=domein.naam, logische_id=idp.logische_id)
    return render(
        request,
        "identiteit/form.html",
        {"domein": domein, "idp": idp, "form": form, "test": test, "tab": "idps"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def idp_delete(request, naam, logische_id):
    idp = _idp(request, naam, logische_id)
    domein = idp.domein
    instances = instances_using(idp=idp)
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_identity_provider(
                idp_id=idp.pk, by=request.user, confirmed=form.cleaned_data["bevestigd"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Identity provider %s is verwijderd.") % idp.naam)
            return redirect("identiteit:lijst", naam=domein.naam)
    return render(
        request,
        "identiteit/delete.html",
        {"domein": domein, "idp": idp, "instanties": instances, "form": form, "tab": "idps"},
    )


def _domain_instance(request, naam, client_id):
    instances = in_users_domain(instances_for_detail(), user=request.user, naam=naam)
    instance = get_object_or_404(instances, client_id=client_id)
    return instance.domein, instance


ACTIONS = {
    "toevoegen": (add_instance_idp, {}),
    "verwijderen": (remove_instance_idp, {}),
    "omhoog": (move_instance_idp, {"direction": "omhoog"}),
    "omlaag": (move_instance_idp, {"direction": "omlaag"}),
}


@login_required
@require_http_methods(["GET", "POST"])
def instance_idps(request, naam, client_id):
    """The domeinbeheerder's page of an instance's IdP lists: add, remove, move, with a reason."""
    domein, instance = _domain_instance(request, naam, client_id)
    form = InstanceIdpForm(request.POST if request.method == "POST" else None, domein=domein)
    if request.method == "POST" and form.is_valid():
        service, extra = ACTIONS[form.cleaned_data["actie"]]
        try:
            service(
                instance_id=instance.pk,
                gebruikerstype=form.cleaned_data["gebruikerstype"],
                idp_id=form.cleaned_data["identity_provider"].pk,
                reason=form.cleaned_data["reden"],
                by=request.user,
                **extra,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("De identity providers van de instantie zijn gewijzigd."))
            return redirect("identiteit:instantie", naam=domein.naam, client_id=instance.client_id)
    return render(
        request,
        "identiteit/instance.html",
        {
            "domein": domein,
            "instantie": instance,
            "lijsten": idp_lists(instance=instance),
            "domein_idps": list(idps_for_domain(domein=domein)),
            "form": form,
            "bewerken": not instance.is_closed,
            "tab": "instanties",
        },
    )


@login_required
def application_instance_idps(request, pk, client_id):
    """Read-only for applicatiebeheerders: which IdPs their instance may use per user type."""
    applicatie = get_object_or_404(applications_for_user(user=request.user), pk=pk)
    instance = get_object_or_404(
        applicatie.instanties.select_related("domein"), client_id=client_id
    )
    return render(
        request,
        "identiteit/application_instance.html",
        {
            "applicatie": applicatie,
            "instantie": instance,
            "lijsten": idp_lists(instance=instance),
            "tab": "instanties",
        },
    )
