from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beheer.accounts import services
from beheer.audit import context as audit_context


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form with one message for every failure: it never tells which part was
    wrong, nor whether the account exists."""

    error_messages = {
        "invalid_login": _(
            "Deze combinatie van gebruikersnaam en wachtwoord is onbekend. "
            "Na te veel pogingen wordt de gebruikersnaam geblokkeerd."
        ),
        "inactive": _(
            "Deze combinatie van gebruikersnaam en wachtwoord is onbekend. "
            "Na te veel pogingen wordt de gebruikersnaam geblokkeerd."
        ),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean(self):
        # AuthenticationForm sets the username field's max_length for the widget only, without
        # its validator: a name longer than any username gets the one failure message here and
        # never reaches authenticate() (whose failure record, axes', holds 255 characters).
        username = self.cleaned_data.get("username")
        if username is not None and len(username) > self.fields["username"].max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return super().clean()

    def confirm_login_allowed(self, user):
        """The password was right; an account past its validity date still may not log in.
        Said plainly (the password was right, so this reveals nothing to a guesser), with
        where to go; the account itself is left as it is."""
        super().confirm_login_allowed(user)
        if user.is_expired:
            raise forms.ValidationError(expired_account_message(user), code="expired")


def expired_account_message(user) -> str:
    """The one Dutch message for an account past its date (login form, session, API token)."""
    message = gettext(
        "Uw account is verlopen: het was geldig tot en met %(date)s. Vraag een medebeheerder "
        "van uw domein of applicatie om het te verlengen, of neem contact op met support."
    ) % {"date": date_format(user.geldig_tot, "j F Y")}
    contact = ", ".join(p for p in (settings.KT_SUPPORT_EMAIL, settings.KT_SUPPORT_PHONE) if p)
    if contact:
        message += " " + gettext("Support: %(contact)s.") % {"contact": contact}
    return message


class OwnPasswordMixin:
    """Saving goes through the service, which also clears the forced-change flag."""

    def save(self, commit=True):
        return services.set_own_password(
            user_id=self.user.pk, password=self.cleaned_data["new_password1"]
        )


class PasswordChangeForm(OwnPasswordMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(OwnPasswordMixin, auth_forms.SetPasswordForm):
    pass


class PasswordForgottenForm(forms.Form):
    identifier = forms.CharField(
        label=_("Gebruikersnaam of e-mailadres"),
        max_length=254,
        error_messages={"required": _("Vul uw gebruikersnaam of e-mailadres in.")},
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": _("Vul de code in.")},
    )


class AdminPasswordForm(auth_forms.AdminPasswordChangeForm):
    """Support types a password in the admin: it works once, then the user must change it."""

    def save(self, commit=True):
        if self.cleaned_data.get("set_usable_password", True) is False:
            return super().save(commit=commit)
        return services.set_password_by_other(
            user_id=self.user.pk,
            password=self.cleaned_data["password1"],
            by=audit_context.request_user.get(),  # the admin builds this form; not its caller
        )
