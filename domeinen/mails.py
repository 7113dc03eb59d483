"""E-mails about application instances, queued inside the services' transactions."""

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
            "applicatieinstantie", applicatie=instance.applicatie_id, instantie=instance.pk
        ),
    }
    return queue_email_to_users(
        users=instance.applicatie.beheerders.all(),
        template="instantie_status_gewijzigd",
        context=context,
    )
