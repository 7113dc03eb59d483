from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applicaties.models import Applicatie
from beheer.admin_util import ReasonForm, Transition, TransitionAdminMixin, indexed_search
from beheer.errors import ServiceError
from connectieaanvragen.change_services import (
    accept_change,
    file_change,
    refuse_change,
    withdraw_change,
)
from connectieaanvragen.models import (
    AanvraagStatus,
    AanvraagStatuswijziging,
    Connectieaanvraag,
    WijzigingStatuswijziging,
    Wijzigingsverzoek,
)
from connectieaanvragen.services import (
    accept_request,
    file_request,
    refuse_request,
    withdraw_request,
)
from domeinen.models import Applicatieinstantie, Domein
from rollen.models import Rol


class AcceptForm(forms.Form):
    rol = forms.ModelChoiceField(
        label=_("Rol"),
        queryset=Rol.objects.all(),
        required=False,
        empty_label=_("Standaardrol voor de soort applicatie"),
        help_text=_("Wat de applicatieinstantie in het domein mag; later te wijzigen."),
    )
    sleutelcontrole_reden = forms.CharField(
        label=_("Reden om toch te accepteren"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Alleen nodig als de laatste controle van de sleutels niet in orde is; "
            "komt in de historie."
        ),
    )


class AcceptChangeForm(forms.Form):
    sleutelcontrole_reden = AcceptForm.base_fields["sleutelcontrole_reden"]


class OptionalReasonForm(forms.Form):
    reden = forms.CharField(
        label=_("Reden (optioneel)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )


class AanvraagHistorieInline(admin.TabularInline):
    model = AanvraagStatuswijziging
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


class AanvraagAddForm(forms.Form):
    """Support files a request on behalf of an applicatiebeheerder; the service decides."""

    applicatie = forms.ModelChoiceField(label=_("Applicatie"), queryset=Applicatie.objects.all())
    domein = forms.ModelChoiceField(label=_("Domein"), queryset=Domein.objects.all())
    jwks_uri = forms.CharField(label=_("JWKS URI"), max_length=500)
    redirect_uris = forms.CharField(
        label=_("Redirect URI's"),
        required=False,
        max_length=20 * 501,  # at most 20 URIs of 500 characters (beheer.uris)
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Eén URI per regel."),
    )
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("applicatie", "domein"):
            widget = AutocompleteSelect(Connectieaanvraag._meta.get_field(name), admin_site)
            widget.choices = self.fields[name].choices
            self.fields[name].widget = widget


@admin.register(Connectieaanvraag)
class ConnectieaanvraagAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "applicatie",
        "domein",
        "status",
        "aangevraagd_op",
        "aangevraagd_door",
        "besloten_op",
    )
    list_filter = ("status", "domein")
    list_select_related = ("applicatie", "domein", "aangevraagd_door")
    search_fields = ("applicatie__naam", "domein__naam", "jwks_uri", "=instantie__client_id")
    date_hierarchy = "aangevraagd_op"
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Same fields as search_fields, answered through indexes (see indexed_search).
        return indexed_search(
            queryset,
            search_term,
            names={"applicatie": Applicatie.objects.all(), "domein": Domein.objects.all()},
            by_uuid=lambda value: Q(
                instantie__in=Applicatieinstantie.objects.filter(client_id=value).values("pk")
            ),
            url_field="jwks_uri",
        )

    autocomplete_fields = ("applicatie", "domein")
    inlines = (AanvraagHistorieInline,)
    actions = ("accept_selected",)
    # The raw check result is shown as a readable summary (jwks_samenvatting), never edited.
    exclude = ("jwks_resultaat",)
    readonly_fields = (
        "applicatie",
        "domein",
        "jwks_uri",
        "redirect_uris",
        "toelichting",
        "status",
        "aangevraagd_door",
        "aangevraagd_op",
        "besloten_door",
        "besloten_op",
        "besluit_reden",
        "instantie",
        "jwks_gecontroleerd_op",
        "jwks_samenvatting",
    )

    @admin.display(description=_("resultaat JWKS-controle"))
    def jwks_samenvatting(self, obj):
        """The last JWKS check, readable: the keys found (kid/kty/alg/size) or the error."""
        result = obj.jwks_resultaat or {}
        if not obj.jwks_gecontroleerd_op and not result:
            return _("Nog niet gecontroleerd.")
        lines = [str(_("In orde")) if result.get("ok") else str(_("Niet in orde"))]
        if result.get("fout"):
            lines.append(f"{_('Fout')}: {result['fout']}")
        for key in result.get("sleutels") or []:
            size = f"{key['grootte']} bits" if key.get("grootte") else key.get("curve") or "—"
            lines.append(
                f"kid={key.get('kid') or '—'}, kty={key.get('kty') or '—'}, "
                f"alg={key.get('alg') or '—'}, {size}"
            )
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Every field is read-only: a request changes only through Accepteren/Weigeren.
        return

    def add_view(self, request, form_url="", extra_context=None):
        """Filing goes through the service, never through a ModelForm save."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = AanvraagAddForm(data, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                aanvraag = file_request(
                    applicatie_id=data["applicatie"].pk,
                    domein_id=data["domein"].pk,
                    jwks_uri=data["jwks_uri"],
                    redirect_uris=data["redirect_uris"],
                    toelichting=data["toelichting"],
                    by=request.user,
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_addition(request, aanvraag, [{"added": {}}])
                self.message_user(
                    request, _("De connectieaanvraag is ingediend."), level=messages.SUCCESS
                )
                return redirect(
                    reverse("admin:connectieaanvragen_connectieaanvraag_change", args=[aanvraag.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Connectieaanvraag indienen"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "cancel_url": reverse("admin:connectieaanvragen_connectieaanvraag_changelist"),
            "submit_label": _("Aanvragen"),
        }
        return TemplateResponse(request, "admin/kt_service_form.html", context)

    @admin.action(description=_("Geselecteerde aanvragen accepteren"))
    def accept_selected(self, request, queryset):
        accepted = 0
        for aanvraag in queryset.filter(status=AanvraagStatus.AANGEVRAAGD):
            try:
                accept_request(request_id=aanvraag.pk, by=request.user)
            except ServiceError as exc:
                self.message_user(request, f"{aanvraag}: {exc.message}", level=messages.ERROR)
            else:
                accepted += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d aanvraag geaccepteerd.", "%(count)d aanvragen geaccepteerd.", accepted
            )
            % {"count": accepted},
            level=messages.SUCCESS if accepted else messages.WARNING,
        )

    transitions = (
        Transition(
            route="accepteren",
            name="accepteren",
            title=_("Connectieaanvraag accepteren"),
            submit_label=_("Accepteren"),
            success_message=_("De connectieaanvraag is geaccepteerd."),
            form_class=AcceptForm,
            perform=lambda request, aanvraag, data: accept_request(
                request_id=aanvraag.pk,
                by=request.user,
                rol_id=data["rol"].pk if data.get("rol") else None,
                key_check_reason=data.get("sleutelcontrole_reden", ""),
            ),
        ),
        Transition(
            route="weigeren",
            name="weigeren",
            title=_("Connectieaanvraag weigeren"),
            submit_label=_("Weigeren"),
            success_message=_("De connectieaanvraag is geweigerd."),
            form_class=ReasonForm,
            perform=lambda request, aanvraag, data: refuse_request(
                request_id=aanvraag.pk, reason=data["reden"], by=request.user
            ),
        ),
        Transition(
            route="intrekken",
            name="intrekken",
            title=_("Connectieaanvraag intrekken (namens de applicatiebeheerder)"),
            submit_label=_("Intrekken"),
            success_message=_("De connectieaanvraag is ingetrokken."),
            form_class=OptionalReasonForm,
            perform=lambda request, aanvraag, data: withdraw_request(
                request_id=aanvraag.pk, by=request.user, reason=data["reden"]
            ),
        ),
    )


class WijzigingHistorieInline(admin.TabularInline):
    model = WijzigingStatuswijziging
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


class WijzigingAddForm(forms.Form):
    """Support files a change on behalf of an applicatiebeheerder; the service decides."""

    instantie = forms.ModelChoiceField(
        label=_("Applicatieinstantie"),
        queryset=Applicatieinstantie.objects.select_related("applicatie", "domein"),
    )
    jwks_uri = forms.CharField(
        label=_("Nieuwe JWKS URI"),
        max_length=500,
        required=False,
        help_text=_("Leeg: de huidige blijft."),
    )
    redirect_uris = forms.CharField(
        label=_("Nieuwe redirect URI's"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Eén URI per regel; de hele lijst vervangt de huidige."),
    )
    toelichting = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        widget = AutocompleteSelect(Wijzigingsverzoek._meta.get_field("instantie"), admin_site)
        widget.choices = self.fields["instantie"].choices
        self.fields["instantie"].widget = widget


@admin.register(Wijzigingsverzoek)
class WijzigingsverzoekAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "instantie",
        "status",
        "aangevraagd_op",
        "aangevraagd_door",
        "besloten_op",
    )
    list_filter = ("status",)
    list_select_related = (
        "instantie__applicatie",
        "instantie__domein",
        "aangevraagd_door",
    )
    search_fields = ("=instantie__client_id", "jwks_uri")
    date_hierarchy = "aangevraagd_op"
    show_full_result_count = False
    inlines = (WijzigingHistorieInline,)
    exclude = ("jwks_resultaat",)
    readonly_fields = (
        "instantie",
        "status",
        "oude_jwks_uri",
        "jwks_uri",
        "oude_redirect_uris",
        "redirect_uris",
        "toelichting",
        "aangevraagd_door",
        "aangevraagd_op",
        "besloten_door",
        "besloten_op",
        "besluit_reden",
        "jwks_gecontroleerd_op",
        "jwks_samenvatting",
    )
    jwks_samenvatting = ConnectieaanvraagAdmin.jwks_samenvatting

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Every field is read-only: a change request moves only through its transitions.
        return

    def add_view(self, request, form_url="", extra_context=None):
        """Filing goes through the service (which fetches the JWKS URI first)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = WijzigingAddForm(data, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                verzoek = file_change(
                    instance_id=data["instantie"].pk,
                    by=request.user,
                    jwks_uri=data["jwks_uri"] or None,
                    redirect_uris=data["redirect_uris"] if data["redirect_uris"] else None,
                    toelichting=data["toelichting"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                self.log_addition(request, verzoek, [{"added": {}}])
                self.message_user(
                    request, _("Het wijzigingsverzoek is ingediend."), level=messages.SUCCESS
                )
                return redirect(
                    reverse("admin:connectieaanvragen_wijzigingsverzoek_change", args=[verzoek.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Wijzigingsverzoek indienen"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "cancel_url": reverse("admin:connectieaanvragen_wijzigingsverzoek_changelist"),
            "submit_label": _("Aanvragen"),
        }
        return TemplateResponse(request, "admin/kt_service_form.html", context)

    transitions = (
        Transition(
            route="accepteren",
            name="accepteren",
            title=_("Wijzigingsverzoek accepteren"),
            submit_label=_("Accepteren"),
            success_message=_("Het wijzigingsverzoek is geaccepteerd."),
            form_class=AcceptChangeForm,
            perform=lambda request, verzoek, data: accept_change(
                change_id=verzoek.pk,
                by=request.user,
                key_check_reason=data.get("sleutelcontrole_reden", ""),
            ),
        ),
        Transition(
            route="weigeren",
            name="weigeren",
            title=_("Wijzigingsverzoek weigeren"),
            submit_label=_("Weigeren"),
            success_message=_("Het wijzigingsverzoek is geweigerd."),
            form_class=ReasonForm,
            perform=lambda request, verzoek, data: refuse_change(
                change_id=verzoek.pk, reason=data["reden"], by=request.user
            ),
        ),
        Transition(
            route="intrekken",
            name="intrekken",
            title=_("Wijzigingsverzoek intrekken (namens de applicatiebeheerder)"),
            submit_label=_("Intrekken"),
            success_message=_("Het wijzigingsverzoek is ingetrokken."),
            form_class=OptionalReasonForm,
            perform=lambda request, verzoek, data: withdraw_change(
                change_id=verzoek.pk, by=request.user, reason=data["reden"]
            ),
        ),
    )
