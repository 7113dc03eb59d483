from django.conf import settings


def omgeving(request):
    """The environment banner on every page: production looks different from acceptance."""
    name = settings.KT_OMGEVING
    if name == "prd2":
        kind = "productie"
    elif name in ("acc21", "acc22", "mgr2"):
        kind = "acceptatie"
    else:
        kind = "lokaal"
    return {"kt_omgeving": name, "kt_omgeving_soort": kind}


def support(request):
    """Support's address (and phone) for every "neem contact op met support"."""
    return {
        "kt_support_email": settings.KT_SUPPORT_EMAIL,
        "kt_support_phone": settings.KT_SUPPORT_PHONE,
        "kt_public_onboarding": settings.KT_PUBLIC_ONBOARDING,
    }
