from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie
from beheer.admin_util import StatusReasonForm, indexed_search, run_transition_view
from domeinen.models import Applicatieinstantie, Domein, InstantieStatus, InstantieStatuswijziging
from domeinen.services import change_instance_status


@admin.register(Domein)
class DomeinAdmin(admin.ModelAdmin):
    list_display = ("naam", "zorgaanbieder", "fhir_base_url", "contact_naam", "contact_email")
    search_fields = ("naam", "zorgaanbieder", "contact_naam", "contact_email")
    autocomplete_fields = ("beheerders",)
    readonly_fields = ("aangemaakt_op", "gewijzigd_op")
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }
    fieldsets = (
        (None, {"fields": ("naam", "zorgaanbieder", "omschrijving")}),
        (_("Technisch"), {"fields": ("fhir_base_url", "token_endpoint")}),
        (_("Contactpersoon"), {"fields": ("contact_naam", "contact_email", "contact_telefoon")}),
        (_("Domeinbeheerders"), {"fields": ("beheerders",)}),
        (_("Registratie"), {"fields": ("aangemaakt_op", "gewijzigd_op")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False


class InstantieHistorieInline(admin.TabularInline):
    model = InstantieStatuswijziging
    fields = ("op", "door", "van_status", "naar_status", "reden")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("door")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Applicatieinstantie)
class ApplicatieinstantieAdmin(admin.ModelAdmin):
    list_display = ("client_id", "applicatie", "domein", "status", "status_sinds")
    list_filter = ("status", "domein")
    list_select_related = ("applicatie", "domein")
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
        "jwks_uri",
        "redirect_uris",
        "aangemaakt_op",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        # Instances are born only by accepting a Connectieaanvraag.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/status/",
                self.admin_site.admin_view(self.status_view),
                name="domeinen_applicatieinstantie_status",
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, pk):
        instance = self.get_object(request, str(pk))
        if instance is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        choices = [(s, InstantieStatus(s).label) for s in instance.allowed_next_statuses]

        def perform(data):
            change_instance_status(
                instance_id=instance.pk,
                new_status=data["status"],
                reason=data["reden"],
                by=request.user,
            )

        return run_transition_view(
            self,
            request,
            instance,
            title=_("Status wijzigen"),
            form_class=StatusReasonForm,
            form_kwargs={"choices": choices},
            perform=perform,
            success_message=_("De status is gewijzigd."),
            submit_label=_("Status wijzigen"),
        )
