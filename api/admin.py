"""Support makes domain keys and personal tokens here; each secret is shown once, on one page
that is never cached, and only its hash is stored."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import DomeinApiSleutel, IdpGeheimLezing, PersoonlijkToken
from api.services import (
    create_domain_key,
    create_personal_token,
    revoke_domain_key,
    revoke_personal_token,
    set_idp_secret_scope,
)
from beheer.accounts.models import User
from beheer.errors import ServiceError
from domeinen.models import Domein


class DomainKeyForm(forms.Form):
    domein = forms.ModelChoiceField(label=_("Domein"), queryset=Domein.objects.all())
    naam = forms.CharField(label=_("Omschrijving"), max_length=100)


class PersonalTokenForm(forms.Form):
    gebruiker = forms.ModelChoiceField(
        label=_("Gebruiker"), queryset=User.objects.filter(is_active=True)
    )
    naam = forms.CharField(label=_("Omschrijving"), max_length=100)
    verloopt_op = forms.DateTimeField(label=_("Verloopt op"), required=False)


class _CredentialAdmin(admin.ModelAdmin):
    form_class = None
    autocomplete = ()
    readonly_fields = (
        "naam",
        "prefix",
        "aangemaakt_op",
        "aangemaakt_door",
        "laatst_gebruikt_op",
        "ingetrokken_op",
    )
    actions = ("revoke_selected",)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: last use and who made it stay visible

    def save_model(self, request, obj, form, change):
        return  # nothing is editable; making and revoking go through the services

    def create(self, request, data):
        raise NotImplementedError

    def revoke(self, request, obj):
        raise NotImplementedError

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.form_class(request.POST if request.method == "POST" else None)
        for name in self.autocomplete:
            field = form.fields[name]
            model_field = self.model._meta.get_field(name)
            field.widget = AutocompleteSelect(model_field, self.admin_site)
            field.widget.choices = field.choices
        if request.method == "POST" and form.is_valid():
            try:
                obj, secret = self.create(request, form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_addition(request, obj, [{"added": {}}])
                response = TemplateResponse(
                    request,
                    "admin/api/secret_created.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": _("Nieuwe sleutel"),
                        "opts": self.opts,
                        "object": obj,
                        "secret": secret,
                    },
                )
                response["Cache-Control"] = "no-store"
                return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(name)s maken") % {"name": self.opts.verbose_name},
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "cancel_url": reverse(f"admin:api_{self.opts.model_name}_changelist"),
            "submit_label": _("Maken"),
        }
        return TemplateResponse(request, "admin/kt_service_form.html", context)

    @admin.action(description=_("Geselecteerde sleutels intrekken"))
    def revoke_selected(self, request, queryset):
        done = 0
        for obj in queryset.filter(ingetrokken_op__isnull=True):
            try:
                self.revoke(request, obj)
            except ServiceError as exc:
                self.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d sleutel ingetrokken.", "%(count)d sleutels ingetrokken.", done)
            % {"count": done},
            level=messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(DomeinApiSleutel)
class DomeinApiSleutelAdmin(_CredentialAdmin):
    form_class = DomainKeyForm
    autocomplete = ("domein",)
    list_display = (
        "naam",
        "domein",
        "prefix",
        "aangemaakt_op",
        "laatst_gebruikt_op",
        "ingetrokken_op",
        "mag_idp_geheimen_lezen",
    )
    list_filter = ("domein", "mag_idp_geheimen_lezen")
    list_select_related = ("domein",)
    search_fields = ("naam", "=prefix", "domein__naam")
    readonly_fields = ("domein", *_CredentialAdmin.readonly_fields, "mag_idp_geheimen_lezen")
    actions = ("revoke_selected", "grant_idp_secrets", "withdraw_idp_secrets")

    def _set_idp_scope(self, request, queryset, allowed):
        done = 0
        for obj in queryset:
            try:
                set_idp_secret_scope(key_id=obj.pk, allowed=allowed, by=request.user)
            except ServiceError as exc:
                self.message_user(request, f"{obj}: {exc.message}", level=messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d sleutel bijgewerkt.", "%(count)d sleutels bijgewerkt.", done)
            % {"count": done},
            level=messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Toestemming geven: IdP-geheimen lezen"))
    def grant_idp_secrets(self, request, queryset):
        self._set_idp_scope(request, queryset, True)

    @admin.action(description=_("Toestemming intrekken: IdP-geheimen lezen"))
    def withdraw_idp_secrets(self, request, queryset):
        self._set_idp_scope(request, queryset, False)

    def create(self, request, data):
        return create_domain_key(domein_id=data["domein"].pk, naam=data["naam"], by=request.user)

    def revoke(self, request, obj):
        revoke_domain_key(key_id=obj.pk, by=request.user)


@admin.register(PersoonlijkToken)
class PersoonlijkTokenAdmin(_CredentialAdmin):
    form_class = PersonalTokenForm
    autocomplete = ("gebruiker",)
    list_display = (
        "naam",
        "gebruiker",
        "prefix",
        "aangemaakt_op",
        "verloopt_op",
        "laatst_gebruikt_op",
        "ingetrokken_op",
    )
    list_select_related = ("gebruiker",)
    search_fields = ("naam", "=prefix", "gebruiker__username")
    readonly_fields = ("gebruiker", "verloopt_op", *_CredentialAdmin.readonly_fields)

    def create(self, request, data):
        return create_personal_token(
            gebruiker=data["gebruiker"],
            naam=data["naam"],
            verloopt_op=data["verloopt_op"],
            by=request.user,
        )

    def revoke(self, request, obj):
        revoke_personal_token(token_id=obj.pk, by=request.user)


@admin.register(IdpGeheimLezing)
class IdpGeheimLezingAdmin(admin.ModelAdmin):
    """Every read of a domain's IdP secrets through the API: read-only, never deleted."""

    list_display = ("op", "domein", "sleutel", "ip_adres")
    list_filter = ("domein",)
    list_select_related = ("domein", "sleutel__domein")
    fields = ("op", "domein", "sleutel", "ip_adres", "logische_ids")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
