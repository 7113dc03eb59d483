"""Reads of identity providers and the instances' IdP lists."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from identiteit.models import Gebruikerstype, IdentityProvider, InstantieIdp


def idps_for_domain(*, domein) -> QuerySet[IdentityProvider]:
    """The domain's IdPs with the number of instances that list them."""
    return (
        IdentityProvider.objects.filter(domein=domein)
        .annotate(aantal_instanties=Count("toewijzingen__instantie", distinct=True))
        .order_by("naam", "id")
    )


def instances_using(*, idp) -> list:
    """The instances whose lists name `idp` (with application), each once."""
    rows = (
        InstantieIdp.objects.filter(identity_provider=idp)
        .select_related("instantie__applicatie")
        .order_by("instantie__applicatie__naam", "instantie_id", "gebruikerstype")
    )
    seen, instances = set(), []
    for row in rows:
        if row.instantie_id not in seen:
            seen.add(row.instantie_id)
            instances.append(row.instantie)
    return instances


def idp_lists(*, instance) -> list[tuple[str, str, list[IdentityProvider]]]:
    """Per user type, in order: (value, label, [IdPs in order]) for one instance."""
    rows = (
        InstantieIdp.objects.filter(instantie=instance)
        .select_related("identity_provider")
        .order_by("positie", "id")
    )
    by_type: dict[str, list] = {t: [] for t in Gebruikerstype.values}
    for row in rows:
        by_type[row.gebruikerstype].append(row.identity_provider)
    return [(t.value, t.label, by_type[t.value]) for t in Gebruikerstype]


def prefetch_idp_lists(field: str = "idp_toewijzingen") -> Prefetch:
    """For lists of instances (the registry API): their IdP rows with the IdP, in order."""
    return Prefetch(
        field,
        queryset=InstantieIdp.objects.select_related("identity_provider").order_by("positie", "id"),
    )


def served_idps(instance) -> dict[str, list[IdentityProvider]]:
    """The enabled IdPs per user type, in order, from a prefetched instance."""
    served: dict[str, list] = {t: [] for t in Gebruikerstype.values}
    for row in instance.idp_toewijzingen.all():
        if row.identity_provider.ingeschakeld:
            served[row.gebruikerstype].append(row.identity_provider)
    return served


def enabled_idps_for_domain(*, domein_id: int) -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(domein_id=domein_id, ingeschakeld=True).order_by(
        "logische_id"
    )
