from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from beheer.accounts import services
from beheer.accounts.forms import AdminPasswordForm
from beheer.accounts.models import User
from beheer.accounts.selectors import lock_state, locked_usernames
from beheer.admin_util import Transition, TransitionAdminMixin
from beheer.audit.admin_mixin import AuditedAdminMixin
from beheer.audit.models import AuditEvent
from beheer.errors import ServiceError


class UserCreationForm(forms.ModelForm):
    """Support never types a password: the new user gets an invitation link by mail."""

    class Meta:
        model = User
        fields = ("username", "email", "full_name", "phone")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class LockedFilter(admin.SimpleListFilter):
    title = _("geblokkeerd")
    parameter_name = "geblokkeerd"

    def lookups(self, request, model_admin):
        return (("ja", _("Ja")), ("nee", _("Nee")))

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(is_locked=True)
        if self.value() == "nee":
            return queryset.filter(is_locked=False)
        return queryset


class ExpiredFilter(admin.SimpleListFilter):
    title = _("geldigheid")
    parameter_name = "geldigheid"

    def lookups(self, request, model_admin):
        return (("verlopen", _("Verlopen")), ("binnen30", _("Verloopt binnen 30 dagen")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "verlopen":
            return queryset.filter(geldig_tot__lt=today)
        if self.value() == "binnen30":
            return queryset.filter(
                geldig_tot__gte=today, geldig_tot__lte=today + timedelta(days=30)
            )
        return queryset


@admin.register(User)
class UserAdmin(AuditedAdminMixin, TransitionAdminMixin, DjangoUserAdmin):
    form = UserEditForm
    # A change (rights, groups, deactivation) is recorded here; creating by create_account.
    audit_fields = (
        "username",
        "full_name",
        "email",
        "phone",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    )
    add_form = UserCreationForm
    change_password_form = AdminPasswordForm
    change_form_template = "admin/accounts/user/change_form.html"
    # Fits a 1280 px screen next to the filters; staff and "must change password" are filters.
    list_display = (
        "username",
        "full_name",
        "email",
        "is_active",
        "locked",
        "two_factor",
        "last_login",
    )
    list_filter = (
        LockedFilter,
        ExpiredFilter,
        "is_active",
        "is_staff",
        "must_change_password",
        "groups",
    )
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    actions = ["unlock_selected", "reset_password_selected", "extend_validity_selected"]
    # No password field: its "Wachtwoord opnieuw instellen" link sat beside the one password
    # action support has, "Wachtwoord resetten" (a one-time link by mail; support never types
    # a password).
    fieldsets = (
        (None, {"fields": ("username", "must_change_password")}),
        (_("Beveiliging"), {"fields": ("lock_state_text", "two_factor_text")}),
        (_("Persoonsgegevens"), {"fields": ("full_name", "email", "phone")}),
        (
            _("Rechten"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Belangrijke datums"), {"fields": ("geldig_tot", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": _(
                    "De gebruiker krijgt een e-mail met een link (24 uur geldig) om zelf een "
                    "wachtwoord te kiezen."
                ),
                "fields": ("username", "email", "full_name", "phone"),
            },
        ),
    )
    readonly_fields = (
        "last_login",
        "date_joined",
        "must_change_password",
        "lock_state_text",
        "two_factor_text",
        # geldig_tot changes only through "Verlengen" (the service): every review is one event.
        "geldig_tot",
    )

    @admin.display(description=_("blokkering"))
    def lock_state_text(self, obj):
        state = lock_state(user=obj)
        if state is None:
            return _("Niet geblokkeerd")
        text = _("Geblokkeerd na %(n)d mislukte aanmeldpogingen") % {"n": state.failures}
        if state.since:
            text += _(", sinds %(since)s") % {"since": formats.localize(localtime(state.since))}
        if state.last_attempt:
            text += _("; laatste poging %(last)s") % {
                "last": formats.localize(localtime(state.last_attempt))
            }
        return text + "."

    @admin.display(description=_("tweestapsverificatie"))
    def two_factor_text(self, obj):
        if obj.has_two_factor:
            return _("Ingesteld (authenticator-app bevestigd)")
        return _("Niet ingesteld: de gebruiker stelt haar in bij de volgende aanmelding")

    def audit_event(self, *, created, before, after):
        if created:
            return None  # services.create_account records the invitation
        if before.get("is_active") and not after.get("is_active"):
            return AuditEvent.ACCOUNT_GEDEACTIVEERD
        return AuditEvent.ACCOUNT_GEWIJZIGD

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: history rows keep pointing at who acted.
        return False

    def has_change_permission(self, request, obj=None):
        # Support may not take over a superuser (set its password, reset its 2FA) nor make one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "is_superuser", "user_permissions")
        return fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                is_locked=Exists(locked_usernames().filter(username=Lower(OuterRef("username")))),
                has_two_factor=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                ),
            )
        )

    @admin.display(description=_("geblokkeerd"), boolean=True, ordering="is_locked")
    def locked(self, obj):
        return obj.is_locked

    @admin.display(description=_("2FA"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj):
        return obj.has_two_factor

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.create_account(user=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("Er is een uitnodiging gestuurd naar %(email)s.") % {"email": obj.email},
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    # --- support actions -------------------------------------------------------------------

    def _run_for_each(self, request, queryset, service, done_message):
        done = 0
        if not request.user.is_superuser:
            for user in queryset.filter(is_superuser=True):
                self.message_user(
                    request, _("%(user)s: niet toegestaan.") % {"user": user}, messages.WARNING
                )
            queryset = queryset.filter(is_superuser=False)
        for user in queryset:
            try:
                service(user_id=user.pk, by=request.user)
            except ServiceError as exc:
                self.message_user(request, f"{user.username}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Account deblokkeren"), permissions=["change"])
    def unlock_selected(self, request, queryset):
        self._run_for_each(
            request,
            queryset,
            services.unlock_account,
            lambda n: (
                ngettext(
                    "%(n)d account gedeblokkeerd; de gebruiker is gemaild.",
                    "%(n)d accounts gedeblokkeerd; de gebruikers zijn gemaild.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Wachtwoord resetten (link per e-mail)"), permissions=["change"])
    def reset_password_selected(self, request, queryset):
        self._run_for_each(
            request,
            queryset,
            services.reset_password,
            lambda n: (
                ngettext(
                    "Wachtwoord van %(n)d account gereset; er is een link gemaild.",
                    "Wachtwoorden van %(n)d accounts gereset; er zijn links gemaild.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Geldigheid verlengen"), permissions=["change"])
    def extend_validity_selected(self, request, queryset):
        self._run_for_each(
            request,
            queryset,
            services.extend_validity,
            lambda n: (
                ngettext(
                    "%(n)d account verlengd.",
                    "%(n)d accounts verlengd.",
                    n,
                )
                % {"n": n}
            ),
        )

    transitions = (
        Transition(
            route="verlengen",
            name="extend_validity",
            title=_("Geldigheid verlengen"),
            submit_label=_("Verlengen"),
            success_message=_("Het account is verlengd; de gebruiker is gemaild."),
            perform=lambda request, user, data: services.extend_validity(
                user_id=user.pk, by=request.user
            ),
        ),
        Transition(
            route="deblokkeren",
            name="unlock",
            title=_("Account deblokkeren"),
            submit_label=_("Account deblokkeren"),
            success_message=_("Het account is gedeblokkeerd; de gebruiker is gemaild."),
            perform=lambda request, user, data: services.unlock_account(
                user_id=user.pk, by=request.user
            ),
        ),
        Transition(
            route="wachtwoord-resetten",
            name="reset_password",
            title=_("Wachtwoord resetten (link per e-mail)"),
            submit_label=_("Wachtwoord resetten"),
            success_message=_(
                "Het wachtwoord werkt niet meer; de gebruiker heeft een link (24 uur geldig) "
                "gemaild gekregen om een nieuw wachtwoord te kiezen."
            ),
            perform=lambda request, user, data: services.reset_password(
                user_id=user.pk, by=request.user
            ),
        ),
        Transition(
            route="tweestapsverificatie-resetten",
            name="reset_two_factor",
            title=_("Tweestapsverificatie resetten"),
            submit_label=_("Tweestapsverificatie resetten"),
            success_message=_(
                "De authenticator en back-upcodes zijn verwijderd; de gebruiker stelt bij de "
                "volgende aanmelding opnieuw tweestapsverificatie in."
            ),
            perform=lambda request, user, data: services.reset_two_factor(
                user_id=user.pk, by=request.user
            ),
        ),
    )
