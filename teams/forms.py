from django import forms
from django.utils.translation import gettext_lazy as _

from beheer.forms_util import PortalFormMixin


class InviteForm(PortalFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Vul de naam in.")},
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul het e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in."),
        },
    )
    # Shown only after the service asked: the address belongs to an account with another name.
    confirm_existing = forms.BooleanField(
        label=_("Ja, voeg dit bestaande account toe"), required=False, widget=forms.HiddenInput
    )

    def ask_confirmation(self):
        self.fields["confirm_existing"].widget = forms.CheckboxInput()
