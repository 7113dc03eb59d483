"""Reads about applications, always scoped to what a user may see."""

from django.db.models import QuerySet

from applicaties.models import Applicatie


def applications_for_user(*, user) -> QuerySet[Applicatie]:
    """The applications this user administers (support: all)."""
    if not user.is_authenticated:
        return Applicatie.objects.none()
    if user.is_support:
        return Applicatie.objects.all()
    return Applicatie.objects.filter(beheerders=user)


def user_administers_application(*, user, applicatie_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_support:
        return True
    return Applicatie.beheerders.through.objects.filter(
        applicatie_id=applicatie_id, user_id=user.pk
    ).exists()
