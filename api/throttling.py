"""Rate limits per credential (settings KT_API_RATE_DOMEINSLEUTEL, KT_API_RATE_TOKEN)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import DomeinApiSleutel, PersoonlijkToken


class _CredentialThrottle(SimpleRateThrottle):
    model = None
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, self.model):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class DomainKeyThrottle(_CredentialThrottle):
    scope = "domeinsleutel"
    model = DomeinApiSleutel
    setting = "KT_API_RATE_DOMEINSLEUTEL"


class PersonalTokenThrottle(_CredentialThrottle):
    scope = "token"
    model = PersoonlijkToken
    setting = "KT_API_RATE_TOKEN"
