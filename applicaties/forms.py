from django import forms

from applicaties.models import Applicatie
from beheer.forms_util import PortalFormMixin


class ApplicationContactForm(PortalFormMixin, forms.ModelForm):
    """The contact data an applicatiebeheerder keeps up to date; the service saves them."""

    class Meta:
        model = Applicatie
        fields = ["contact_naam", "contact_email", "contact_telefoon"]

    def _post_clean(self):
        # Model validation and saving belong to applicaties.services.update_application_contact.
        pass
