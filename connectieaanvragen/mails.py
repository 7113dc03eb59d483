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


def queue_request_withdrawn_mails(aanvraag: Connectieaanvraag) -> list:
    """To every domeinbeheerder of the domain: a request they might review is withdrawn."""
    door = aanvraag.besloten_door
    context = {
        **_common(aanvraag),
        "reden": aanvraag.besluit_reden,
        "door_naam": door.get_full_name() if door else "",
        "link": portal_url(
            "connectieaanvraag_beoordelen", domein=aanvraag.domein.naam, aanvraag=aanvraag.pk
        ),
    }
    return queue_email_to_users(
        users=aanvraag.domein.beheerders.all(),
        template="connectieaanvraag_ingetrokken",
        context=context,
    )


# --- change requests ------------------------------------------------------------------------


def _change_common(verzoek) -> dict:
    instance = verzoek.instantie
    return {
        "applicatie_naam": instance.applicatie.naam,
        "leverancier": instance.applicatie.leverancier,
        "domein_naam": instance.domein.naam,
        "client_id": str(instance.client_id),
        "oude_jwks_uri": verzoek.oude_jwks_uri,
        "oude_redirect_uris": list(verzoek.oude_redirect_uris),
        "jwks_uri": verzoek.jwks_uri,
        "redirect_uris": list(verzoek.redirect_uris),
    }


def _review_link(verzoek) -> str:
    return portal_url(
        "wijzigingsverzoek_beoordelen", domein=verzoek.instantie.domein.naam, verzoek=verzoek.pk
    )


def _vendor_link(verzoek) -> str:
    return portal_url(
        "applicatieinstantie_details",
        applicatie=verzoek.instantie.applicatie_id,
        client_id=verzoek.instantie.client_id,
    )


def queue_change_filed_mails(verzoek) -> list:
    """To every domeinbeheerder of the instance's domain: a change waits for their review."""
    context = {
        **_change_common(verzoek),
        "toelichting": verzoek.toelichting,
        "link": _review_link(verzoek),
    }
    return queue_email_to_users(
        users=verzoek.instantie.domein.beheerders.all(),
        template="wijzigingsverzoek_ingediend",
        context=context,
    )


def queue_change_accepted_mails(verzoek) -> list:
    """To every applicatiebeheerder of the application: the instance has the new values."""
    return queue_email_to_users(
        users=verzoek.instantie.applicatie.beheerders.all(),
        template="wijzigingsverzoek_geaccepteerd",
        context={**_change_common(verzoek), "link": _vendor_link(verzoek)},
    )


def queue_change_refused_mails(verzoek) -> list:
    """To every applicatiebeheerder of the application, with the reason."""
    return queue_email_to_users(
        users=verzoek.instantie.applicatie.beheerders.all(),
        template="wijzigingsverzoek_geweigerd",
        context={
            **_change_common(verzoek),
            "reden": verzoek.besluit_reden,
            "link": _vendor_link(verzoek),
        },
    )


def queue_change_withdrawn_mails(verzoek) -> list:
    """To every domeinbeheerder of the domain: the change they might review is withdrawn."""
    door = verzoek.besloten_door
    return queue_email_to_users(
        users=verzoek.instantie.domein.beheerders.all(),
        template="wijzigingsverzoek_ingetrokken",
        context={
            **_change_common(verzoek),
            "reden": verzoek.besluit_reden,
            "door_naam": door.get_full_name() if door else "",
            "link": _review_link(verzoek),
        },
    )
