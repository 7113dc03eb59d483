from django import forms
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie
from beheer.forms_util import PortalFormMixin


class ApplicationContactForm(PortalFormMixin, forms.ModelForm):
    """The contact data an applicatiebeheerder keeps up to date; the service saves them."""

    class Meta:
        model = Applicatie
        fields = [
            "contact_naam",
            "contact_email",
            "contact_telefoon",
            "technisch_contact_naam",
            "technisch_contact_email",
            "technisch_contact_telefoon",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Who to call when something is wrong: name and e-mail required.
        self.fields["contact_naam"].required = True
        self.fields["contact_naam"].error_messages["required"] = _(
            "Geef de naam van de contactpersoon op."
        )
        self.fields["contact_email"].required = True
        self.fields["contact_email"].error_messages["required"] = _(
            "Geef het e-mailadres van de contactpersoon op."
        )

    def _post_clean(self):
        # Model validation and saving belong to applicaties.services.update_application_contact.
        pass
