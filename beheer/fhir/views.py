from django.http import JsonResponse
from django.views.decorators.http import require_GET

from beheer.fhir.keys import portal_jwks

# Authorization servers fetch and cache this; an hour keeps a key rotation quick to take effect.
JWKS_MAX_AGE = 3600


@require_GET
def jwks(request):
    """The portal's public keys (RS512, kid = RFC 7638 thumbprint) for its client assertions."""
    response = JsonResponse(portal_jwks())
    response["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    return response
