from django.contrib import admin, messages

from applicaties.models import Applicatie
from applicaties.services import SUPPORT_EDITABLE_FIELDS, update_application
from beheer.audit.admin_mixin import AuditedAdminMixin
from beheer.audit.models import AuditEvent
from beheer.errors import ServiceError


@admin.register(Applicatie)
class ApplicatieAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("naam", "leverancier", "soort", "contact_naam", "contact_email", "gewijzigd_op")
    list_filter = ("soort",)
    search_fields = ("naam", "leverancier", "contact_naam", "contact_email")
    autocomplete_fields = ("beheerders",)
    readonly_fields = ("aangemaakt_op", "gewijzigd_op")
    fieldsets = (
        (None, {"fields": ("naam", "leverancier", "soort", "omschrijving")}),
        ("Contactpersoon", {"fields": ("contact_naam", "contact_email", "contact_telefoon")}),
        (
            "Technisch contact",
            {
                "fields": (
                    "technisch_contact_naam",
                    "technisch_contact_email",
                    "technisch_contact_telefoon",
                )
            },
        ),
        ("Applicatiebeheerders", {"fields": ("beheerders",)}),
        ("Registratie", {"fields": ("aangemaakt_op", "gewijzigd_op")}),
    )

    # Creating is recorded here; a change of the data by update_application (the service), of
    # the beheerders here.
    audit_fields = (*SUPPORT_EDITABLE_FIELDS, "beheerders")
    audit_changed_fields = ("beheerders",)
    audit_created_event = AuditEvent.APPLICATIE_AANGEMAAKT

    def audit_event(self, *, created, before, after):
        return AuditEvent.APPLICATIE_AANGEMAAKT if created else AuditEvent.APPLICATIE_BEHEERDERS

    def audit_scope(self, obj):
        return {"applicatie": obj}

    def has_delete_permission(self, request, obj=None):
        # An application with instances or requests is protected by the database anyway;
        # support retires applications by closing their instances.
        return False

    def save_model(self, request, obj, form, change):
        """Changes to an existing application go through the service (a rename re-pushes the
        Devices); creating one is a plain save."""
        if not change:
            return super().save_model(request, obj, form, change)
        changed = {
            f: form.cleaned_data[f] for f in form.changed_data if f in SUPPORT_EDITABLE_FIELDS
        }
        if not changed:
            return None
        try:
            updated = update_application(applicatie_id=obj.pk, by=request.user, **changed)
        except ServiceError as exc:
            # The form was valid, so this is a permission or a race; say so, nothing changed.
            self.message_user(request, exc.message, level=messages.ERROR)
            return None
        obj.gewijzigd_op = updated.gewijzigd_op
        return None
