"""Onboarding requests: a new domain or a new application-ID, reviewed by support.

Chapter 2 of the manual asks for separate forms mailed to support; here the portal takes them
and support decides in the admin. Accepting creates the Domein or Applicatie with the
requester as its first beheerder, which is why this app sits above `domeinen`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie, Soort
from beheer.models_common import Statuswijziging, phone_validator
from domeinen.models import Domein


class AanmeldingSoort(models.TextChoices):
    DOMEIN = "domein", _("Nieuw domein")
    APPLICATIE = "applicatie", _("Nieuw applicatie-ID")


class AanmeldingStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", _("Aangevraagd")
    GEACCEPTEERD = "geaccepteerd", _("Geaccepteerd")
    GEWEIGERD = "geweigerd", _("Geweigerd")


ONBOARDING_TRANSITIONS: dict[str, frozenset[str]] = {
    AanmeldingStatus.AANGEVRAAGD: frozenset(
        {AanmeldingStatus.GEACCEPTEERD, AanmeldingStatus.GEWEIGERD}
    ),
    AanmeldingStatus.GEACCEPTEERD: frozenset(),
    AanmeldingStatus.GEWEIGERD: frozenset(),
}


class Omgeving(models.TextChoices):
    ACC21 = "acc21", "acc21"
    ACC22 = "acc22", "acc22"
    MGR2 = "mgr2", "mgr2"
    PRD2 = "prd2", "prd2"


class Aanmelding(models.Model):
    """A request for a new domain or application-ID, by a logged-in user or (with
    KT_PUBLIC_ONBOARDING) by someone without an account."""

    soort = models.CharField(_("soort"), max_length=20, choices=AanmeldingSoort.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AanmeldingStatus.choices,
        default=AanmeldingStatus.AANGEVRAAGD,
    )
    organisatie = models.CharField(
        _("organisatie"),
        max_length=200,
        help_text=_("De zorgaanbieder (domein) of de leverancier (applicatie)."),
    )
    naam = models.CharField(
        _("gewenste naam"),
        max_length=200,
        help_text=_("De domeinnaam (bijvoorbeeld 'ggz-noord') of de naam van de applicatie."),
    )
    omgeving = models.CharField(_("omgeving"), max_length=10, choices=Omgeving.choices, blank=True)
    applicatie_soort = models.CharField(
        _("soort applicatie"), max_length=20, choices=Soort.choices, blank=True
    )
    fhir_base_url = models.URLField(_("FHIR base URL (indien bekend)"), max_length=500, blank=True)
    contact_naam = models.CharField(_("naam contactpersoon"), max_length=200)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"))
    contact_telefoon = models.CharField(
        _("telefoonnummer contactpersoon"), max_length=40, blank=True, validators=[phone_validator]
    )
    technisch_naam = models.CharField(_("naam technisch contact"), max_length=200, blank=True)
    technisch_email = models.EmailField(_("e-mailadres technisch contact"), blank=True)
    technisch_telefoon = models.CharField(
        _("telefoonnummer technisch contact"),
        max_length=40,
        blank=True,
        validators=[phone_validator],
    )
    toelichting = models.TextField(_("toelichting"), blank=True)

    # Who asked: an account, or (anonymous) a name and address; the first beheerder.
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangevraagd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    aanvrager_naam = models.CharField(_("naam aanvrager"), max_length=200)
    aanvrager_email = models.EmailField(_("e-mailadres aanvrager"))
    aangevraagd_op = models.DateTimeField(_("aangevraagd op"), default=timezone.now)

    besloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besloten door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    besloten_op = models.DateTimeField(_("besloten op"), null=True, blank=True)
    besluit_reden = models.TextField(_("reden van het besluit"), blank=True)
    domein = models.OneToOneField(
        Domein,
        verbose_name=_("domein"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aanmelding",
    )
    applicatie = models.OneToOneField(
        Applicatie,
        verbose_name=_("applicatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aanmelding",
    )

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-aangevraagd_op", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["aangevraagd", "geaccepteerd", "geweigerd"]),
                name="aanmelding_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="aangevraagd", besloten_op__isnull=True)
                    | models.Q(status="geaccepteerd", besloten_op__isnull=False)
                    | (
                        models.Q(status="geweigerd", besloten_op__isnull=False)
                        & ~models.Q(besluit_reden="")
                    )
                ),
                name="aanmelding_decision_consistent",
            ),
        ]
        indexes = [models.Index(fields=["status", "-aangevraagd_op"], name="aanmelding_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_soort_display()}: {self.naam} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == AanmeldingStatus.AANGEVRAAGD


class AanmeldingStatuswijziging(Statuswijziging):
    """One change of an onboarding request's status: who, when, from, to, and why."""

    aanmelding = models.ForeignKey(
        Aanmelding,
        verbose_name=_("aanmelding"),
        on_delete=models.CASCADE,
        related_name="historie",
    )
    van_status = models.CharField(
        _("van"), max_length=20, choices=AanmeldingStatus.choices, blank=True
    )
    naar_status = models.CharField(_("naar"), max_length=20, choices=AanmeldingStatus.choices)
    reden = models.TextField(_("reden"), blank=True)

    class Meta(Statuswijziging.Meta):
        verbose_name = _("statuswijziging aanmelding")
        verbose_name_plural = _("historie aanmelding")
