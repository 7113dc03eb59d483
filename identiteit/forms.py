from django import forms
from django.utils.translation import gettext_lazy as _

from beheer.forms_util import PortalFormMixin
from identiteit.models import Gebruikerstype, IdentityProvider


class IdentityProviderForm(PortalFormMixin, forms.ModelForm):
    """Name, logical id, discovery URL, client id, claim, enabled; the secret write-only."""

    discovery_url = forms.CharField(
        label=_("Discovery-URL"),
        max_length=500,
        help_text=_("Het OpenID Connect discovery-document (…/.well-known/openid-configuration)."),
        widget=forms.TextInput(attrs={"inputmode": "url"}),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=1000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Wordt versleuteld opgeslagen en nooit getoond. Leeg laten: ongewijzigd."),
    )
    wis_geheim = forms.BooleanField(label=_("Opgeslagen client secret verwijderen"), required=False)

    class Meta:
        model = IdentityProvider
        fields = [
            "naam",
            "logische_id",
            "discovery_url",
            "client_id",
            "gebruikersnaam_claim",
            "ingeschakeld",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk or not self.instance.heeft_geheim:
            del self.fields["wis_geheim"]

    def _post_clean(self):
        # Model validation and saving belong to identiteit.services.
        pass

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {f: data[f] for f in self.Meta.fields}
        kwargs["client_secret"] = data.get("client_secret") or ""
        return kwargs


class ConfirmDeleteForm(PortalFormMixin, forms.Form):
    bevestigd = forms.BooleanField(
        label=_("Ja, verwijder deze identity provider ook uit de lijsten van deze instanties"),
        required=False,
    )


class InstanceIdpForm(PortalFormMixin, forms.Form):
    """One change of an instance's list: add, remove, or move up/down, with a reason."""

    ACTIONS = ("toevoegen", "verwijderen", "omhoog", "omlaag")

    actie = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    gebruikerstype = forms.ChoiceField(label=_("Soort gebruiker"), choices=Gebruikerstype.choices)
    identity_provider = forms.ModelChoiceField(
        label=_("Identity provider"),
        queryset=IdentityProvider.objects.none(),
        empty_label=_("Kies een identity provider"),
        error_messages={
            "required": _("Kies een identity provider."),
            "invalid_choice": _("Kies een identity provider van dit domein."),
        },
    )
    reden = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Geef een reden op.")},
    )

    def __init__(self, *args, domein, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identity_provider"].queryset = IdentityProvider.objects.filter(
            domein=domein
        ).order_by("naam")
