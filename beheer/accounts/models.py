from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

SUPPORT_GROUP = "support"


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

    @cached_property
    def is_support(self) -> bool:
        """Support (Itzos) may do everything. Asked once per user object, so once per request
        for the session's user."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=SUPPORT_GROUP).exists()
