from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator


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


class _ChoicesInOneQuery(ModelChoiceIterator):
    """The choices from one plain query. Django's own iterator uses `QuerySet.iterator()`,
    which on PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE: three round trips,
    a quarter of an instance page's time), worth it for a table too large to hold, never for
    a list of choices that is put on the page whole."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """`forms.ModelChoiceField` for the portal's short choice lists (roles, domains)."""

    iterator = _ChoicesInOneQuery
