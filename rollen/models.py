"""Roles: what an application instance may do on its domain's FHIR server.

A Rol lists permissions: resource type x operation x scope. The authorization server turns an
instance's role into SMART scopes (`rollen.scopes.render_scopes`).

Roles are platform-wide (support manages them; every domain chooses from the same list), while
Devices exist per domain. So GRANTED lists *applications*, not instances: "resources that
application X created". For an instance in domain D it resolves to the Devices of X's instances
in D (see `domeinen.selectors.scope_context`). A grant to an instance of another domain
would mean nothing on D's FHIR server.

This app sits between `applicaties` and `domeinen`: it knows applications; `domeinen` points
each Applicatieinstantie at a Rol.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie, Soort


class ResourceType(models.TextChoices):
    """The FHIR resource types Koppeltaal 2.0 uses (manual, section 1.5), in the manual's order."""

    ORGANIZATION = "Organization", "Organization"
    DEVICE = "Device", "Device"
    ACTIVITY_DEFINITION = "ActivityDefinition", "ActivityDefinition"
    PRACTITIONER = "Practitioner", "Practitioner"
    CARE_TEAM = "CareTeam", "CareTeam"
    PATIENT = "Patient", "Patient"
    TASK = "Task", "Task"
    ENDPOINT = "Endpoint", "Endpoint"
    SUBSCRIPTION = "Subscription", "Subscription"
    AUDIT_EVENT = "AuditEvent", "AuditEvent"


class Operatie(models.TextChoices):
    CREATE = "create", _("aanmaken (create)")
    READ = "read", _("lezen en zoeken (read)")
    UPDATE = "update", _("wijzigen (update)")
    DELETE = "delete", _("verwijderen (delete)")


class Bereik(models.TextChoices):
    ALL = "ALL", _("ALL: alle resources")
    OWN = "OWN", _("OWN: resources van deze applicatieinstantie")
    GRANTED = "GRANTED", _("GRANTED: resources van de toegestane applicaties")


ROLE_NAME_LOCKED_MESSAGE = _(
    "De naam van een rol die in gebruik is bij een applicatieinstantie kan niet meer wijzigen."
)


class Rol(models.Model):
    naam = models.CharField(
        _("naam"),
        max_length=100,
        unique=True,
        help_text=_("Kan niet meer wijzigen zodra een applicatieinstantie de rol heeft."),
        error_messages={"unique": _("Er bestaat al een rol met deze naam.")},
    )
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam

    @property
    def is_in_use(self) -> bool:
        # Reverse relation from domeinen.Applicatieinstantie (no import: domeinen depends on us).
        return self.pk is not None and self.instanties.exists()

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        stored = type(self).objects.filter(pk=self.pk).values_list("naam", flat=True).first()
        if stored is not None and stored != self.naam and self.is_in_use:
            raise ValidationError({"naam": ROLE_NAME_LOCKED_MESSAGE})


class Rolpermissie(models.Model):
    """One permission of a role: may <operatie> <resource_type> within <bereik>."""

    rol = models.ForeignKey(
        Rol, verbose_name=_("rol"), on_delete=models.CASCADE, related_name="permissies"
    )
    resource_type = models.CharField(_("resourcetype"), max_length=30, choices=ResourceType.choices)
    operatie = models.CharField(_("operatie"), max_length=10, choices=Operatie.choices)
    bereik = models.CharField(
        _("bereik"), max_length=10, choices=Bereik.choices, default=Bereik.OWN
    )
    toegestane_applicaties = models.ManyToManyField(
        Applicatie,
        verbose_name=_("toegestane applicaties (GRANTED)"),
        related_name="+",
        blank=True,
        help_text=_(
            "Alleen bij bereik GRANTED: de applicaties wier resources (in hetzelfde domein) "
            "toegankelijk zijn."
        ),
    )

    class Meta:
        verbose_name = _("permissie")
        verbose_name_plural = _("permissies")
        ordering = ["rol", "resource_type", "operatie", "bereik"]
        constraints = [
            models.UniqueConstraint(
                fields=["rol", "resource_type", "operatie", "bereik"],
                name="rolpermissie_unique",
                violation_error_message=_("Deze permissie staat al bij de rol."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    resource_type__in=ResourceType.values,
                    operatie__in=Operatie.values,
                    bereik__in=Bereik.values,
                ),
                name="rolpermissie_values_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}.{self.operatie} ({self.bereik})"


class Standaardrol(models.Model):
    """The role an instance gets when the domeinbeheerder accepts without choosing one."""

    soort = models.CharField(
        _("soort applicatie"),
        max_length=20,
        choices=Soort.choices,
        unique=True,
        error_messages={"unique": _("Voor deze soort is al een standaardrol gekozen.")},
    )
    rol = models.ForeignKey(
        Rol, verbose_name=_("rol"), on_delete=models.PROTECT, related_name="standaard_voor"
    )

    class Meta:
        verbose_name = _("standaardrol")
        verbose_name_plural = _("standaardrollen")
        ordering = ["soort"]

    def __str__(self) -> str:
        return f"{self.get_soort_display()}: {self.rol}"
