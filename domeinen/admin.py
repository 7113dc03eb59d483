from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie
from beheer.admin_util import (
    ReasonForm,
    StatusReasonForm,
    Transition,
    TransitionAdminMixin,
    indexed_search,
)
from beheer.errors import ServiceError
from domeinen.devices import request_device_sync
from domeinen.models import (
    Applicatieinstantie,
    DeviceCreation,
    Domein,
    InstantieStatus,
    InstantieStatuswijziging,
)
from domeinen.services import change_instance_role, change_instance_status
from rollen.models import Rol


class RoleReasonForm(ReasonForm):
    field_order = ["rol", "reden"]

    def __init__(self, *args, current_rol_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rol"] = forms.ModelChoiceField(
            label=_("Nieuwe rol"),
            queryset=Rol.objects.exclude(pk=current_rol_id),
            error_messages={"required": _("Kies de nieuwe rol.")},
        )
        self.order_fields(self.field_order)


class DomeinAdminForm(forms.ModelForm):
    fhir_base_url = forms.URLField(label=_("FHIR base URL"), max_length=500, assume_scheme="https")
    token_endpoint = forms.URLField(
        label=_("token endpoint"),
        max_length=500,
        assume_scheme="https",
        required=False,
        help_text=Domein._meta.get_field("token_endpoint").help_text,
    )
    fhir_device_creation = forms.ChoiceField(
        label=Domein._meta.get_field("fhir_device_creation").verbose_name,
        choices=DeviceCreation.choices,
        initial=DeviceCreation.CLIENT_ID,
        required=False,
        help_text=Domein._meta.get_field("fhir_device_creation").help_text,
    )

    class Meta:
        model = Domein
        fields = (
            "naam",
            "zorgaanbieder",
            "omschrijving",
            "fhir_base_url",
            "token_endpoint",
            "fhir_auth",
            "portal_client_id",
            "fhir_auth_token_env",
            "fhir_device_creation",
            "contact_naam",
            "contact_email",
            "contact_telefoon",
            "beheerders",
        )

    def clean_fhir_device_creation(self):
        # Not sent (an older form, a script): the default, today's behaviour.
        return self.cleaned_data.get("fhir_device_creation") or DeviceCreation.CLIENT_ID

    def clean(self):
        cleaned = super().clean()
        probe = Domein(
            fhir_auth=cleaned.get("fhir_auth") or "",
            portal_client_id=cleaned.get("portal_client_id") or "",
            fhir_auth_token_env=cleaned.get("fhir_auth_token_env") or "",
        )
        problem = probe.fhir_auth_problem()
        if problem:
            field = "portal_client_id" if probe.fhir_auth == "smart" else "fhir_auth_token_env"
            self.add_error(field, problem)
        return cleaned


@admin.register(Domein)
class DomeinAdmin(admin.ModelAdmin):
    form = DomeinAdminForm
    list_display = ("naam", "zorgaanbieder", "fhir_base_url", "contact_naam", "contact_email")
    search_fields = ("naam", "zorgaanbieder", "contact_naam", "contact_email")
    autocomplete_fields = ("beheerders",)
    readonly_fields = ("aangemaakt_op", "gewijzigd_op")
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }
    fieldsets = (
        (None, {"fields": ("naam", "zorgaanbieder", "omschrijving")}),
        (
            _("Technisch"),
            {
                "fields": (
                    "fhir_base_url",
                    "token_endpoint",
                    "fhir_auth",
                    "portal_client_id",
                    "fhir_auth_token_env",
                    "fhir_device_creation",
                )
            },
        ),
        (_("Contactpersoon"), {"fields": ("contact_naam", "contact_email", "contact_telefoon")}),
        (_("Domeinbeheerders"), {"fields": ("beheerders",)}),
        (_("Registratie"), {"fields": ("aangemaakt_op", "gewijzigd_op")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False


class InstantieHistorieInline(admin.TabularInline):
    model = InstantieStatuswijziging
    fields = (
        "op",
        "door",
        "soort",
        "van_status",
        "naar_status",
        "van_rol",
        "naar_rol",
        "van_waarden",
        "naar_waarden",
        "reden",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("door", "van_rol", "naar_rol")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Applicatieinstantie)
class ApplicatieinstantieAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = (
        "client_id",
        "applicatie",
        "domein",
        "status",
        "rol",
        "status_sinds",
        "fhir_status",
        "sleutels_status",
    )
    list_filter = ("status", "fhir_status", "sleutels_status", "rol", "domein")
    actions = ("resync_devices",)
    list_select_related = ("applicatie", "domein", "rol")
    search_fields = ("=client_id", "applicatie__naam", "domein__naam")
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Same fields as search_fields, answered through indexes (see indexed_search).
        return indexed_search(
            queryset,
            search_term,
            names={"applicatie": Applicatie.objects.all(), "domein": Domein.objects.all()},
            by_uuid=lambda value: Q(client_id=value),
        )

    inlines = (InstantieHistorieInline,)
    fields = (
        "client_id",
        "applicatie",
        "domein",
        "status",
        "status_sinds",
        "rol",
        "jwks_uri",
        "redirect_uris",
        "aangemaakt_op",
        "device_id",
        "fhir_status",
        "fhir_version",
        "fhir_error",
        "fhir_synced_at",
        "sleutels_status",
        "sleutels_sinds",
        "sleutels_gecontroleerd_op",
        "sleutels_fout",
        "sleutels_fouten_op_rij",
        "sleutels_certificaat_verloopt_op",
    )
    readonly_fields = fields

    @admin.action(description=_("Opnieuw synchroniseren"))
    def resync_devices(self, request, queryset):
        """Push the selected instances' Devices again (after commit, never blocking)."""
        try:
            # A subquery, not a list of ids: "select all" at production size would pass more
            # ids than PostgreSQL takes as parameters of one statement (65,535).
            count = request_device_sync(instance_ids=queryset.values("pk"), by=request.user)
        except ServiceError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return
        self.message_user(
            request,
            _("%(count)d Device(s) opnieuw aangeboden aan de FHIR-server; zie de FHIR-status.")
            % {"count": count},
            level=messages.SUCCESS,
        )

    def has_add_permission(self, request):
        # Instances are born only by accepting a Connectieaanvraag.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    transitions = (
        Transition(
            route="status",
            name="status",
            title=_("Status wijzigen"),
            submit_label=_("Status wijzigen"),
            success_message=_("De status is gewijzigd."),
            form_class=StatusReasonForm,
            form_kwargs=lambda instance: {
                "choices": [(s, InstantieStatus(s).label) for s in instance.allowed_next_statuses]
            },
            perform=lambda request, instance, data: change_instance_status(
                instance_id=instance.pk,
                new_status=data["status"],
                reason=data["reden"],
                by=request.user,
            ),
        ),
        Transition(
            route="fhir-sync",
            name="fhir_sync",
            title=_("Device opnieuw synchroniseren"),
            submit_label=_("Opnieuw synchroniseren"),
            success_message=_(
                "Het Device is opnieuw aangeboden aan de FHIR-server; zie de FHIR-status."
            ),
            perform=lambda request, instance, data: request_device_sync(
                instance_ids=[instance.pk], by=request.user
            ),
        ),
        Transition(
            route="rol",
            name="rol",
            title=_("Rol wijzigen"),
            submit_label=_("Rol wijzigen"),
            success_message=_("De rol is gewijzigd."),
            form_class=RoleReasonForm,
            form_kwargs=lambda instance: {"current_rol_id": instance.rol_id},
            perform=lambda request, instance, data: change_instance_role(
                instance_id=instance.pk,
                rol_id=data["rol"].pk,
                reason=data["reden"],
                by=request.user,
            ),
        ),
    )
