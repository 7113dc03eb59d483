"""E-mail through the outbox: render at queue time, send with Django's mail API at send time.

Why render when the mail is queued (and store subject, text and HTML in the payload): the mail
then says what was true when the event happened. A template edited later, a renamed domain or
a deleted object cannot change or break a mail that is waiting for a retry, and the worker needs
no access to the objects the mail is about.

Safety: the HTML part is rendered with Django's autoescaping; the subject is stripped of line
breaks and control characters; a recipient must be one valid address (no display name, no
line breaks), so nothing a user typed can add a header or a recipient.
"""

import smtplib
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import translation

from beheer.outbox.errors import PermanentError, RetryableError

KIND = "email"
DELIVERY_HEADER = "X-KT-Bezorging"
MAX_SUBJECT = 250
REDACTED = "[verwijderd na verzending]"


def clean_subject(subject: str) -> str:
    """One line of printable text: CR, LF and every other control character become a space."""
    chars = [" " if unicodedata.category(c).startswith("C") else c for c in str(subject)]
    return " ".join("".join(chars).split())[:MAX_SUBJECT]


def clean_recipient(address: str) -> str:
    """One bare e-mail address, or ValueError (never a display name, never two addresses)."""
    address = (address or "").strip()
    if any(unicodedata.category(c).startswith("C") for c in address):
        raise ValueError("E-mailadres bevat ongeldige tekens.")
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValueError(f"Ongeldig e-mailadres: {address!r}") from exc
    return address


def render_email(template: str, context: dict) -> dict:
    """Render `emails/<template>_subject.txt`, `.txt` and `.html` in Dutch.

    Every template also gets `base_url`, `omgeving`, `support_email` and `support_phone`.
    """
    ctx = {
        "base_url": settings.KT_BASE_URL,
        "omgeving": settings.KT_OMGEVING,
        "support_email": settings.KT_SUPPORT_EMAIL,
        "support_phone": settings.KT_SUPPORT_PHONE,
        **context,
    }
    with translation.override("nl"):
        subject = clean_subject(render_to_string(f"emails/{template}_subject.txt", ctx))
        text = render_to_string(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
    return {"subject": subject, "text": text, "html": html}


def message_id(delivery_id: int) -> str:
    host = urlsplit(settings.KT_BASE_URL).hostname or "kt-beheer.invalid"
    return f"<kt-beheer-bezorging-{delivery_id}@{host}>"


def send_email_delivery(delivery) -> None:
    """The outbox handler for kind "email": one message to one recipient."""
    payload = delivery.payload
    if payload.get("text") == REDACTED:
        raise PermanentError("De inhoud van dit bericht is na verzending verwijderd.")
    try:
        to = clean_recipient(payload["to"])
        message = EmailMultiAlternatives(
            subject=clean_subject(payload["subject"]),
            body=payload["text"],
            from_email=payload.get("from") or settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={
                DELIVERY_HEADER: str(delivery.pk),
                # The same id on every attempt: a mail sent twice (a worker died between
                # sending and recording) is recognisably one message.
                "Message-ID": message_id(delivery.pk),
            },
        )
        message.attach_alternative(payload["html"], "text/html")
    except (KeyError, ValueError, BadHeaderError) as exc:
        raise PermanentError(f"Onbruikbaar bericht: {exc}") from exc
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"Ontvanger geweigerd door de mailserver: {exc}") from exc
    except Exception as exc:
        if _is_permanent_esp_error(exc):
            raise PermanentError(f"{type(exc).__name__}: {exc}") from exc
        raise RetryableError(f"{type(exc).__name__}: {exc}") from exc


def _is_permanent_esp_error(exc: Exception) -> bool:
    try:
        from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is a dependency
        return False
    return isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress)
