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
