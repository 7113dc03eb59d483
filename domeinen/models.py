import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie
from beheer.fhir.auth import (
    AUTH_BEARER,
    AUTH_NONE,
    AUTH_SMART,
    TOKEN_ENV_RE,
    smart_configuration_url,
)
from beheer.models_common import ContactFields, Statuswijziging
from rollen.models import Rol

domein_naam_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _(
        "Een domeinnaam bestaat uit kleine letters, cijfers en koppeltekens, "
        "begint en eindigt met een letter of cijfer en is hoogstens 63 tekens lang."
    ),
)


class FhirAuth(models.TextChoices):
    SMART = AUTH_SMART, _("SMART backend services (client assertion)")
    BEARER = AUTH_BEARER, _("Vast bearer-token uit een omgevingsvariabele")
    GEEN = AUTH_NONE, _("Geen (alleen voor lokale testservers)")


class DeviceCreation(models.TextChoices):
    """How the portal creates a KT2Device on the domain's FHIR server (see docs/fhir.md)."""

    CLIENT_ID = "client_id", _("Het portaal kiest het id: PUT Device/<client-Id>")
    SERVER = "server", _("De FHIR-server kiest het id: POST Device met If-None-Exist")


token_env_validator = RegexValidator(
    TOKEN_ENV_RE.pattern,
    _(
        "De naam van de omgevingsvariabele begint met KT_FHIR_TOKEN_ en bevat alleen "
        "hoofdletters, cijfers en '_'."
    ),
)


class Domein(ContactFields):
    """A care provider's Koppeltaal domain: its own FHIR server and authorization server."""

    naam = models.CharField(
        _("naam"),
        max_length=63,
        unique=True,
        validators=[domein_naam_validator],
        help_text=_("Deel van de URL van de FHIR-server, bijvoorbeeld 'ggz-noord'."),
    )
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    zorgaanbieder = models.CharField(_("zorgaanbieder"), max_length=200)
    fhir_base_url = models.URLField(_("FHIR base URL"), max_length=500)
    token_endpoint = models.URLField(
        _("token endpoint"),
        max_length=500,
        blank=True,
        help_text=_(
            "Leeg: het portaal leest het token endpoint uit "
            "<FHIR base URL>/.well-known/smart-configuration."
        ),
    )
    fhir_auth = models.CharField(
        _("authenticatie bij de FHIR-server"),
        max_length=10,
        choices=FhirAuth.choices,
        default=FhirAuth.SMART,
    )
    portal_client_id = models.CharField(
        _("client-Id van het portaal"),
        max_length=200,
        blank=True,
        help_text=_(
            "De client-Id waarmee dit portaal zich bij dit domein aanmeldt (SMART backend "
            "services: iss en sub van de client assertion)."
        ),
    )
    fhir_auth_token_env = models.CharField(
        _("omgevingsvariabele met het bearer-token"),
        max_length=80,
        blank=True,
        validators=[token_env_validator],
        help_text=_(
            "Alleen bij een vast bearer-token: de náám van de omgevingsvariabele (bijvoorbeeld "
            "KT_FHIR_TOKEN_GGZ_NOORD) waarin het token staat. Het token zelf staat nooit in "
            "de database."
        ),
    )
    fhir_device_creation = models.CharField(
        _("aanmaken van Devices"),
        max_length=10,
        choices=DeviceCreation.choices,
        default=DeviceCreation.CLIENT_ID,
        help_text=_(
            "Een FHIR-server die geen door de client gekozen id's toestaat (zoals de "
            "Koppeltaal-referentieserver) vraagt om 'De FHIR-server kiest het id'."
        ),
    )
    beheerders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("domeinbeheerders"),
        related_name="beheerde_domeinen",
        blank=True,
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("domein")
        verbose_name_plural = _("domeinen")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam

    @property
    def smart_configuration_url(self) -> str:
        """Where the token endpoint is read when none is configured."""
        return smart_configuration_url(self.fhir_base_url)

    def fhir_auth_problem(self) -> str:
        """Why this domain's FHIR auth is incomplete (Dutch), or ''. Checked by the admin
        form; not in clean(), so a domeinbeheerder editing contact data is never blocked by it."""
        if self.fhir_auth == FhirAuth.SMART and not self.portal_client_id.strip():
            return _("Geef de client-Id van het portaal in dit domein op.")
        if self.fhir_auth == FhirAuth.BEARER and not self.fhir_auth_token_env:
            return _("Geef de naam van de omgevingsvariabele met het bearer-token op.")
        return ""


# How far ahead the key check warns that an x5c certificate expires.
CERT_WARNING_DAYS = 30
CERT_WARNING = timedelta(days=CERT_WARNING_DAYS)


class InstantieStatus(models.TextChoices):
    ACTIEF = "actief", _("Actief")
    IN_ONDERHOUD = "in_onderhoud", _("In onderhoud")
    AFGESLOTEN = "afgesloten", _("Afgesloten")


# The lifecycle of an Applicatieinstantie: allowed moves from each status. Afgesloten is final.
INSTANCE_TRANSITIONS: dict[str, frozenset[str]] = {
    InstantieStatus.ACTIEF: frozenset({InstantieStatus.IN_ONDERHOUD}),
    InstantieStatus.IN_ONDERHOUD: frozenset({InstantieStatus.ACTIEF, InstantieStatus.AFGESLOTEN}),
    InstantieStatus.AFGESLOTEN: frozenset(),
}


class SleutelStatus(models.TextChoices):
    """The daily check of an instance's JWKS URI (`manage.py check_jwks`)."""

    ONBEKEND = "onbekend", _("Nog niet gecontroleerd")
    IN_ORDE = "in_orde", _("In orde")
    FOUT = "fout", _("Fout")


class FhirStatus(models.TextChoices):
    ONBEKEND = "onbekend", _("Onbekend")
    WACHTEND = "wachtend", _("Wachtend")
    GESYNCHRONISEERD = "gesynchroniseerd", _("Gesynchroniseerd")
    MISLUKT = "mislukt", _("Mislukt")


class Applicatieinstantie(models.Model):
    """An Applicatie admitted to a Domein, with its own client_id and its KT2Device.

    The Device's logical id is `client_id` when the domain lets the portal choose it, and the
    id the FHIR server assigned otherwise (`device_id`; see docs/fhir.md).

    Born only by accepting a Connectieaanvraag; the request points here
    (`connectieaanvraag`), so this app does not depend on the requests app.
    """

    applicatie = models.ForeignKey(
        Applicatie,
        verbose_name=_("applicatie"),
        on_delete=models.PROTECT,
        related_name="instanties",
    )
    domein = models.ForeignKey(
        Domein, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="instanties"
    )
    client_id = models.UUIDField(_("client-Id"), unique=True, default=uuid.uuid4, editable=False)
    jwks_uri = models.URLField(_("JWKS URI"), max_length=500)
    redirect_uris = models.JSONField(_("redirect URI's"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InstantieStatus.choices,
        default=InstantieStatus.ACTIEF,
    )
    status_sinds = models.DateTimeField(_("status sinds"), default=timezone.now)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    # The KT2Device on the domain's FHIR server: written after commit, never inside a decision.
    fhir_status = models.CharField(
        _("FHIR-status"),
        max_length=20,
        choices=FhirStatus.choices,
        default=FhirStatus.ONBEKEND,
    )
    device_id = models.CharField(
        _("Device-id"),
        max_length=64,
        blank=True,
        help_text=_("Het logische id van het Device op de FHIR-server van het domein."),
    )
    fhir_version = models.CharField(_("Device-versie"), max_length=64, blank=True)
    fhir_error = models.TextField(_("laatste FHIR-fout"), blank=True)
    fhir_synced_at = models.DateTimeField(_("laatst gesynchroniseerd op"), null=True, blank=True)
    # What the instance may do on the domain's FHIR server (scopes from the authorization server).
    rol = models.ForeignKey(
        Rol,
        verbose_name=_("rol"),
        on_delete=models.PROTECT,
        related_name="instanties",
    )
    # The daily key check (record_key_check): the state, since when it is so, the reason of a
    # failure, how many checks failed in a row (a mail goes out at the second), whether that
    # mail went out (then one more goes out when it is good again), and the earliest expiry of
    # an x5c certificate among the keys (a warning 30 days ahead, mailed once per date).
    sleutels_status = models.CharField(
        _("sleutelcontrole"),
        max_length=10,
        choices=SleutelStatus.choices,
        default=SleutelStatus.ONBEKEND,
    )
    sleutels_sinds = models.DateTimeField(_("sleutelcontrole zo sinds"), null=True, blank=True)
    sleutels_gecontroleerd_op = models.DateTimeField(
        _("sleutels laatst gecontroleerd op"), null=True, blank=True
    )
    sleutels_fout = models.TextField(_("fout bij de sleutelcontrole"), blank=True)
    sleutels_fouten_op_rij = models.PositiveIntegerField(_("mislukte controles op rij"), default=0)
    sleutels_fout_gemeld = models.BooleanField(_("fout gemeld"), default=False)
    sleutels_certificaat_verloopt_op = models.DateTimeField(
        _("eerste certificaat (x5c) verloopt op"), null=True, blank=True
    )
    sleutels_verloop_gemeld_voor = models.DateTimeField(
        _("verloop gemeld voor"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("applicatieinstantie")
        verbose_name_plural = _("applicatieinstanties")
        ordering = ["-aangemaakt_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicatie", "domein"],
                condition=~models.Q(status="afgesloten"),
                name="domeinen_instantie_one_open_per_pair",
                violation_error_message=_(
                    "Deze applicatie heeft in dit domein al een applicatieinstantie die niet "
                    "is afgesloten."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["actief", "in_onderhoud", "afgesloten"]),
                name="domeinen_instantie_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["domein", "status"], name="instantie_domein_status_idx"),
            models.Index(fields=["applicatie", "status"], name="instantie_app_status_idx"),
            # The admin's default ordering: newest first, LIMIT 100 without sorting the table.
            models.Index(fields=["-aangemaakt_op", "-id"], name="instantie_aangemaakt_idx"),
            # ... and the same ordering under the admin's domain and status filters.
            models.Index(
                fields=["domein", "-aangemaakt_op", "-id"], name="instantie_dom_aangemaakt_idx"
            ),
            models.Index(
                fields=["status", "-aangemaakt_op", "-id"], name="instantie_stat_aangemaakt_idx"
            ),
            # The domain's instances of a set of applications (the instances tab's search):
            # one index probe per matching application instead of intersecting bitmaps.
            models.Index(fields=["domein", "applicatie"], name="instantie_dom_app_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.applicatie} in {self.domein} ({self.client_id})"

    @property
    def device_logical_id(self) -> str:
        """The id that names this instance's Device (scopes, registry, pages): the stored
        Device id; before the Device exists, the client_id (the id it gets when the portal
        chooses it; see docs/fhir.md for a server that assigns it)."""
        return self.device_id or str(self.client_id)

    @property
    def device_reference(self) -> str:
        return f"Device/{self.device_logical_id}"

    @property
    def is_closed(self) -> bool:
        return self.status == InstantieStatus.AFGESLOTEN

    @property
    def is_live(self) -> bool:
        """Actief or in onderhoud: its URIs may be changed and its keys are checked daily."""
        return self.status in (InstantieStatus.ACTIEF, InstantieStatus.IN_ONDERHOUD)

    @property
    def certificaat_verloopt_binnenkort(self) -> bool:
        """An x5c certificate among its keys expires within CERT_WARNING_DAYS (or has)."""
        expires = self.sleutels_certificaat_verloopt_op
        return expires is not None and expires - timezone.now() <= CERT_WARNING

    @property
    def allowed_next_statuses(self) -> list[str]:
        return [s for s in InstantieStatus.values if s in INSTANCE_TRANSITIONS[self.status]]


class WijzigingSoort(models.TextChoices):
    STATUS = "status", _("Status")
    ROL = "rol", _("Rol")
    URIS = "uris", _("JWKS URI / redirect URI's")


class InstantieStatuswijziging(Statuswijziging):
    """One change of an instance: who, when, from, to, and why.

    Most rows are status moves (`soort` = status). A role change (`soort` = rol) keeps the
    status unchanged (van = naar) and records van_rol/naar_rol. The row that records the
    birth of an instance carries its first role in naar_rol.
    """

    instantie = models.ForeignKey(
        Applicatieinstantie,
        verbose_name=_("applicatieinstantie"),
        on_delete=models.CASCADE,
        related_name="historie",
    )
    van_status = models.CharField(
        _("van"), max_length=20, choices=InstantieStatus.choices, blank=True
    )
    naar_status = models.CharField(_("naar"), max_length=20, choices=InstantieStatus.choices)
    reden = models.TextField(_("reden"))
    soort = models.CharField(
        _("soort wijziging"),
        max_length=10,
        choices=WijzigingSoort.choices,
        default=WijzigingSoort.STATUS,
    )
    van_rol = models.ForeignKey(
        Rol,
        verbose_name=_("van rol"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    naar_rol = models.ForeignKey(
        Rol,
        verbose_name=_("naar rol"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A change of URIs (`soort` = uris): {"jwks_uri": ..., "redirect_uris": [...]} before/after.
    van_waarden = models.JSONField(_("oude waarden"), default=dict, blank=True)
    naar_waarden = models.JSONField(_("nieuwe waarden"), default=dict, blank=True)

    class Meta(Statuswijziging.Meta):
        verbose_name = _("statuswijziging applicatieinstantie")
        verbose_name_plural = _("historie applicatieinstantie")

    def __str__(self) -> str:
        if self.soort == WijzigingSoort.ROL:
            return f"rol {self.van_rol or '—'} → {self.naar_rol}"
        if self.soort == WijzigingSoort.URIS:
            return f"URI's {self.van_waarden} → {self.naar_waarden}"
        return super().__str__()
