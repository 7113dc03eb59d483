"""The account e-mails. Every account mail leaves through these functions.

Each mail is a template triple in templates/emails/ (subject, text, html) and is sent after
the surrounding transaction commits, so a rolled-back change never mails anyone.
At merge these two functions move onto the durable outbox; call sites stay the same.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from beheer.accounts.models import User


def _send(*, template: str, to: str, context: dict) -> None:
    context = {"base_url": settings.KT_BASE_URL, "omgeving": settings.KT_OMGEVING, **context}
    subject = render_to_string(f"emails/{template}_subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)

    def send():
        message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
        message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(send)


def send_unlock_mail(*, user: User) -> None:
    """Tell the user that support lifted the lock on their username."""
    _send(template="account_unlocked", to=user.email, context={"user": user})


def send_password_link_mail(*, user: User, link: str, invitation: bool) -> None:
    """Mail a one-time link to choose a password: an invitation for a new account, else a reset."""
    _send(
        template="account_invitation" if invitation else "password_reset",
        to=user.email,
        context={
            "user": user,
            "link": link,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )
