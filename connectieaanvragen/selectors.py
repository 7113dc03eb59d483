"""Reads about connection requests, always scoped to what a user may see."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applicaties.models import Applicatie
from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag, open_first
from domeinen.selectors import of_users_domains_or_applications


def requests_for_review() -> QuerySet[Connectieaanvraag]:
    """Requests as the review page loads one, with its domain (`in_users_domain`, then filter
    on pk), with the application, the people and the instance the page shows."""
    return Connectieaanvraag.objects.select_related(
        "domein", "applicatie", "aangevraagd_door", "besloten_door", "instantie__rol"
    )


def request_history(*, aanvraag: Connectieaanvraag):
    """A request's status changes, newest first, with who."""
    return aanvraag.historie.select_related("door")


def _open_first(qs: QuerySet[Connectieaanvraag]) -> QuerySet[Connectieaanvraag]:
    # The expression of the aanvraag_*_open_first_idx indexes: no sort of the whole domain.
    return qs.annotate(_open=open_first()).order_by("_open", "-aangevraagd_op", "-id")


def requests_for_domain(*, domein, status: str | None = None) -> QuerySet[Connectieaanvraag]:
    """A domain's requests: open ones first, then decided ones, newest first. Joined: only
    what the list shows (application name, requester)."""
    qs = Connectieaanvraag.objects.filter(domein=domein).select_related(
        "applicatie", "aangevraagd_door"
    )
    if status:
        qs = qs.filter(status=status)
    return _open_first(qs)


def requests_for_application(
    *, applicatie, status: str | None = None
) -> QuerySet[Connectieaanvraag]:
    """An application's requests, open first: joined only what the list shows (domain name,
    the instance's client_id and role)."""
    qs = Connectieaanvraag.objects.filter(applicatie=applicatie).select_related(
        "domein", "instantie__rol"
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


def decision_conflict(*, user, aanvraag: Connectieaanvraag) -> str:
    """Why `user` may not decide `aanvraag` (separation of duties), or "" when they may.

    Nobody decides a request they filed, nor one for an application they administer: a fellow
    domeinbeheerder of the domain, or support, decides instead. Membership is read from the
    application's beheerders (support's reach over every application does not count here).
    """
    if aanvraag.aangevraagd_door_id is not None and aanvraag.aangevraagd_door_id == user.pk:
        return _(
            "U hebt deze connectieaanvraag zelf ingediend, dus beslist een ander erover: "
            "vraag een andere domeinbeheerder van dit domein of support."
        )
    if Applicatie.beheerders.through.objects.filter(
        applicatie_id=aanvraag.applicatie_id, user_id=user.pk
    ).exists():
        return _(
            "U beheert de applicatie van deze connectieaanvraag, dus beslist een ander erover: "
            "vraag een andere domeinbeheerder van dit domein of support."
        )
    return ""


def last_key_check_ok(aanvraag: Connectieaanvraag) -> bool:
    """True when the last JWKS check of this request found its keys in orde, for its URI."""
    result = aanvraag.jwks_resultaat or {}
    return (
        bool(aanvraag.jwks_gecontroleerd_op and result.get("ok") is True)
        and result.get("uri") == aanvraag.jwks_uri
    )
