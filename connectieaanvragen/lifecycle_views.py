"""Screens for the rest of a connection's life (issue 18).

Application side: one request's page (status, keys, history, decision; Intrekken), one
instance's page (key check, change requests, Wijziging aanvragen; Intrekken of an open change).
Domain side: the domain's change requests and the review page of one (old and new values side
by side, key check, Accepteren / Weigeren).

Every object is looked up through a selector limited to the user's own applications or
domains: anything else is a 404. Every change goes through a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beheer.errors import ServiceError
from beheer.paging import paginate
from connectieaanvragen.change_services import (
    accept_change,
    file_change,
    refuse_change,
    withdraw_change,
)
from connectieaanvragen.forms import AcceptChangeForm, ChangeForm, RefuseChangeForm, WithdrawForm
from connectieaanvragen.selectors import (
    application_change,
    application_instance,
    application_request,
    change_decision_conflict,
    change_history,
    change_key_check_ok,
    changes_for_domain,
    changes_for_instance,
    changes_for_review,
    changes_in_users_domain,
    request_history,
)
from connectieaanvragen.services import withdraw_request
from domeinen.selectors import domains_for_user, instance_history

# Which form field shows a service's refusal (the same codes as filing a request).
CHANGE_ERROR_FIELDS = {
    "jwks_uri_required": "jwks_uri",
    "jwks_uri_invalid": "jwks_uri",
    "jwks_uri_not_https": "jwks_uri",
    "jwks_invalid": "jwks_uri",
    "redirect_uri_invalid": "redirect_uris",
    "redirect_uri_not_https": "redirect_uris",
    "remarks_too_long": "toelichting",
}


# --- application side -----------------------------------------------------------------------


def _own_request(request, pk, aanvraag_pk):
    aanvraag = application_request(user=request.user, applicatie_id=pk, pk=aanvraag_pk)
    if aanvraag is None:
        raise Http404
    return aanvraag


def _render_request(request, aanvraag, *, withdraw_form=None, status=200):
    return render(
        request,
        "connectieaanvragen/application_request.html",
        {
            "applicatie": aanvraag.applicatie,
            "aanvraag": aanvraag,
            "historie": request_history(aanvraag=aanvraag),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "tab": "aanvragen",
        },
        status=status,
    )


@login_required
def application_request_page(request, pk, aanvraag_pk):
    return _render_request(request, _own_request(request, pk, aanvraag_pk))


@login_required
@require_POST
def withdraw_request_view(request, pk, aanvraag_pk):
    aanvraag = _own_request(request, pk, aanvraag_pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_request(request, aanvraag, withdraw_form=form)
    try:
        withdraw_request(request_id=aanvraag.pk, by=request.user, reason=form.cleaned_data["reden"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Uw connectieaanvraag voor domein %s is ingetrokken; u kunt een nieuwe indienen.")
            % aanvraag.domein,
        )
    return redirect("connectieaanvragen:applicatie_aanvraag", pk=pk, aanvraag_pk=aanvraag.pk)


def _own_instance(request, pk, client_id):
    instance = application_instance(user=request.user, applicatie_id=pk, client_id=client_id)
    if instance is None:
        raise Http404
    return instance


def _render_instance(request, instance, *, change_form=None, status=200):
    changes = list(changes_for_instance(instance=instance))
    return render(
        request,
        "connectieaanvragen/application_instance.html",
        {
            "applicatie": instance.applicatie,
            "instantie": instance,
            "historie": instance_history(instance=instance),
            "wijzigingen": changes,
            "open_wijziging": next((c for c in changes if c.is_open), None),
            "change_form": change_form or ChangeForm.for_instance(instance),
            "withdraw_form": WithdrawForm(),
            "tab": "instanties",
        },
        status=status,
    )


@login_required
def application_instance_page(request, pk, client_id):
    return _render_instance(request, _own_instance(request, pk, client_id))


@login_required
@require_POST
def request_change_view(request, pk, client_id):
    instance = _own_instance(request, pk, client_id)
    form = ChangeForm.for_instance(instance, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # Fetches the new JWKS URI first, outside any transaction.
            file_change(
                instance_id=instance.pk,
                by=request.user,
                jwks_uri=data["jwks_uri"],
                redirect_uris=data["redirect_uris"],
                toelichting=data["toelichting"],
            )
        except ServiceError as exc:
            form.add_error(CHANGE_ERROR_FIELDS.get(exc.code), exc.message)
        else:
            messages.success(
                request,
                _("Uw wijzigingsverzoek is ingediend. De domeinbeheerders van %s beoordelen het.")
                % instance.domein,
            )
            return redirect(
                "connectieaanvragen:applicatie_instantie", pk=pk, client_id=instance.client_id
            )
    return _render_instance(request, instance, change_form=form)


@login_required
@require_POST
def withdraw_change_view(request, pk, wijziging_pk):
    verzoek = application_change(user=request.user, applicatie_id=pk, pk=wijziging_pk)
    if verzoek is None:
        raise Http404
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reden"] if form.is_valid() else ""
    try:
        withdraw_change(change_id=verzoek.pk, by=request.user, reason=reason)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Het wijzigingsverzoek is ingetrokken."))
    return redirect(
        "connectieaanvragen:applicatie_instantie", pk=pk, client_id=verzoek.instantie.client_id
    )


# --- domain side ----------------------------------------------------------------------------


@login_required
def domain_changes(request, naam):
    domein = get_object_or_404(domains_for_user(user=request.user), naam=naam)
    page = paginate(request, changes_for_domain(domein=domein))
    return render(
        request,
        "connectieaanvragen/domain_changes.html",
        {"domein": domein, "page": page, "tab": "wijzigingen"},
    )


def _domain_change(request, naam, pk):
    verzoek = get_object_or_404(
        changes_in_users_domain(changes_for_review(), user=request.user, naam=naam), pk=pk
    )
    return verzoek.instantie.domein, verzoek


def _render_review(request, domein, verzoek, *, refuse_form=None, accept_form=None, status=200):
    keys_ok = change_key_check_ok(verzoek)
    return render(
        request,
        "connectieaanvragen/change_review.html",
        {
            "domein": domein,
            "verzoek": verzoek,
            "instantie": verzoek.instantie,
            "historie": change_history(verzoek=verzoek),
            "refuse_form": refuse_form or RefuseChangeForm(),
            "accept_form": accept_form or AcceptChangeForm(prefix="accepteren", keys_ok=keys_ok),
            # Separation of duties: why this user may not decide, or "" (as for requests).
            "besluit_blokkade": (
                change_decision_conflict(user=request.user, verzoek=verzoek)
                if verzoek.is_open
                else ""
            ),
            "sleutels_in_orde": keys_ok,
        },
        status=status,
    )


@login_required
def review_change(request, naam, pk):
    domein, verzoek = _domain_change(request, naam, pk)
    return _render_review(request, domein, verzoek)


@login_required
@require_POST
def accept_change_view(request, naam, pk):
    domein, verzoek = _domain_change(request, naam, pk)
    form = AcceptChangeForm(request.POST, prefix="accepteren", keys_ok=change_key_check_ok(verzoek))
    if verzoek.is_open and not form.is_valid():
        return _render_review(request, domein, verzoek, accept_form=form)
    try:
        accept_change(
            change_id=verzoek.pk,
            by=request.user,
            key_check_reason=form.key_check_reason() if form.is_valid() else "",
        )
    except ServiceError as exc:
        if exc.code in ("key_check_not_ok", "reason_too_long"):
            form.add_error("sleutels_reden", exc.message)
            return _render_review(request, domein, verzoek, accept_form=form)
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Het wijzigingsverzoek van %(app)s is geaccepteerd; client-Id %(client_id)s blijft.")
            % {"app": verzoek.instantie.applicatie, "client_id": verzoek.instantie.client_id},
        )
    return redirect("connectieaanvragen:wijziging_beoordelen", naam=domein.naam, pk=verzoek.pk)


@login_required
@require_POST
def refuse_change_view(request, naam, pk):
    domein, verzoek = _domain_change(request, naam, pk)
    form = RefuseChangeForm(request.POST)
    if form.is_valid():
        try:
            refuse_change(change_id=verzoek.pk, reason=form.cleaned_data["reden"], by=request.user)
        except ServiceError as exc:
            if exc.code.startswith("reason"):
                form.add_error("reden", exc.message)
            else:
                messages.error(request, exc.message)
                return redirect(
                    "connectieaanvragen:wijziging_beoordelen", naam=domein.naam, pk=verzoek.pk
                )
        else:
            messages.success(
                request,
                _("Het wijzigingsverzoek van %s is geweigerd.") % verzoek.instantie.applicatie,
            )
            return redirect(
                "connectieaanvragen:wijziging_beoordelen", naam=domein.naam, pk=verzoek.pk
            )
    return _render_review(request, domein, verzoek, refuse_form=form)
