"""Account e-mails, queued through the outbox in the caller's transaction.

    queue_unlock_mail(user=user)                                    # support unlocked the username
    queue_password_link_mail(user=user, link=link, invitation=False)  # one-time reset link (24 h)
    queue_password_link_mail(user=user, link=link, invitation=True)   # invitation for a new account
    queue_validity_reminder_mails(user=user, beheerders=[...], days_left=30)  # review the account
    queue_validity_extended_mail(user=user, by=by, old=date)         # "Verlengen" was pressed

`link` is the one-time link, absolute or a path (then KT_BASE_URL is put in front).
Each returns the Delivery, or None when the user is inactive or has no usable address.
The password mails are `sensitive`: their body (with the link) is removed once sent.
"""

from beheer.outbox.links import absolute_url, portal_url
from beheer.outbox.services import mail_recipients, queue_email, queue_email_to_users


def _queue(*, user, template: str, context: dict, sensitive: bool = False):
    if not mail_recipients([user]):
        return None
    return queue_email(
        to=user.email,
        template=template,
        context={"recipient": user, "username": user.username, **context},
        sensitive=sensitive,
    )


def queue_unlock_mail(*, user):
    return _queue(user=user, template="account_unlocked", context={"link": portal_url("inloggen")})


def queue_password_link_mail(*, user, link: str, invitation: bool = False, invited_for=""):
    return _queue(
        user=user,
        template="account_invite" if invitation else "password_reset",
        context={"link": absolute_url(link), "uitgenodigd_voor": invited_for},
        sensitive=True,
    )


def queue_validity_reminder_mails(*, user, beheerders, days_left: int) -> list:
    """The person: your account ends on ...; their fellow beheerders: please review it."""
    context = {
        "account_naam": user.get_full_name(),
        "account_gebruikersnaam": user.username,
        "geldig_tot": user.geldig_tot,
        "dagen": days_left,
        "link": portal_url("inloggen"),
    }
    deliveries = [_queue(user=user, template="account_geldigheid_herinnering", context=context)]
    deliveries += queue_email_to_users(
        users=beheerders, template="account_geldigheid_beheerders", context=context
    )
    return [d for d in deliveries if d is not None]


def queue_validity_extended_mail(*, user, by, old):
    return _queue(
        user=user,
        template="account_verlengd",
        context={
            "geldig_tot": user.geldig_tot,
            "oud": old,
            "door_naam": by.get_full_name() if by else "Support",
        },
    )
