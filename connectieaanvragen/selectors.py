"""Reads about connection requests, always scoped to what a user may see."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag


def _open_first(qs: QuerySet[Connectieaanvraag]) -> QuerySet[Connectieaanvraag]:
    return qs.annotate(
        _open=Case(
            When(status=AanvraagStatus.AANGEVRAAGD, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("_open", "-aangevraagd_op", "-id")


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
    return qs.filter(Q(domein__beheerders=user) | Q(applicatie__beheerders=user)).distinct()


def open_request_exists(*, applicatie_id: int, domein_id: int) -> bool:
    return Connectieaanvraag.objects.filter(
        applicatie_id=applicatie_id, domein_id=domein_id, status=AanvraagStatus.AANGEVRAAGD
    ).exists()
