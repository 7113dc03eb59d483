"""E-mails about team changes, queued in the services' transaction.

The person concerned gets one mail; the team's other beheerders (not the person, not who did
it) get another. A new account gets the invitation (beheer.accounts) instead of the first.
"""

from beheer.outbox.links import portal_url
from beheer.outbox.services import queue_email_to_users


def _context(*, team, user, by) -> dict:
    if team.kind == "domein":
        link = portal_url("domein_beheerders", domein=team.obj.naam)
    else:
        link = portal_url("applicatie_beheerders", applicatie=team.obj.pk)
    return {
        "team": team.label,
        "persoon_naam": user.get_full_name(),
        "persoon_email": user.email,
        "door_naam": by.get_full_name() if by and by.is_authenticated else "support",
        "link": link,
    }


def _others(*, team, user, by):
    exclude = {user.pk, getattr(by, "pk", None)}
    return [u for u in team.beheerders.all() if u.pk not in exclude]


def queue_added_mail(*, team, user, by) -> list:
    return queue_email_to_users(
        users=[user], template="team_toegevoegd", context=_context(team=team, user=user, by=by)
    )


def queue_team_added_mails(*, team, user, by) -> list:
    return queue_email_to_users(
        users=_others(team=team, user=user, by=by),
        template="team_toegevoegd_collega",
        context=_context(team=team, user=user, by=by),
    )


def queue_removed_mail(*, team, user, by, deactivated: bool) -> list:
    return queue_email_to_users(
        users=[user],
        template="team_verwijderd",
        context={**_context(team=team, user=user, by=by), "gedeactiveerd": deactivated},
    )


def queue_team_removed_mails(*, team, user, by) -> list:
    return queue_email_to_users(
        users=_others(team=team, user=user, by=by),
        template="team_verwijderd_collega",
        context=_context(team=team, user=user, by=by),
    )
