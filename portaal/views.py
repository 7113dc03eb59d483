from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from applicaties.selectors import applications_for_user
from beheer.paging import paginate
from connectieaanvragen.models import AanvraagStatus
from connectieaanvragen.selectors import (
    open_changes_for_user,
    open_requests_for_user,
    request_counts_for_applications,
)
from domeinen.models import InstantieStatus
from domeinen.selectors import domains_with_counts_for_user, instance_counts_for_applications


def _per_status(choices, counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in choices]


@login_required
def start(request):
    """The start screen: what this user administers (domains, applications, or both), with
    counts that link to the filtered lists."""
    user = request.user
    limit = 50  # support sees everything; the full, paginated lists are one click away
    domeinen = list(domains_with_counts_for_user(user=user).order_by("naam")[: limit + 1])
    applicaties = list(applications_for_user(user=user).order_by("naam")[: limit + 1])
    applicaties, meer_applicaties = applicaties[:limit], len(applicaties) > limit
    if applicaties:
        request_counts = request_counts_for_applications(applicaties=applicaties)
        instance_counts = instance_counts_for_applications(applicaties=applicaties)
        for applicatie in applicaties:
            applicatie.aanvragen_per_status = _per_status(
                AanvraagStatus.choices, request_counts.get(applicatie.pk, {})
            )
            applicatie.instanties_per_status = _per_status(
                InstantieStatus.choices, instance_counts.get(applicatie.pk, {})
            )
    if len(domeinen) > limit:
        te_beoordelen = open_requests_for_user(user=user).count()
    else:
        te_beoordelen = sum(domein.aantal_open_aanvragen for domein in domeinen)
    context = {
        "domeinen": domeinen[:limit],
        "meer_domeinen": len(domeinen) > limit,
        "applicaties": applicaties,
        "meer_applicaties": meer_applicaties,
        "te_beoordelen": te_beoordelen,
    }
    return render(request, "start.html", context)


@login_required
def te_beoordelen(request):
    """Te beoordelen: everything that waits for this person's decision across their domains,
    oldest first.

    One section per kind of open item: a kind is added by one selector here (its queryset, in
    the context) and one block in templates/portaal/te_beoordelen.html."""
    context = {
        "aanvragen": paginate(request, open_requests_for_user(user=request.user)),
        # Change requests are few at a time (at most one open per instance): one list.
        "wijzigingen": open_changes_for_user(user=request.user)[:200],
    }
    return render(request, "portaal/te_beoordelen.html", context)
