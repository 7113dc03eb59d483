from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aanmeldingen.models import Aanmelding, AanmeldingSoort, AanmeldingStatuswijziging
from aanmeldingen.services import accept_onboarding_request, refuse_onboarding_request
from beheer.admin_util import ReasonForm, Transition, TransitionAdminMixin


class AcceptForm(forms.Form):
    fhir_base_url = forms.URLField(
        label=_("FHIR base URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Alleen voor een domein; leeg: de URL uit de aanmelding."),
    )
    confirm_existing = forms.BooleanField(
        label=_("Bestaand account met dit e-mailadres gebruiken, ook als de naam verschilt"),
        required=False,
    )

    def __init__(self, *args, aanmelding=None, **kwargs):
        super().__init__(*args, **kwargs)
        if aanmelding is not None:
            if aanmelding.soort == AanmeldingSoort.DOMEIN:
                self.fields["fhir_base_url"].initial = aanmelding.fhir_base_url
            else:
                del self.fields["fhir_base_url"]


class HistorieInline(admin.TabularInline):
    model = AanmeldingStatuswijziging
    fields = ("op", "door", "van_status", "naar_status", "reden")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("door")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Aanmelding)
class AanmeldingAdmin(TransitionAdminMixin, admin.ModelAdmin):
    change_form_template = "admin/aanmeldingen/aanmelding/change_form.html"
    list_display = ("naam", "soort", "organisatie", "status", "aanvrager_naam", "aangevraagd_op")
    list_filter = ("status", "soort")
    search_fields = ("naam", "organisatie", "aanvrager_naam", "aanvrager_email")
    list_select_related = ("aangevraagd_door",)
    inlines = [HistorieInline]
    fields = (
        "soort",
        "status",
        "organisatie",
        "naam",
        "omgeving",
        "applicatie_soort",
        "fhir_base_url",
        "contact_naam",
        "contact_email",
        "contact_telefoon",
        "technisch_naam",
        "technisch_email",
        "technisch_telefoon",
        "toelichting",
        "aangevraagd_door",
        "aanvrager_naam",
        "aanvrager_email",
        "aangevraagd_op",
        "besloten_door",
        "besloten_op",
        "besluit_reden",
        "domein",
        "applicatie",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # requests come from the portal's forms

    def has_delete_permission(self, request, obj=None):
        return False

    transitions = (
        Transition(
            route="accepteren",
            name="accepteren",
            title=_("Aanmelding accepteren"),
            submit_label=_("Accepteren"),
            success_message=_(
                "De aanmelding is geaccepteerd: het domein of de applicatie is aangemaakt en de "
                "aanvrager is de eerste beheerder (en gemaild)."
            ),
            form_class=AcceptForm,
            form_kwargs=lambda aanmelding: {"aanmelding": aanmelding},
            perform=lambda request, aanmelding, data: accept_onboarding_request(
                aanmelding_id=aanmelding.pk,
                by=request.user,
                fhir_base_url=data.get("fhir_base_url") or "",
                confirm_existing=data.get("confirm_existing", False),
            ),
        ),
        Transition(
            route="weigeren",
            name="weigeren",
            title=_("Aanmelding weigeren"),
            submit_label=_("Weigeren"),
            success_message=_("De aanmelding is geweigerd; de aanvrager is gemaild."),
            form_class=ReasonForm,
            perform=lambda request, aanmelding, data: refuse_onboarding_request(
                aanmelding_id=aanmelding.pk, reason=data["reden"], by=request.user
            ),
        ),
    )
