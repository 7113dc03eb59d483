"""Support reads the whole audit trail here: search, filters, date hierarchy, CSV export.
Read-only: there are no add, change or delete permissions for audit records at all."""

import contextlib
import ipaddress

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from beheer.audit.export import changes_text, csv_response
from beheer.audit.models import AuditEvent, AuditRecord


class EventFilter(admin.SimpleListFilter):
    """The known events as choices (no DISTINCT over the whole table)."""

    title = _("gebeurtenis")
    parameter_name = "gebeurtenis"

    def lookups(self, request, model_admin):
        return AuditEvent.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(gebeurtenis=self.value())
        return queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("soort object")
    parameter_name = "object_type"
    TYPES = (
        ("domein", _("domein")),
        ("applicatie", _("applicatie")),
        ("connectieaanvraag", _("connectieaanvraag")),
        ("applicatieinstantie", _("applicatieinstantie")),
        ("rol", _("rol")),
        ("domeinapisleutel", _("API-sleutel")),
        ("persoonlijktoken", _("persoonlijk token")),
        ("user", _("gebruiker")),
    )

    def lookups(self, request, model_admin):
        return self.TYPES

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(object_type=self.value())
        return queryset


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("op", "gebeurtenis_label", "door_label", "ip_adres", "object_label", "changes")
    list_filter = (EventFilter, ObjectTypeFilter)
    search_fields = ("door_label", "object_label", "=object_id", "=ip_adres")
    date_hierarchy = "op"
    show_full_result_count = False
    list_per_page = 50
    actions = ("export_csv",)
    fields = (
        "op",
        "gebeurtenis",
        "door",
        "door_label",
        "ip_adres",
        "object_type",
        "object_id",
        "object_label",
        "domein_id",
        "applicatie_id",
        "wijzigingen",
    )
    readonly_fields = fields

    @admin.display(description=_("gebeurtenis"), ordering="gebeurtenis")
    def gebeurtenis_label(self, obj):
        return obj.gebeurtenis_label

    @admin.display(description=_("wijzigingen"))
    def changes(self, obj):
        return changes_text(obj.wijzigingen or {})

    def get_search_results(self, request, queryset, search_term):
        """Every word must match the person, the object's name, the object's id (exactly) or
        the address (exactly, when the word is one). Django's default compares the id and
        the address with `UPPER(...) = UPPER(...)`, which no index answers, so every search
        read all records; this form is answered from indexes on PostgreSQL (the trigram
        indexes of migration audit/0004 and the B-trees on object_id and ip_adres)."""
        for word in smart_split(search_term or ""):
            if word[0] in "\"'" and word[-1] == word[0] and len(word) > 1:
                word = unescape_string_literal(word)
            condition = (
                Q(door_label__icontains=word)
                | Q(object_label__icontains=word)
                | Q(object_id=word[:64])
            )
            with contextlib.suppress(ValueError):
                condition |= Q(ip_adres=str(ipaddress.ip_address(word)))
            queryset = queryset.filter(condition)
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Exporteren als CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        """The selected records (or, with "select all", the whole filtered view) as CSV."""
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return csv_response(queryset.order_by("-op", "-id"), filename=f"logboek-{stamp}.csv")
