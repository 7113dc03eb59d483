"""Reads about connection requests, always scoped to what a user may see."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from applicaties.models import Applicatie
from beheer.query_util import own_columns_and
from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag, open_first
from domeinen.selectors import DOMAIN_COLUMNS, of_users_domains_or_applications

# The columns the request lists show (jinja2/connectieaanvragen/domain_requests.html and
# application_requests.html); nothing else is loaded. A list that starts showing another field
# must add it here, or it loads per row: tests/test_query_counts.py fails on that.
_LIST_FIELDS = ("status", "aangevraagd_op", "besloten_op")
DOMAIN_LIST_FIELDS = (
    *_LIST_FIELDS,
    "domein_id",
    "applicatie__naam",
    "aangevraagd_door__username",
    "aangevraagd_door__full_name",
)
APPLICATION_LIST_FIELDS = (
    *_LIST_FIELDS,
    "applicatie_id",
    "besluit_reden",
    "domein__naam",
    "instantie__client_id",
    "instantie__rol__naam",
)


# The review page (jinja2/connectieaanvragen/review.html) and its accept/refuse/recheck views:
# every column of the request and of its domain; of the application, the people and the
# instance only what the page shows (no password hashes, no application contact data). A
# template that starts showing another related field must add it here;
# tests/test_query_counts.py lists the tables it reads.
REVIEW_RELATED_FIELDS = (
    *DOMAIN_COLUMNS,
    "applicatie__naam",
    "applicatie__leverancier",
    "applicatie__soort",
    "aangevraagd_door__username",
    "aangevraagd_door__full_name",
    "besloten_door__username",
    "besloten_door__full_name",
    "instantie__client_id",
    "instantie__rol_id",
    "instantie__rol__naam",
)


def requests_for_review() -> QuerySet[Connectieaanvraag]:
    """Requests as the review page loads one, with its domain (`in_users_domain`, then filter
    on pk)."""
    return own_columns_and(Connectieaanvraag.objects.all(), *REVIEW_RELATED_FIELDS)


def request_history(*, aanvraag: Connectieaanvraag):
    """A request's status changes, newest first, with who: only the columns the history table
    shows, not the whole user row with its password hash."""
    return aanvraag.historie.select_related("door").only(
        "op",
        "van_status",
        "naar_status",
        "reden",
        "aanvraag_id",
        "door__username",
        "door__full_name",
    )


def _open_first(qs: QuerySet[Connectieaanvraag]) -> QuerySet[Connectieaanvraag]:
    # The expression of the aanvraag_*_open_first_idx indexes: no sort of the whole domain.
    return qs.annotate(_open=open_first()).order_by("_open", "-aangevraagd_op", "-id")


def requests_for_domain(*, domein, status: str | None = None) -> QuerySet[Connectieaanvraag]:
    """A domain's requests: open ones first, then decided ones, newest first. Joined: only
    what the list shows (application name, requester); every extra join cost planning time."""
    qs = (
        Connectieaanvraag.objects.filter(domein=domein)
        .select_related("applicatie", "aangevraagd_door")
        .only(*DOMAIN_LIST_FIELDS)
    )
    if status:
        qs = qs.filter(status=status)
    return _open_first(qs)


def requests_for_application(
    *, applicatie, status: str | None = None
) -> QuerySet[Connectieaanvraag]:
    """An application's requests, open first: joined only what the list shows (domain name,
    the instance's client_id and role)."""
    qs = (
        Connectieaanvraag.objects.filter(applicatie=applicatie)
        .select_related("domein", "instantie__rol")
        .only(*APPLICATION_LIST_FIELDS)
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
