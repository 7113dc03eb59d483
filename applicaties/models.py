from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from beheer.models_common import ContactFields


class Soort(models.TextChoices):
    EPD = "epd", _("EPD")
    BEHANDELPORTAAL = "behandelportaal", _("Behandelportaal")
    PATIENTPORTAAL = "patientportaal", _("Patiëntportaal")
    EHEALTH_MODULE = "ehealth_module", _("eHealth module")
    ROM = "rom", _("ROM")
    OVERIG = "overig", _("Overig")


class Applicatie(ContactFields):
    """An application of an IT-deelnemer (vendor) that may join Koppeltaal domains."""

    naam = models.CharField(_("naam"), max_length=200, unique=True)
    leverancier = models.CharField(_("leverancier (IT-deelnemer)"), max_length=200)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices, default=Soort.OVERIG)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    beheerders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicatiebeheerders"),
        related_name="beheerde_applicaties",
        blank=True,
    )
    # Who a domeinbeheerder calls about keys, endpoints or a failing connection (the review
    # page shows it beside the contact person); optional.
    technisch_contact_naam = models.CharField(
        _("naam technisch contact"), max_length=200, blank=True
    )
    technisch_contact_email = models.EmailField(_("e-mailadres technisch contact"), blank=True)
    technisch_contact_telefoon = PhoneNumberField(
        _("telefoonnummer technisch contact"), max_length=40, blank=True
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("applicatie")
        verbose_name_plural = _("applicaties")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam
