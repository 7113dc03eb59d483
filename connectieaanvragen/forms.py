from django import forms
from django.utils.translation import gettext_lazy as _

from beheer.forms_util import PortalFormMixin
from connectieaanvragen.models import AanvraagStatus
from domeinen.models import Domein
from rollen.models import Rol
from rollen.selectors import default_role_for_soort


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
    # A required box (no JavaScript needed): the decision is final.
    bevestigd = forms.BooleanField(
        label=_(
            "Ik weiger deze aanvraag definitief; de aanvrager krijgt een e-mail met de reden. "
            "Dit kan niet ongedaan worden gemaakt."
        ),
        error_messages={"required": _("Bevestig dat u de aanvraag wilt weigeren.")},
    )


class AcceptForm(PortalFormMixin, forms.Form):
    """One form, read top to bottom: the role (the default named), then, only when the last key
    check is not "in orde", the confirmation to accept anyway with its reason, and last the
    confirmation of the decision itself. Accepting needs every box that is shown."""

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
    # A required box (no JavaScript needed): the decision is final.
    bevestigd = forms.BooleanField(
        label=_(
            "Ik accepteer deze aanvraag: er komt een actieve applicatieinstantie met een nieuw "
            "client-Id, het Device wordt op de FHIR-server gezet en de aanvrager krijgt een "
            "e-mail. Het besluit staat daarna vast."
        ),
        error_messages={"required": _("Bevestig dat u de aanvraag wilt accepteren.")},
    )

    def __init__(self, *args, applicatie=None, keys_ok: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys_ok = keys_ok
        if keys_ok:
            del self.fields["sleutels_bevestigd"]
            del self.fields["sleutels_reden"]
        if applicatie is not None:
            # Name the role that "no choice" gives, so nobody accepts blind.
            default = default_role_for_soort(soort=applicatie.soort)
            self.fields["rol"].empty_label = (
                _("Standaardrol voor %(soort)s: %(rol)s")
                % {"soort": applicatie.get_soort_display(), "rol": default.naam}
                if default
                else _("Geen standaardrol voor %(soort)s: kies een rol")
                % {"soort": applicatie.get_soort_display()}
            )

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
    """Accepteren of a change: no role, and no final-decision box (a later change can undo
    it; the instance keeps its client_id); the key-check confirmation as for a request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["rol"]
        del self.fields["bevestigd"]


class RequestFilterForm(PortalFormMixin, forms.Form):
    """Filters of the request lists (GET): status, period of filing and a search; the column
    to sort on travels along as ?sort= (see selectors.REQUEST_SORTS)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statussen")), *AanvraagStatus.choices],
    )
    van = forms.DateField(
        label=_("Aangevraagd vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tot = forms.DateField(
        label=_("Aangevraagd tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    sort = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    aanvraag = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, search_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if search_label:
            self.fields["q"].label = search_label

    def selection(self) -> dict:
        """The selector's keyword arguments; invalid input filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"] or None,
            "search": data["q"] or None,
            "since": data["van"],
            "until": data["tot"],
            "sort": data["sort"] or None,
        }
