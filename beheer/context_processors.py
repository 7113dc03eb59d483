from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject


def omgeving(request):
    """The environment banner on every page: production looks different from acceptance."""
    name = settings.KT_OMGEVING
    if name == "prd2":
        kind = "productie"
    elif name in ("acc21", "acc22", "mgr2"):
        kind = "acceptatie"
    else:
        kind = "lokaal"
    return {
        "kt_omgeving": name,
        "kt_omgeving_soort": kind,
        "kt_support_email": settings.KT_SUPPORT_EMAIL,
    }


def navigatie(request):
    """What the main menu offers this person: "Mijn domeinen" only to someone who administers a
    domain, "Mijn applicaties" only to someone with an application (support: both). One query
    with two EXISTS, run only when a template reads the flags (not on the login page).

    The beheerder relations are read through the user model's reverse many-to-many
    descriptors, so this foundation module imports no domain app."""

    def flags():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"domeinen": False, "applicaties": False}
        if user.is_support:
            return {"domeinen": True, "applicaties": True}
        model = get_user_model()
        domains = model.beheerde_domeinen.through.objects.filter(user_id=OuterRef("pk"))
        applications = model.beheerde_applicaties.through.objects.filter(user_id=OuterRef("pk"))
        row = (
            model.objects.filter(pk=user.pk)
            .annotate(domeinen=Exists(domains), applicaties=Exists(applications))
            .values("domeinen", "applicaties")
            .first()
        )
        return row or {"domeinen": False, "applicaties": False}

    return {"nav": SimpleLazyObject(flags)}


def support(request):
    """Support's address (and phone) for every "neem contact op met support"."""
    return {
        "kt_support_email": settings.KT_SUPPORT_EMAIL,
        "kt_support_phone": settings.KT_SUPPORT_PHONE,
        "kt_public_onboarding": settings.KT_PUBLIC_ONBOARDING,
    }
