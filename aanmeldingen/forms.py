from django import forms
from django.utils.translation import gettext_lazy as _

from aanmeldingen.models import Aanmelding
from beheer.forms_util import PortalFormMixin

CONTACT = [
    "contact_naam",
    "contact_email",
    "contact_telefoon",
    "technisch_naam",
    "technisch_email",
    "technisch_telefoon",
]


class _AanmeldingForm(PortalFormMixin, forms.ModelForm):
    def _post_clean(self):
        # Validation and saving belong to aanmeldingen.services.file_onboarding_request.
        pass


class DomeinAanmeldingForm(_AanmeldingForm):
    fhir_base_url = forms.URLField(
        label=_("FHIR base URL (indien bekend)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    class Meta:
        model = Aanmelding
        fields = ["organisatie", "naam", "omgeving", "fhir_base_url", *CONTACT, "toelichting"]
        labels = {"organisatie": _("Zorgaanbieder"), "naam": _("Gewenste domeinnaam")}
        help_texts = {
            "naam": _(
                "Kleine letters, cijfers en koppeltekens, bijvoorbeeld 'ggz-noord'; deel van "
                "de URL van de FHIR-server."
            )
        }
        widgets = {"toelichting": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["omgeving"].required = True


class ApplicatieAanmeldingForm(_AanmeldingForm):
    class Meta:
        model = Aanmelding
        fields = ["organisatie", "naam", "applicatie_soort", *CONTACT, "toelichting"]
        labels = {"organisatie": _("Leverancier (IT-deelnemer)"), "naam": _("Naam applicatie")}
        widgets = {"toelichting": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicatie_soort"].required = True


class AnonymousFieldsMixin(forms.Form):
    """Who asks, when nobody is logged in; and a honeypot that people never see or fill."""

    aanvrager_naam = forms.CharField(label=_("Uw naam"), max_length=200)
    aanvrager_email = forms.EmailField(
        label=_("Uw e-mailadres"),
        help_text=_("U wordt de eerste beheerder; de uitnodiging komt op dit adres."),
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def form_class_for(soort: str, *, anonymous: bool):
    base = DomeinAanmeldingForm if soort == "domein" else ApplicatieAanmeldingForm
    if not anonymous:
        return base
    return type(f"Anonymous{base.__name__}", (base, AnonymousFieldsMixin), {})
