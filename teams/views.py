"""The tab "Beheerders" of a domain and of an application: list, invite, remove, extend.

The domain or application is looked up through the selector that limits it to the user's own
(support: all), so another team's page, or a POST to it, is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applicaties.selectors import applications_for_user
from beheer.accounts.services import extend_validity
from beheer.errors import ServiceError
from domeinen.selectors import domains_for_user
from teams import services
from teams.forms import InviteForm
from teams.selectors import extendable_ids, team_members


def _domain(request, naam):
    return get_object_or_404(domains_for_user(user=request.user), naam=naam)


def _application(request, pk):
    return get_object_or_404(applications_for_user(user=request.user), pk=pk)


def _team_page(request, *, obj, kind, invite, back):
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = invite(
                by=request.user,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                confirm_existing=form.cleaned_data["confirm_existing"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            if exc.code == "confirm_existing":
                form.ask_confirmation()
        else:
            if result.created:
                text = _("Er is een account gemaakt voor %(naam)s; de uitnodiging is gemaild.")
            else:
                text = _("%(naam)s is toegevoegd als beheerder.")
            messages.success(request, text % {"naam": result.user})
            return back()
    members = team_members(team_obj=obj)
    template = "teams/domein.html" if kind == "domein" else "teams/applicatie.html"
    context = {
        kind: obj,
        "beheerders": members,
        "verlengbaar": extendable_ids(members=members, by=request.user),
        "form": form,
        "tab": "beheerders",
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def domain_team(request, naam):
    domein = _domain(request, naam)
    return _team_page(
        request,
        obj=domein,
        kind="domein",
        invite=lambda **kw: services.invite_domain_beheerder(domein_id=domein.pk, **kw),
        back=lambda: redirect("teams:domein", naam=domein.naam),
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_team(request, pk):
    applicatie = _application(request, pk)
    return _team_page(
        request,
        obj=applicatie,
        kind="applicatie",
        invite=lambda **kw: services.invite_application_beheerder(
            applicatie_id=applicatie.pk, **kw
        ),
        back=lambda: redirect("teams:applicatie", pk=applicatie.pk),
    )


def _member_or_404(obj, user_id):
    return get_object_or_404(obj.beheerders.all(), pk=user_id)


def _run(request, action, success):
    try:
        result = action()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result))


def _removed_message(result):
    if result.deactivated:
        return _(
            "%(naam)s is verwijderd als beheerder; het account is gedeactiveerd omdat het "
            "niets meer beheert."
        ) % {"naam": result.user}
    return _("%(naam)s is verwijderd als beheerder.") % {"naam": result.user}


def _extended_message(user):
    return _("Het account van %(naam)s is verlengd tot en met %(datum)s.") % {
        "naam": user,
        "datum": date_format(user.geldig_tot, "j F Y"),
    }


@login_required
@require_POST
def domain_team_remove(request, naam, user_id):
    domein = _domain(request, naam)
    user = _member_or_404(domein, user_id)
    _run(
        request,
        lambda: services.remove_domain_beheerder(
            domein_id=domein.pk, user_id=user.pk, by=request.user
        ),
        _removed_message,
    )
    if (
        user.pk == request.user.pk
        and not domains_for_user(user=request.user).filter(pk=domein.pk).exists()
    ):
        return redirect("start")
    return redirect("teams:domein", naam=domein.naam)


@login_required
@require_POST
def application_team_remove(request, pk, user_id):
    applicatie = _application(request, pk)
    user = _member_or_404(applicatie, user_id)
    _run(
        request,
        lambda: services.remove_application_beheerder(
            applicatie_id=applicatie.pk, user_id=user.pk, by=request.user
        ),
        _removed_message,
    )
    if (
        user.pk == request.user.pk
        and not applications_for_user(user=request.user).filter(pk=applicatie.pk).exists()
    ):
        return redirect("start")
    return redirect("teams:applicatie", pk=applicatie.pk)


@login_required
@require_POST
def domain_team_extend(request, naam, user_id):
    domein = _domain(request, naam)
    user = _member_or_404(domein, user_id)
    _run(request, lambda: extend_validity(user_id=user.pk, by=request.user), _extended_message)
    return redirect("teams:domein", naam=domein.naam)


@login_required
@require_POST
def application_team_extend(request, pk, user_id):
    applicatie = _application(request, pk)
    user = _member_or_404(applicatie, user_id)
    _run(request, lambda: extend_validity(user_id=user.pk, by=request.user), _extended_message)
    return redirect("teams:applicatie", pk=applicatie.pk)
