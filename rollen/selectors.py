"""Reads about roles."""

from django.db.models import Prefetch, QuerySet

from applicaties.models import Applicatie
from rollen.models import Rol, Rolpermissie, Standaardrol


def roles_with_permissions() -> QuerySet[Rol]:
    return Rol.objects.prefetch_related(
        Prefetch(
            "permissies",
            queryset=Rolpermissie.objects.prefetch_related(
                Prefetch("toegestane_applicaties", queryset=Applicatie.objects.only("id", "naam"))
            ),
        )
    ).order_by("naam")


def default_role_for_soort(*, soort: str) -> Rol | None:
    found = Standaardrol.objects.select_related("rol").filter(soort=soort).first()
    return found.rol if found else None
