"""Support's screens for identity providers: the same services as the portal, the secret
write-only (shown as "ingesteld" / "niet ingesteld"), removal with the same confirmation."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from beheer.errors import ServiceError
from identiteit.models import IdentityProvider, IdpWijziging, InstantieIdp
from identiteit.services import create_identity_provider, update_identity_provider

SERVICE_FIELDS = (
    "naam",
    "logische_id",
    "discovery_url",
    "client_id",
    "gebruikersnaam_claim",
    "ingeschakeld",
)


class IdentityProviderAdminForm(forms.ModelForm):
    discovery_url = forms.CharField(label=_("Discovery-URL"), max_length=500)  # service checks
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Wordt versleuteld opgeslagen en nooit getoond. Leeg laten: ongewijzigd."),
    )
    wis_geheim = forms.BooleanField(label=_("Opgeslagen client secret verwijderen"), required=False)

    class Meta:
        model = IdentityProvider
        fields = ("domein", *SERVICE_FIELDS)

    def _post_clean(self):
        pass  # the service validates and saves

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kwargs = {f: data.get(f) for f in SERVICE_FIELDS}
        try:
            if self.instance.pk:
                self.saved = update_identity_provider(
                    idp_id=self.instance.pk,
                    by=self.user,
                    client_secret=data.get("client_secret") or "",
                    clear_secret=data.get("wis_geheim", False),
                    **kwargs,
                )
            else:
                self.saved = create_identity_provider(
                    domein_id=data["domein"].pk,
                    by=self.user,
                    client_secret=data.get("client_secret") or "",
                    **kwargs,
                )
        except ServiceError as exc:
            raise ValidationError(exc.message) from exc
        return data


class InstantieIdpInline(admin.TabularInline):
    model = InstantieIdp
    fields = ("instantie", "gebruikerstype", "positie")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("gebruikt door (wijzigen op de instantiepagina van het portaal)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("instantie__applicatie")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    form = IdentityProviderAdminForm
    list_display = ("naam", "logische_id", "domein", "discovery_url", "geheim", "ingeschakeld")
    list_filter = ("ingeschakeld", "domein")
    list_select_related = ("domein",)
    search_fields = ("naam", "logische_id", "domein__naam")
    inlines = (InstantieIdpInline,)
    fields = ("domein", *SERVICE_FIELDS, "geheim", "client_secret", "wis_geheim", "verwijderen")
    readonly_fields = ("geheim", "verwijderen")
    actions = None

    @method_decorator(sensitive_post_parameters("client_secret"))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("client secret"))
    def geheim(self, obj):
        return _("ingesteld") if obj and obj.heeft_geheim else _("niet ingesteld")

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()

    def get_readonly_fields(self, request, obj=None):
        return ("geheim", "verwijderen", "domein") if obj else ("geheim", "verwijderen")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form_class):
            user = request.user

        return WithUser

    def save_model(self, request, obj, form, change):
        # Saved by the service in the form's clean(); point the admin at the saved row.
        obj.pk = form.saved.pk

    def has_delete_permission(self, request, obj=None):
        # Removal goes through the service with its confirmation (the portal page, which
        # support reaches for every domain); support holds no delete permissions.
        return False

    @admin.display(description=_("verwijderen"))
    def verwijderen(self, obj):
        if not obj or not obj.pk:
            return "—"
        url = reverse("identiteit:verwijderen", args=[obj.domein.naam, obj.logische_id])
        return format_html('<a href="{}">{}</a>', url, _("Verwijderen (met bevestiging)"))


@admin.register(IdpWijziging)
class IdpWijzigingAdmin(admin.ModelAdmin):
    list_display = ("op", "domein", "logische_id", "actie", "door")
    list_filter = ("actie", "domein")
    list_select_related = ("domein", "door")
    fields = ("op", "domein", "identity_provider", "logische_id", "actie", "wijzigingen", "door")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
