from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from api.models import DomeinApiSleutel


class IsDomainKey(BasePermission):
    message = _(
        "Dit deel van de API is alleen voor autorisatieservers, met een API-sleutel van het domein."
    )

    def has_permission(self, request, view):
        return isinstance(request.auth, DomeinApiSleutel)


class HasIdpSecretScope(BasePermission):
    """A domain key that support gave the separate scope to read the IdPs' client secrets."""

    message = _(
        "Deze API-sleutel mag de geheimen van de identity providers niet lezen; "
        "support kan die toestemming geven."
    )

    def has_permission(self, request, view):
        key = request.auth
        return isinstance(key, DomeinApiSleutel) and key.mag_idp_geheimen_lezen


class IsBeheerder(BasePermission):
    """A person (session or personal token); what they see is decided per object by selectors."""

    message = _("Dit deel van de API is voor beheerders: log in of gebruik een persoonlijk token.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
