from django.contrib import admin

from applicaties.models import Applicatie


@admin.register(Applicatie)
class ApplicatieAdmin(admin.ModelAdmin):
    list_display = ("naam", "leverancier", "soort", "contact_naam", "contact_email", "gewijzigd_op")
    list_filter = ("soort",)
    search_fields = ("naam", "leverancier", "contact_naam", "contact_email")
    autocomplete_fields = ("beheerders",)
    readonly_fields = ("aangemaakt_op", "gewijzigd_op")
    fieldsets = (
        (None, {"fields": ("naam", "leverancier", "soort", "omschrijving")}),
        ("Contactpersoon", {"fields": ("contact_naam", "contact_email", "contact_telefoon")}),
        ("Applicatiebeheerders", {"fields": ("beheerders",)}),
        ("Registratie", {"fields": ("aangemaakt_op", "gewijzigd_op")}),
    )

    def has_delete_permission(self, request, obj=None):
        # An application with instances or requests is protected by the database anyway;
        # support retires applications by closing their instances.
        return False
