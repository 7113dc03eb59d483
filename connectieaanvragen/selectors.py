"""Reads about connection requests, always scoped to what a user may see."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
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
from domeinen.models import Applicatieinstantie
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
