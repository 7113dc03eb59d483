from django.core.exceptions import ValidationError


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
