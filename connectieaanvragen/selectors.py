"""Reads about connection requests, always scoped to what a user may see."""

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from applicaties.models import Applicatie
from applicaties.selectors import applications_for_user
from connectieaanvragen.models import (
    AanvraagStatus,
    Connectieaanvraag,
    WijzigingStatus,
    Wijzigingsverzoek,
    open_first,
)
from domeinen.models import Applicatieinstantie, Domein
from domeinen.selectors import domains_for_user, of_users_domains_or_applications


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


# The sortable columns of the request lists: ?sort=<key> or ?sort=-<key>; anything else keeps
# the default order (open first, newest first).
REQUEST_SORTS = {
    "aangevraagd_op": ("aangevraagd_op", "id"),
    "besloten_op": ("besloten_op", "id"),
    "status": ("status", "-aangevraagd_op", "id"),
    "applicatie": ("applicatie__naam", "-aangevraagd_op", "id"),
    "domein": ("domein__naam", "-aangevraagd_op", "id"),
}


def _ordered(qs: QuerySet[Connectieaanvraag], sort: str | None) -> QuerySet[Connectieaanvraag]:
    key = (sort or "").removeprefix("-")
    if key not in REQUEST_SORTS:
        return _open_first(qs)
    first, *rest = REQUEST_SORTS[key]
    # The chosen column flips; empty values (not yet decided) always last, on both databases.
    column = (
        F(first).desc(nulls_last=True) if sort.startswith("-") else F(first).asc(nulls_last=True)
    )
    return qs.order_by(column, *rest)


def _filtered(qs, *, status=None, since=None, until=None):
    if status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(aangevraagd_op__date__gte=since)
    if until:
        qs = qs.filter(aangevraagd_op__date__lte=until)
    return qs


def requests_for_domain(
    *,
    domein,
    status: str | None = None,
    search: str | None = None,
    since=None,
    until=None,
    sort: str | None = None,
) -> QuerySet[Connectieaanvraag]:
    """A domain's requests: by default open ones first, then decided ones, newest first;
    filtered on status, period (date of filing) and application name or vendor. Joined: only
    what the list shows (application name, requester)."""
    qs = Connectieaanvraag.objects.filter(domein=domein).select_related(
        "applicatie", "aangevraagd_door"
    )
    qs = _filtered(qs, status=status, since=since, until=until)
    if search:
        term = search.strip()
        qs = qs.filter(
            applicatie_id__in=Applicatie.objects.filter(
                Q(naam__icontains=term) | Q(leverancier__icontains=term)
            ).values("pk")
        )
    return _ordered(qs, sort)


def requests_for_application(
    *,
    applicatie,
    status: str | None = None,
    search: str | None = None,
    since=None,
    until=None,
    sort: str | None = None,
    pk: int | None = None,
) -> QuerySet[Connectieaanvraag]:
    """An application's requests, by default open first; filtered on status, period, domain
    name (search) or one request (`pk`, the link in a mail): joined only what the list shows
    (domain name, the instance's client_id and role)."""
    qs = Connectieaanvraag.objects.filter(applicatie=applicatie).select_related(
        "domein", "instantie__rol"
    )
    qs = _filtered(qs, status=status, since=since, until=until)
    if search:
        qs = qs.filter(
            domein_id__in=Domein.objects.filter(
                Q(naam__icontains=search.strip()) | Q(zorgaanbieder__icontains=search.strip())
            ).values("pk")
        )
    if pk:
        qs = qs.filter(pk=pk)
    return _ordered(qs, sort)


def open_requests_for_user(*, user) -> QuerySet[Connectieaanvraag]:
    """Every open request across the domains this user administers, oldest first: what waits
    for their decision (the "Te beoordelen" page)."""
    return (
        Connectieaanvraag.objects.filter(
            status=AanvraagStatus.AANGEVRAAGD, domein__in=domains_for_user(user=user)
        )
        .select_related("applicatie", "domein", "aangevraagd_door")
        .order_by("aangevraagd_op", "id")
    )


def open_changes_for_user(*, user) -> QuerySet[Wijzigingsverzoek]:
    """Every open change request for instances in the domains this user administers, oldest
    first (the "Te beoordelen" page)."""
    return (
        Wijzigingsverzoek.objects.filter(
            status=WijzigingStatus.AANGEVRAAGD, instantie__domein__in=domains_for_user(user=user)
        )
        .select_related("instantie__applicatie", "instantie__domein", "aangevraagd_door")
        .order_by("aangevraagd_op", "id")
    )


def request_counts_for_applications(*, applicaties) -> dict[int, dict[str, int]]:
    """Per application: its requests counted per status (the vendor's start screen), in one
    grouped query whatever the number of applications."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Connectieaanvraag.objects.filter(applicatie__in=applicaties)
        .order_by()
        .values_list("applicatie_id", "status")
        .annotate(n=Count("*"))
    )
    for applicatie_id, status, n in rows:
        counts.setdefault(applicatie_id, {})[status] = n
    return counts


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


# --- the applicatiebeheerder's pages ----------------------------------------------------------


def application_request(*, user, applicatie_id: int, pk: int) -> Connectieaanvraag | None:
    """One request of one of the user's applications (support: any), with what its page
    shows; None when it is not theirs."""
    return (
        Connectieaanvraag.objects.filter(
            applicatie__in=applications_for_user(user=user), applicatie_id=applicatie_id, pk=pk
        )
        .select_related("applicatie", "domein", "aangevraagd_door", "besloten_door", "instantie")
        .first()
    )


def application_instance(*, user, applicatie_id: int, client_id) -> Applicatieinstantie | None:
    """One instance of one of the user's applications, with its domain and role."""
    return (
        Applicatieinstantie.objects.filter(
            applicatie__in=applications_for_user(user=user),
            applicatie_id=applicatie_id,
            client_id=client_id,
        )
        .select_related("applicatie", "domein", "rol")
        .first()
    )


def changes_for_instance(*, instance) -> QuerySet[Wijzigingsverzoek]:
    """An instance's change requests, newest first, with who asked and who decided."""
    return instance.wijzigingsverzoeken.select_related("aangevraagd_door", "besloten_door")


def application_change(*, user, applicatie_id: int, pk: int) -> Wijzigingsverzoek | None:
    return (
        Wijzigingsverzoek.objects.filter(
            instantie__applicatie__in=applications_for_user(user=user),
            instantie__applicatie_id=applicatie_id,
            pk=pk,
        )
        .select_related("instantie")
        .first()
    )


# --- the domeinbeheerder's pages --------------------------------------------------------------


def changes_for_review() -> QuerySet[Wijzigingsverzoek]:
    """Change requests as the review page loads one, with the instance, its domain,
    application and role, and the people."""
    return Wijzigingsverzoek.objects.select_related(
        "instantie__domein",
        "instantie__applicatie",
        "instantie__rol",
        "aangevraagd_door",
        "besloten_door",
    )


def changes_in_users_domain(queryset, *, user, naam: str) -> QuerySet[Wijzigingsverzoek]:
    """Change requests of instances in the domain `naam`, if `user` administers it."""
    return queryset.filter(
        instantie__domein__in=domains_for_user(user=user), instantie__domein__naam=naam
    )


def changes_for_domain(*, domein) -> QuerySet[Wijzigingsverzoek]:
    """A domain's change requests: open ones first, then newest first."""
    open_first_expr = Case(
        When(status=WijzigingStatus.AANGEVRAAGD, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Wijzigingsverzoek.objects.filter(instantie__domein=domein)
        .select_related("instantie__applicatie", "aangevraagd_door")
        .annotate(_open=open_first_expr)
        .order_by("_open", "-aangevraagd_op", "-id")
    )


def change_history(*, verzoek) -> QuerySet:
    return verzoek.historie.select_related("door")


def changes_visible_to_user(*, user) -> QuerySet[Wijzigingsverzoek]:
    """Change requests of instances in the user's domains or of the user's applications."""
    if not user.is_authenticated:
        return Wijzigingsverzoek.objects.none()
    qs = Wijzigingsverzoek.objects.select_related(
        "instantie__applicatie", "instantie__domein", "aangevraagd_door"
    )
    if user.is_support:
        return qs
    return qs.filter(
        instantie__in=Applicatieinstantie.objects.filter(
            of_users_domains_or_applications(user)
        ).values("pk")
    )


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


def change_decision_conflict(*, user, verzoek: Wijzigingsverzoek) -> str:
    """Why `user` may not decide change request `verzoek` (separation of duties, as for
    requests: `decision_conflict`), or "" when they may."""
    if verzoek.aangevraagd_door_id is not None and verzoek.aangevraagd_door_id == user.pk:
        return _(
            "U hebt dit wijzigingsverzoek zelf ingediend, dus beslist een ander erover: "
            "vraag een andere domeinbeheerder van dit domein of support."
        )
    if Applicatie.beheerders.through.objects.filter(
        applicatie_id=verzoek.instantie.applicatie_id, user_id=user.pk
    ).exists():
        return _(
            "U beheert de applicatie van dit wijzigingsverzoek, dus beslist een ander erover: "
            "vraag een andere domeinbeheerder van dit domein of support."
        )
    return ""


def change_key_check_ok(verzoek: Wijzigingsverzoek) -> bool:
    """True when the check stored with the change found the keys of its JWKS URI in orde."""
    result = verzoek.jwks_resultaat or {}
    return (
        bool(verzoek.jwks_gecontroleerd_op and result.get("ok") is True)
        and result.get("uri") == verzoek.jwks_uri
    )
