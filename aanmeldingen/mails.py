"""Mails about onboarding requests: to the requester (filed, decided) and to support (new).

A requester without an account is mailed at the address they gave.
"""

from django.conf import settings
from django.urls import reverse

from beheer.outbox.links import absolute_url, portal_url
from beheer.outbox.services import mail_recipients, queue_email


def _context(aanmelding) -> dict:
    return {
        "soort": aanmelding.get_soort_display(),
        "naam": aanmelding.naam,
        "organisatie": aanmelding.organisatie,
        "aanvrager_naam": aanmelding.aanvrager_naam,
        "aanvrager_email": aanmelding.aanvrager_email,
        "reden": aanmelding.besluit_reden,
        "is_domein": aanmelding.soort == "domein",
    }


def _to_requester(aanmelding, *, template: str, context: dict):
    user = aanmelding.aangevraagd_door
    if user is not None:
        if not mail_recipients([user]):
            return None
        return queue_email(to=user.email, template=template, context={**context, "recipient": user})
    return queue_email(
        to=aanmelding.aanvrager_email,
        template=template,
        context={**context, "recipient": {"get_full_name": aanmelding.aanvrager_naam}},
    )


def queue_filed_mails(*, aanmelding) -> list:
    context = _context(aanmelding)
    deliveries = [_to_requester(aanmelding, template="aanmelding_ontvangen", context=context)]
    if settings.KT_SUPPORT_EMAIL:
        path = reverse("admin:aanmeldingen_aanmelding_change", args=[aanmelding.pk])
        deliveries.append(
            queue_email(
                to=settings.KT_SUPPORT_EMAIL,
                template="aanmelding_nieuw",
                context={
                    **context,
                    "recipient": {"get_full_name": "support"},
                    "link": absolute_url(path),
                },
            )
        )
    return [d for d in deliveries if d is not None]


def queue_decision_mail(*, aanmelding):
    context = _context(aanmelding)
    if aanmelding.domein_id:
        context["link"] = portal_url("domein_beheerders", domein=aanmelding.domein.naam)
    elif aanmelding.applicatie_id:
        context["link"] = portal_url("applicatie_beheerders", applicatie=aanmelding.applicatie_id)
    template = (
        "aanmelding_geaccepteerd"
        if aanmelding.domein_id or aanmelding.applicatie_id
        else ("aanmelding_geweigerd")
    )
    return _to_requester(aanmelding, template=template, context=context)
