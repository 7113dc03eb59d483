"""Model pieces that several apps share."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

# The phone numbers of onboarding requests (aanmeldingen): the person types what they know;
# support checks it before a domain or application is made from it (contact data of domains and
# applications use PhoneNumberField).
phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$",
    _("Geef een telefoonnummer met alleen cijfers, spaties, haakjes, '-' en eventueel '+'."),
)


class ContactFields(models.Model):
    """Contact person of a domain or an application, as the manual's detail screens show it."""

    contact_naam = models.CharField(_("naam contactpersoon"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"), blank=True)
    # Dutch and international numbers (django-phonenumber-field: Google's libphonenumber),
    # stored in E.164 (+31301234567); a number without country code is read as Dutch
    # (PHONENUMBER_DEFAULT_REGION). Shown readably with the `telefoon` template filter.
    contact_telefoon = PhoneNumberField(
        _("telefoonnummer contactpersoon"),
        max_length=40,
        blank=True,
        help_text=_("Bijvoorbeeld 030 123 4567, 06 1234 5678 of +32 2 212 34 56."),
    )

    class Meta:
        abstract = True


class Statuswijziging(models.Model):
    """One row of a lifecycle's history: who, when, from, to (and, in the subclass, why).

    Each lifecycle has its own history table (instances, requests) with a foreign key to its
    object and `van_status`/`naar_status` fields that carry that lifecycle's choices; the
    rows are written only by the services that move the status.
    """

    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    op = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-op", "-id"]

    def __str__(self) -> str:
        return f"{self.van_status or '—'} → {self.naar_status}"
