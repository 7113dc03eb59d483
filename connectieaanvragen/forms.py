from django import forms
from django.utils.translation import gettext_lazy as _

from beheer.forms_util import PortalFormMixin
from domeinen.models import Domein
from rollen.models import Rol


class NewRequestForm(PortalFormMixin, forms.Form):
    domein = forms.ModelChoiceField(
        label=_("Domein"),
        queryset=Domein.objects.order_by("naam"),
        empty_label=_("Kies een domein"),
        error_messages={
            "required": _("Kies een domein."),
            "invalid_choice": _("Kies een bestaand domein."),
        },
    )
    jwks_uri = forms.CharField(
        label=_("JWKS URI"),
        max_length=500,
        help_text=_(
            "Het https-adres waar uw applicatie haar publieke sleutels publiceert "
            "(een JWK Set), bijvoorbeeld https://voorbeeld.nl/.well-known/jwks.json."
        ),
        error_messages={"required": _("Geef de JWKS URI op.")},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URI's (optioneel)"),
        required=False,
        max_length=20 * 501,  # at most 20 URIs of 500 characters (beheer.uris)
        help_text=_("Eén URI per regel."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    toelichting = forms.CharField(
        label=_("Toelichting (optioneel)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RefuseForm(PortalFormMixin, forms.Form):
    reden = forms.CharField(
        label=_("Reden van weigering"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef de reden waarom de aanvraag wordt geweigerd.")},
    )


class AcceptForm(PortalFormMixin, forms.Form):
    rol = forms.ModelChoiceField(
        label=_("Rol"),
        required=False,
        queryset=Rol.objects.order_by("naam"),
        empty_label=_("Standaardrol voor de soort applicatie"),
        help_text=_("Bepaalt welke SMART-scopes de applicatieinstantie krijgt."),
        error_messages={"invalid_choice": _("Kies een bestaande rol.")},
    )

    # Shown only when the last key check is not "in orde": accepting then needs an explicit
    # confirmation with a reason (recorded in the request's history).
    sleutels_bevestigd = forms.BooleanField(
        label=_("Ik accepteer toch, hoewel de controle van de sleutels niet in orde is"),
        required=False,
    )
    sleutels_reden = forms.CharField(
        label=_("Reden om toch te accepteren"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, keys_ok: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys_ok = keys_ok
        if keys_ok:
            del self.fields["sleutels_bevestigd"]
            del self.fields["sleutels_reden"]

    def clean(self):
        data = super().clean()
        if not self.keys_ok:
            confirmed = data.get("sleutels_bevestigd")
            reason = (data.get("sleutels_reden") or "").strip()
            if not confirmed:
                self.add_error(
                    "sleutels_bevestigd",
                    _(
                        "De laatste controle van de sleutels is niet in orde. Controleer de "
                        "sleutels opnieuw, of bevestig dat u toch accepteert en geef de reden."
                    ),
                )
            elif not reason:
                self.add_error("sleutels_reden", _("Geef de reden om toch te accepteren."))
        return data

    def key_check_reason(self) -> str:
        """The confirmed reason to accept despite the key check, or ""."""
        if self.keys_ok or not self.cleaned_data.get("sleutels_bevestigd"):
            return ""
        return self.cleaned_data.get("sleutels_reden", "")


class WithdrawForm(PortalFormMixin, forms.Form):
    """Intrekken, with an optional reason (a request or a change request)."""

    reden = forms.CharField(
        label=_("Reden (optioneel)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeForm(PortalFormMixin, forms.Form):
    """Wijziging aanvragen: the new values, prefilled with the current ones."""

    jwks_uri = forms.CharField(
        label=_("JWKS URI"),
        max_length=500,
        help_text=_(
            "Een nieuwe JWKS URI wordt opgehaald en gecontroleerd zoals bij een connectieaanvraag."
        ),
        error_messages={"required": _("Geef de JWKS URI op.")},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URI's"),
        required=False,
        help_text=_("Eén URI per regel; de hele lijst vervangt de huidige."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    toelichting = forms.CharField(
        label=_("Toelichting (optioneel)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_instance(cls, instance, data=None):
        initial = {
            "jwks_uri": instance.jwks_uri,
            "redirect_uris": "\n".join(instance.redirect_uris),
        }
        return cls(data, initial=initial, prefix="wijziging")


class RefuseChangeForm(PortalFormMixin, forms.Form):
    reden = forms.CharField(
        label=_("Reden van weigering"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef de reden waarom de wijziging wordt geweigerd.")},
    )


class AcceptChangeForm(AcceptForm):
    """Accepteren of a change: no role; the key-check confirmation as for a request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["rol"]
