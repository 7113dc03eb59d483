"""Model pieces that several apps share."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$",
    _("Geef een telefoonnummer met alleen cijfers, spaties, haakjes, '-' en eventueel '+'."),
)


class ContactFields(models.Model):
    """Contact person of a domain or an application, as the manual's detail screens show it."""

    contact_naam = models.CharField(_("naam contactpersoon"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"), blank=True)
    contact_telefoon = models.CharField(
        _("telefoonnummer contactpersoon"),
        max_length=40,
        blank=True,
        validators=[phone_validator],
    )

    class Meta:
        abstract = True
