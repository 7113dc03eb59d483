from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from applicaties.selectors import applications_for_user
from domeinen.selectors import domains_with_counts_for_user


@login_required
def start(request):
    """The start screen: what this user administers (domains, applications, or both)."""
    user = request.user
    limit = 50  # support sees everything; the full, paginated lists are one click away
    domeinen = list(domains_with_counts_for_user(user=user).order_by("naam")[: limit + 1])
    applicaties = list(applications_for_user(user=user).order_by("naam")[: limit + 1])
    context = {
        "domeinen": domeinen[:limit],
        "meer_domeinen": len(domeinen) > limit,
        "applicaties": applicaties[:limit],
        "meer_applicaties": len(applicaties) > limit,
    }
    return render(request, "start.html", context)
