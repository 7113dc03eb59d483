from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from beheer.audit.admin_mixin import AuditedAdminMixin
from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from rollen.models import Bereik, Rol, Rolpermissie, Standaardrol


class RolpermissieForm(forms.ModelForm):
    class Meta:
        model = Rolpermissie
        fields = ("resource_type", "operatie", "bereik", "toegestane_applicaties")

    def clean(self):
        data = super().clean()
        granted = data.get("toegestane_applicaties")
        if data.get("bereik") == Bereik.GRANTED and not granted:
            self.add_error(
                "toegestane_applicaties",
                _("Kies bij bereik GRANTED minstens één toegestane applicatie."),
            )
        elif data.get("bereik") in (Bereik.ALL, Bereik.OWN) and granted:
            self.add_error(
                "toegestane_applicaties",
                _("Toegestane applicaties horen alleen bij bereik GRANTED."),
            )
        return data


class _RoleRowsInline(admin.TabularInline):
    """Rows that make up a role: whoever may change the role may add, edit and remove them."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("rollen.change_rol")

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class RolpermissieInline(_RoleRowsInline):
    model = Rolpermissie
    form = RolpermissieForm
    autocomplete_fields = ("toegestane_applicaties",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("toegestane_applicaties")


class StandaardrolInline(_RoleRowsInline):
    model = Standaardrol
    verbose_name = _("standaardrol voor soort")
    verbose_name_plural = _("standaardrol voor deze soorten applicaties")


@admin.register(Rol)
class RolAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_fields = ("naam", "omschrijving")
    audit_created_event = AuditEvent.ROL_AANGEMAAKT
    audit_changed_event = AuditEvent.ROL_GEWIJZIGD
    list_display = ("naam", "omschrijving", "aantal_instanties", "gewijzigd_op")
    search_fields = ("naam", "omschrijving")
    inlines = (RolpermissieInline, StandaardrolInline)
    readonly_fields = ("aangemaakt_op", "gewijzigd_op")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_instanties=Count("instanties"))

    @admin.display(description=_("applicatieinstanties"), ordering="_instanties")
    def aantal_instanties(self, obj):
        return obj._instanties

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.is_in_use:
            # The model's clean() refuses the change too; read-only makes it visible.
            return ("naam", *fields)
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_in_use or obj.standaard_voor.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def audit_snapshot(self, obj):
        """The role with its permission rows and the kinds it is the default for."""
        snapshot = super().audit_snapshot(obj)
        snapshot["permissies"] = sorted(
            " ".join(
                [p.resource_type, p.operatie, p.bereik]
                + [a.naam for a in p.toegestane_applicaties.all()]
            )
            for p in obj.permissies.prefetch_related("toegestane_applicaties")
        )
        snapshot["standaard_voor"] = sorted(s.soort for s in obj.standaard_voor.all())
        return snapshot

    def delete_model(self, request, obj):
        record(event=AuditEvent.ROL_VERWIJDERD, obj=obj, by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for rol in queryset:
            record(event=AuditEvent.ROL_VERWIJDERD, obj=rol, by=request.user)
        super().delete_queryset(request, queryset)
