"""Reads about domains and instances, always scoped to what a user may see."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from domeinen.models import Applicatieinstantie, Domein, InstantieStatus


def domains_for_user(*, user) -> QuerySet[Domein]:
    """The domains this user administers (support: all)."""
    if not user.is_authenticated:
        return Domein.objects.none()
    if user.is_support:
        return Domein.objects.all()
    return Domein.objects.filter(beheerders=user)


def _count_of_related(related_name: str, **filters) -> Coalesce:
    """A correlated COUNT over one reverse relation of Domein, answered from its (domein, status)
    index. Two Count() annotations over two joins would multiply each other's rows (wrong
    counts) and make PostgreSQL join instances x requests of a large domain (seconds)."""
    relation = Domein._meta.get_field(related_name)
    fk = relation.field.name
    counted = (
        relation.related_model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def domains_with_counts_for_user(*, user) -> QuerySet[Domein]:
    return domains_for_user(user=user).annotate(
        aantal_actief=_count_of_related("instanties", status=InstantieStatus.ACTIEF),
        aantal_open_aanvragen=_count_of_related("connectieaanvragen", status="aangevraagd"),
    )


def user_administers_domain(*, user, domein_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_support:
        return True
    return Domein.beheerders.through.objects.filter(domein_id=domein_id, user_id=user.pk).exists()


def instances_for_domain(
    *, domein: Domein, status: str | None = None, search: str | None = None
) -> QuerySet[Applicatieinstantie]:
    qs = Applicatieinstantie.objects.filter(domein=domein).select_related("applicatie")
    if status:
        qs = qs.filter(status=status)
    if search:
        search = search.strip()
        qs = qs.filter(
            Q(applicatie__naam__icontains=search)
            | Q(applicatie__leverancier__icontains=search)
            | Q(client_id__icontains=search)
        )
    return qs.order_by("applicatie__naam", "-aangemaakt_op")


def instances_visible_to_user(*, user) -> QuerySet[Applicatieinstantie]:
    """Instances of the user's domains plus instances of the user's applications."""
    if not user.is_authenticated:
        return Applicatieinstantie.objects.none()
    qs = Applicatieinstantie.objects.select_related("applicatie", "domein")
    if user.is_support:
        return qs
    return qs.filter(Q(domein__beheerders=user) | Q(applicatie__beheerders=user)).distinct()


def non_closed_instance_exists(*, applicatie_id: int, domein_id: int) -> bool:
    return (
        Applicatieinstantie.objects.filter(applicatie_id=applicatie_id, domein_id=domein_id)
        .exclude(status=InstantieStatus.AFGESLOTEN)
        .exists()
    )
