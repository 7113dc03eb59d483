from django import forms
from django.utils.translation import gettext_lazy as _

from beheer.audit.models import AuditEvent
from beheer.audit.selectors import RecordFilter

_GROUPS = {
    "domein": _("Domein"),
    "applicatie": _("Applicatie"),
    "aanvraag": _("Connectieaanvraag"),
    "instantie": _("Applicatieinstantie"),
    "sleutel": _("API-sleutel"),
}


def event_choices():
    choices = [("", _("Alle gebeurtenissen"))]
    for group, label in _GROUPS.items():
        members = [(c, lbl) for c, lbl in AuditEvent.choices if c.startswith(f"{group}.")]
        choices.append((label, [(group, _("Alles over dit onderdeel")), *members]))
    return choices


class RecordFilterForm(forms.Form):
    """Period, kind of event and person: the filters of the tab "Logboek" and of its export."""

    van = forms.DateField(
        label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    gebeurtenis = forms.ChoiceField(label=_("Gebeurtenis"), required=False, choices=event_choices)
    persoon = forms.CharField(label=_("Persoon"), required=False, max_length=200)

    def record_filter(self) -> RecordFilter:
        """The valid filters (an invalid field filters nothing)."""
        if not self.is_bound:
            return RecordFilter()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return RecordFilter(
            van=data.get("van"),
            tot=data.get("tot"),
            gebeurtenis=data.get("gebeurtenis") or "",
            persoon=data.get("persoon") or "",
        )
