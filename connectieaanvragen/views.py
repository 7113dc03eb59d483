"""Screens around connection requests.

Domain side: a domain's requests (open first), the review page with the JWKS check, and the
Accepteren / Weigeren / Sleutels opnieuw controleren actions. Application side: the
application's requests and the Nieuwe connectieaanvraag form.

The JWKS URI is fetched (network I/O) before a service is called, never inside a transaction.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applicaties.selectors import applications_for_user
from beheer.errors import ServiceError
from beheer.paging import paginate
from connectieaanvragen.forms import AcceptForm, NewRequestForm, RefuseForm
from connectieaanvragen.jwks import fetch_and_check
from connectieaanvragen.selectors import (
    decision_conflict,
    last_key_check_ok,
    request_history,
    requests_for_application,
    requests_for_domain,
    requests_for_review,
)
from connectieaanvragen.services import (
    accept_request,
    file_request,
    record_jwks_check,
    refuse_request,
)
from domeinen.selectors import domains_for_user, in_users_domain


def _domain_request(request, naam, pk):
    """The request and its domain in one statement, if the user administers that domain."""
    aanvraag = get_object_or_404(
        in_users_domain(requests_for_review(), user=request.user, naam=naam), pk=pk
    )
    return aanvraag.domein, aanvraag


@login_required
def domain_requests(request, naam):
    domein = get_object_or_404(domains_for_user(user=request.user), naam=naam)
    page = paginate(request, requests_for_domain(domein=domein))
    return render(
        request,
        "connectieaanvragen/domain_requests.html",
        {"domein": domein, "page": page, "tab": "aanvragen"},
    )


def _render_review(request, domein, aanvraag, *, refuse_form=None, accept_form=None, status=200):
    keys_ok = last_key_check_ok(aanvraag)
    return render(
        request,
        "connectieaanvragen/review.html",
        {
            "domein": domein,
            "aanvraag": aanvraag,
            "refuse_form": refuse_form or RefuseForm(),
            "accept_form": accept_form or AcceptForm(prefix="accepteren", keys_ok=keys_ok),
            "historie": request_history(aanvraag=aanvraag),
            "tab": "aanvragen",
            # Separation of duties: why this user may not decide (then the page shows this
            # instead of the Accepteren/Weigeren forms), or "".
            "besluit_blokkade": (
                decision_conflict(user=request.user, aanvraag=aanvraag) if aanvraag.is_open else ""
            ),
            # False: Accepteren needs the confirmation and its reason (accept_form shows them).
            "sleutels_in_orde": keys_ok,
        },
        status=status,
    )


@login_required
def review(request, naam, pk):
    domein, aanvraag = _domain_request(request, naam, pk)
    return _render_review(request, domein, aanvraag)


@login_required
@require_POST
def accept(request, naam, pk):
    domein, aanvraag = _domain_request(request, naam, pk)
    form = AcceptForm(request.POST, prefix="accepteren", keys_ok=last_key_check_ok(aanvraag))
    if not form.is_valid():
        return _render_review(request, domein, aanvraag, accept_form=form)
    rol = form.cleaned_data["rol"]
    try:
        aanvraag = accept_request(
            request_id=aanvraag.pk,
            by=request.user,
            rol_id=rol.pk if rol else None,
            key_check_reason=form.key_check_reason(),
        )
    except ServiceError as exc:
        field = {"key_check_not_ok": "sleutels_reden", "reason_too_long": "sleutels_reden"}.get(
            exc.code, "rol" if exc.code.startswith("role") else None
        )
        if field:
            form.add_error(field, exc.message)
            return _render_review(request, domein, aanvraag, accept_form=form)
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "De connectieaanvraag van %(app)s is geaccepteerd; client-Id: %(client_id)s, "
                "rol: %(rol)s."
            )
            % {
                "app": aanvraag.applicatie,
                "client_id": aanvraag.instantie.client_id,
                "rol": aanvraag.instantie.rol,
            },
        )
    return redirect("connectieaanvragen:beoordelen", naam=domein.naam, pk=aanvraag.pk)


@login_required
@require_POST
def refuse(request, naam, pk):
    domein, aanvraag = _domain_request(request, naam, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            refuse_request(
                request_id=aanvraag.pk, reason=form.cleaned_data["reden"], by=request.user
            )
        except ServiceError as exc:
            form.add_error("reden" if exc.code.startswith("reason") else None, exc.message)
        else:
            messages.success(
                request, _("De connectieaanvraag van %s is geweigerd.") % aanvraag.applicatie
            )
            return redirect("connectieaanvragen:beoordelen", naam=domein.naam, pk=aanvraag.pk)
    return _render_review(request, domein, aanvraag, refuse_form=form)


@login_required
@require_POST
def recheck_keys(request, naam, pk):
    domein, aanvraag = _domain_request(request, naam, pk)
    result = fetch_and_check(aanvraag.jwks_uri)  # outside any transaction
    try:
        record_jwks_check(request_id=aanvraag.pk, by=request.user, result=result)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if result.ok:
            messages.success(
                request,
                _("De sleutels zijn opnieuw gecontroleerd: %d geldige sleutel(s) gevonden.")
                % len(result.keys),
            )
        else:
            messages.error(request, _("De sleutels zijn opnieuw gecontroleerd: %s") % result.error)
    return redirect("connectieaanvragen:beoordelen", naam=domein.naam, pk=aanvraag.pk)


@login_required
def application_requests(request, pk):
    applicatie = get_object_or_404(applications_for_user(user=request.user), pk=pk)
    page = paginate(request, requests_for_application(applicatie=applicatie))
    return render(
        request,
        "connectieaanvragen/application_requests.html",
        {"applicatie": applicatie, "page": page, "tab": "aanvragen"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request, pk):
    applicatie = get_object_or_404(applications_for_user(user=request.user), pk=pk)
    form = NewRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The service checks the keys first (outside any transaction) and stores the
            # request with the check result; a bad JWK Set is not filed.
            aanvraag = file_request(
                applicatie_id=applicatie.pk,
                domein_id=data["domein"].pk,
                jwks_uri=data["jwks_uri"],
                redirect_uris=data["redirect_uris"],
                toelichting=data["toelichting"],
                by=request.user,
            )
        except ServiceError as exc:
            field = {
                "jwks_uri_required": "jwks_uri",
                "jwks_uri_invalid": "jwks_uri",
                "jwks_uri_not_https": "jwks_uri",
                "jwks_invalid": "jwks_uri",
                "redirect_uri_invalid": "redirect_uris",
                "redirect_uri_not_https": "redirect_uris",
                "remarks_too_long": "toelichting",
                "domain_not_found": "domein",
            }.get(exc.code)
            form.add_error(field, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Uw connectieaanvraag voor domein %s is ingediend. De domeinbeheerders "
                    "beoordelen haar."
                )
                % aanvraag.domein,
            )
            return redirect("connectieaanvragen:applicatie_aanvragen", pk=applicatie.pk)
    return render(
        request,
        "connectieaanvragen/new.html",
        {"applicatie": applicatie, "form": form, "tab": "nieuw"},
    )
