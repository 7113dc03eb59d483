from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

SUPPORT_GROUP = "support"

# Reminders before an account's validity ends: this many days before, once each.
VALIDITY_REMINDER_DAYS = (30, 7)


def default_validity_end() -> date:
    """A new (or just reviewed) account is valid for KT_ACCOUNT_VALIDITY_DAYS from today."""
    return timezone.localdate() + timedelta(days=settings.KT_ACCOUNT_VALIDITY_DAYS)


class User(AbstractUser):
    """A person who logs in: domeinbeheerder, applicatiebeheerder, both, or support.

    The roles are not stored here: a user is a domeinbeheerder because a Domein lists them,
    an applicatiebeheerder because an Applicatie does, and support by the `support` group.
    """

    # One name field: Dutch names ("Jan van der Berg") do not split well into first/last.
    first_name = None
    last_name = None
    full_name = models.CharField(_("volledige naam"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"))
    phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    must_change_password = models.BooleanField(
        _("moet wachtwoord wijzigen"),
        default=False,
        help_text=_(
            "Het wachtwoord is door iemand anders ingesteld: bij de volgende aanmelding moet "
            "de gebruiker eerst een eigen wachtwoord kiezen."
        ),
    )

    # Access rights are reviewed at set intervals (NEN 7510): after this date login is refused
    # until a beheerder of one of the person's domains or applications, or support, extends it.
    geldig_tot = models.DateField(
        _("geldig tot en met"),
        default=default_validity_end,
        help_text=_(
            "Na deze datum kan de gebruiker niet meer inloggen, tot een beheerder of support "
            "het account verlengt."
        ),
    )
    # The smallest number of days-before (30, 7) for which a reminder about the current
    # `geldig_tot` was sent; cleared when the account is extended. Keeps reminders once each.
    geldigheid_herinnerd = models.PositiveSmallIntegerField(
        _("herinnering verstuurd (dagen vooraf)"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("Deze gebruikersnaam is al in gebruik."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @property
    def is_expired(self) -> bool:
        """Valid through `geldig_tot` (inclusive), in the portal's time zone."""
        return self.geldig_tot is not None and timezone.localdate() > self.geldig_tot

    @cached_property
    def is_support(self) -> bool:
        """Support (Itzos) may do everything. Asked once per user object, so once per request
        for the session's user."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=SUPPORT_GROUP).exists()
