from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from beheer.errors import ServiceError
from beheer.outbox.models import Delivery
from beheer.outbox.services import retry_delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: support watches deliveries and retries failed ones through the service.

    The payload is not shown: a password link in it would let support act as the user.
    """

    list_display = (
        "id",
        "created_at",
        "kind",
        "status",
        "recipient",
        "subject",
        "attempts",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("status", "kind", "created_at")
    search_fields = ("recipient", "subject", "=dedupe_key", "last_error")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_selected"]
    fields = (
        "kind",
        "status",
        "recipient",
        "subject",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "dedupe_key",
    )
    readonly_fields = fields

    @admin.display(description=_("laatste fout"))
    def short_error(self, obj):
        return truncatechars(obj.last_error, 80)

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # Never write a whole row from a form: the worker owns status and attempts.
        return None

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Opnieuw proberen"), permissions=["change"])
    def retry_selected(self, request, queryset):
        retried, skipped = 0, 0
        for pk in list(queryset.values_list("pk", flat=True)):
            try:
                retry_delivery(delivery_id=pk)  # refuses rows that have not failed
            except ServiceError:
                skipped += 1
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%d bezorging wordt opnieuw geprobeerd.",
                    "%d bezorgingen worden opnieuw geprobeerd.",
                    retried,
                )
                % retried,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d bezorging is overgeslagen: alleen mislukte bezorgingen kunnen opnieuw.",
                    "%d bezorgingen zijn overgeslagen: alleen mislukte bezorgingen kunnen opnieuw.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
