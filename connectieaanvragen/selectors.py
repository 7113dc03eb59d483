"""Reads about connection requests, always scoped to what a user may see."""

from django.db.models import QuerySet

from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag, open_first
from domeinen.selectors import of_users_domains_or_applications


def _open_first(qs: QuerySet[Connectieaanvraag]) -> QuerySet[Connectieaanvraag]:
    # The expression of the aanvraag_*_open_first_idx indexes: no sort of the whole domain.
    return qs.annotate(_open=open_first()).order_by("_open", "-aangevraagd_op", "-id")


def requests_for_domain(*, domein, status: str | None = None) -> QuerySet[Connectieaanvraag]:
    """A domain's requests: open ones first, then decided ones, newest first."""
    qs = Connectieaanvraag.objects.filter(domein=domein).select_related(
        "applicatie", "aangevraagd_door", "besloten_door", "instantie"
    )
    if status:
        qs = qs.filter(status=status)
    return _open_first(qs)


def requests_for_application(
    *, applicatie, status: str | None = None
) -> QuerySet[Connectieaanvraag]:
    qs = Connectieaanvraag.objects.filter(applicatie=applicatie).select_related(
        "domein", "aangevraagd_door", "besloten_door", "instantie__rol"
    )
    if status:
        qs = qs.filter(status=status)
    return _open_first(qs)


def requests_visible_to_user(*, user) -> QuerySet[Connectieaanvraag]:
    if not user.is_authenticated:
        return Connectieaanvraag.objects.none()
    qs = Connectieaanvraag.objects.select_related("applicatie", "domein", "instantie")
    if user.is_support:
        return qs
    # Id subqueries, no DISTINCT: see domeinen.selectors.instances_visible_to_user.
    return qs.filter(of_users_domains_or_applications(user))


def open_request_exists(*, applicatie_id: int, domein_id: int) -> bool:
    return Connectieaanvraag.objects.filter(
        applicatie_id=applicatie_id, domein_id=domein_id, status=AanvraagStatus.AANGEVRAAGD
    ).exists()
