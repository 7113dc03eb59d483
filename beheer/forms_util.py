from django.core.exceptions import ValidationError

from beheer.errors import ServiceError


def validation_error_message(exc: ValidationError) -> str:
    """Flatten a model ValidationError into one Dutch sentence list for a ServiceError."""
    if hasattr(exc, "message_dict"):
        parts = []
        for messages in exc.message_dict.values():
            parts.extend(messages)
        return " ".join(parts)
    return " ".join(exc.messages)


class PortalFormMixin:
    """Portal forms: labels without the trailing colon (the layout separates them)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def clean_contact(*, naam, email, telefoon) -> tuple[str, str, str]:
    """The contact person's data as a service stores them: name and e-mail required (who to
    call when something is wrong), the phone number as text (a PhoneNumber from the form
    becomes its E.164 form; the model field validates it)."""
    naam = (naam or "").strip()
    email = (email or "").strip()
    if not naam:
        raise ServiceError("Geef de naam van de contactpersoon op.", code="contact_name_required")
    if not email:
        raise ServiceError(
            "Geef het e-mailadres van de contactpersoon op.", code="contact_email_required"
        )
    return naam, email, str(telefoon or "").strip()
