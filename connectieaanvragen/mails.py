"""The e-mails of the request workflow (KOPPELTAAL.md), queued inside the services'
transactions through the outbox: a rolled-back decision sends nothing."""

from beheer.outbox.links import portal_url
from beheer.outbox.services import queue_email_to_users
from connectieaanvragen.models import Connectieaanvraag


def _common(aanvraag: Connectieaanvraag) -> dict:
    return {
        "applicatie_naam": aanvraag.applicatie.naam,
        "leverancier": aanvraag.applicatie.leverancier,
        "domein_naam": aanvraag.domein.naam,
    }


def queue_request_filed_mails(aanvraag: Connectieaanvraag) -> list:
    """To every domeinbeheerder of the domain: a new request waits for their review."""
    aanvrager = aanvraag.aangevraagd_door
    context = {
        **_common(aanvraag),
        "aanvrager_naam": aanvrager.get_full_name() if aanvrager else "",
        "aanvrager_email": aanvrager.email if aanvrager else "",
        "jwks_uri": aanvraag.jwks_uri,
        "toelichting": aanvraag.toelichting,
        "link": portal_url(
            "connectieaanvraag_beoordelen", domein=aanvraag.domein.naam, aanvraag=aanvraag.pk
        ),
    }
    return queue_email_to_users(
        users=aanvraag.domein.beheerders.all(),
        template="connectieaanvraag_ingediend",
        context=context,
    )


def queue_request_accepted_mail(aanvraag: Connectieaanvraag) -> list:
    """To the applicatiebeheerder who filed it, with the new client-Id."""
    filer = aanvraag.aangevraagd_door
    context = {
        **_common(aanvraag),
        "client_id": str(aanvraag.instantie.client_id),
        "link": portal_url(
            "connectieaanvraag_volgen", applicatie=aanvraag.applicatie_id, aanvraag=aanvraag.pk
        ),
    }
    return queue_email_to_users(
        users=[filer] if filer else [],
        template="connectieaanvraag_geaccepteerd",
        context=context,
    )


def queue_request_refused_mails(aanvraag: Connectieaanvraag) -> list:
    """To every applicatiebeheerder of the application, with the reason."""
    context = {
        **_common(aanvraag),
        "reden": aanvraag.besluit_reden,
        "link": portal_url(
            "connectieaanvraag_volgen", applicatie=aanvraag.applicatie_id, aanvraag=aanvraag.pk
        ),
    }
    return queue_email_to_users(
        users=aanvraag.applicatie.beheerders.all(),
        template="connectieaanvraag_geweigerd",
        context=context,
    )
