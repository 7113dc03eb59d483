"""E-mails about application instances, queued inside the services' transactions."""

from django.utils import timezone

from beheer.outbox.links import portal_url
from beheer.outbox.services import queue_email_to_users
from domeinen.models import Applicatieinstantie, InstantieStatus


def queue_instance_status_mails(
    *, instance: Applicatieinstantie, old_status: str, new_status: str, reason: str, by
) -> list:
    """To the application's beheerders: their instance in a domain changed status."""
    context = {
        "applicatie_naam": instance.applicatie.naam,
        "domein_naam": instance.domein.naam,
        "client_id": str(instance.client_id),
        "oude_status": InstantieStatus(old_status).label,
        "nieuwe_status": InstantieStatus(new_status).label,
        "reden": reason,
        "door_naam": by.get_full_name() if by else "",
        "link": portal_url(
            "applicatieinstantie_details",
            applicatie=instance.applicatie_id,
            client_id=instance.client_id,
        ),
    }
    return queue_email_to_users(
        users=instance.applicatie.beheerders.all(),
        template="instantie_status_gewijzigd",
        context=context,
    )


def _key_check_context(instance: Applicatieinstantie) -> dict:
    return {
        "applicatie_naam": instance.applicatie.naam,
        "domein_naam": instance.domein.naam,
        "client_id": str(instance.client_id),
        "jwks_uri": instance.jwks_uri,
        "link": portal_url(
            "applicatieinstantie_details",
            applicatie=instance.applicatie_id,
            client_id=instance.client_id,
        ),
    }


def queue_key_check_failed_mails(*, instance: Applicatieinstantie) -> list:
    """To the application's beheerders: the daily key check failed twice in a row."""
    return queue_email_to_users(
        users=instance.applicatie.beheerders.all(),
        template="sleutels_fout",
        context={**_key_check_context(instance), "fout": instance.sleutels_fout},
    )


def queue_key_check_recovered_mails(*, instance: Applicatieinstantie) -> list:
    """To the application's beheerders: the keys are good again (after a failure mail)."""
    return queue_email_to_users(
        users=instance.applicatie.beheerders.all(),
        template="sleutels_hersteld",
        context=_key_check_context(instance),
    )


def queue_certificate_expiry_mails(*, instance: Applicatieinstantie) -> list:
    """To the application's beheerders: an x5c certificate of their keys expires soon."""
    expires = timezone.localtime(instance.sleutels_certificaat_verloopt_op)
    return queue_email_to_users(
        users=instance.applicatie.beheerders.all(),
        template="certificaat_verloopt",
        context={**_key_check_context(instance), "verloopt_op": expires.strftime("%d-%m-%Y")},
    )
