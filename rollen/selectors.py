"""Reads about roles."""

from django.db.models import QuerySet

from rollen.models import Rol, Standaardrol


def roles_with_permissions() -> QuerySet[Rol]:
    return Rol.objects.prefetch_related("permissies__toegestane_applicaties").order_by("naam")


def default_role_for_soort(*, soort: str) -> Rol | None:
    found = Standaardrol.objects.select_related("rol").filter(soort=soort).first()
    return found.rol if found else None
