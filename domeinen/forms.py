from django import forms
from django.utils.translation import gettext_lazy as _

from beheer.forms_util import PortalFormMixin
from domeinen.models import Domein, InstantieStatus
from rollen.models import Rol


class DomainDetailsForm(PortalFormMixin, forms.ModelForm):
    """The fields a domeinbeheerder may change; the service validates and saves them."""

    class Meta:
        model = Domein
        fields = ["omschrijving", "contact_naam", "contact_email", "contact_telefoon"]
        widgets = {"omschrijving": forms.Textarea(attrs={"rows": 4})}

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
        # Model validation and saving belong to domeinen.services.update_domain_details.
        pass


class InstanceFilterForm(PortalFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statussen")), *InstantieStatus.choices],
    )
    q = forms.CharField(label=_("Zoeken"), required=False, max_length=100)
    sort = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    # One instance (the link in a mail to the vendor).
    instantie = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class InstanceStatusForm(PortalFormMixin, forms.Form):
    """A new status with a reason; closing (final) also needs the box ticked that says what
    will happen, so it works without JavaScript and cannot happen by one slip."""

    status = forms.ChoiceField(label=_("Nieuwe status"), widget=forms.RadioSelect)
    reden = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef een reden op.")},
    )
    bevestig_afsluiten = forms.BooleanField(
        label=_(
            "Ik sluit deze applicatieinstantie definitief af: de applicatie kan zich niet meer "
            "aanmelden in dit domein en het Device op de FHIR-server wordt inactief. Dit kan "
            "niet ongedaan worden gemaakt."
        ),
        help_text=_("Alleen nodig bij de status Afgesloten."),
        required=False,
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = instance.allowed_next_statuses
        self.fields["status"].choices = [
            (value, label) for value, label in InstantieStatus.choices if value in allowed
        ]
        if InstantieStatus.AFGESLOTEN not in allowed:
            del self.fields["bevestig_afsluiten"]

    def clean(self):
        data = super().clean()
        if data.get("status") == InstantieStatus.AFGESLOTEN and not data.get("bevestig_afsluiten"):
            self.add_error(
                "bevestig_afsluiten",
                _("Bevestig dat u de applicatieinstantie definitief wilt afsluiten."),
            )
        return data


class InstanceRoleForm(PortalFormMixin, forms.Form):
    """Choose another role for an instance; the service checks the rest."""

    rol = forms.ModelChoiceField(
        label=_("Nieuwe rol"),
        queryset=Rol.objects.order_by("naam"),
        empty_label=_("Kies een rol"),
        error_messages={
            "required": _("Kies een rol."),
            "invalid_choice": _("Kies een bestaande rol."),
        },
    )
    reden = forms.CharField(
        label=_("Reden van de rolwijziging"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef een reden op.")},
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rol"].queryset = Rol.objects.exclude(pk=instance.rol_id).order_by("naam")
