"""Identity providers of a domain, and which ones each instance may use per kind of user.

The authorization server reads both from the registry API: per client the ordered list of
allowed IdPs per user type (logical id for `idp_hint`, discovery URL), and with a key that has
the separate scope, the enabled IdPs' client credentials. The client secret is stored only
encrypted (beheer.secrets) and is never shown, logged, exported or written to history.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domeinen.models import Applicatieinstantie, Domein

logische_id_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    _(
        "Een logische id bestaat uit kleine letters, cijfers en koppeltekens, begint en "
        "eindigt met een letter of cijfer en is hoogstens 63 tekens lang."
    ),
)


class Gebruikerstype(models.TextChoices):
    PATIENT = "Patient", _("Patiënt")
    PRACTITIONER = "Practitioner", _("Behandelaar")
    RELATED_PERSON = "RelatedPerson", _("Naaste")


class IdentityProvider(models.Model):
    """An OpenID Connect provider the domain's authorization server can send users to."""

    domein = models.ForeignKey(
        Domein,
        verbose_name=_("domein"),
        on_delete=models.PROTECT,
        related_name="identity_providers",
    )
    naam = models.CharField(_("naam"), max_length=200)
    logische_id = models.CharField(
        _("logische id"),
        max_length=63,
        validators=[logische_id_validator],
        help_text=_("Vaste naam in idp_hint, uniek binnen het domein, bijvoorbeeld 'digid'."),
    )
    discovery_url = models.URLField(
        _("discovery-URL"),
        max_length=500,
        help_text=_("Het OpenID Connect discovery-document (…/.well-known/openid-configuration)."),
    )
    client_id = models.CharField(_("client-Id"), max_length=200)
    # Fernet token (beheer.secrets); '' = no secret set. Never shown, only "ingesteld".
    client_secret_versleuteld = models.TextField(
        _("client secret (versleuteld)"), blank=True, editable=False
    )
    gebruikersnaam_claim = models.CharField(
        _("claim met de gebruikersnaam"),
        max_length=100,
        default="sub",
        help_text=_("De claim in het ID-token die de gebruikersnaam bevat, bijvoorbeeld 'sub'."),
    )
    ingeschakeld = models.BooleanField(
        _("ingeschakeld"),
        default=True,
        help_text=_(
            "Een uitgeschakelde identity provider blijft in de lijsten maar wordt niet "
            "aan de autorisatieserver gegeven."
        ),
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["domein", "naam", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["domein", "logische_id"],
                name="identiteit_idp_logische_id_per_domein",
                violation_error_message=_("Deze logische id is in dit domein al in gebruik."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.naam} ({self.logische_id})"

    @property
    def heeft_geheim(self) -> bool:
        return bool(self.client_secret_versleuteld)


class InstantieIdp(models.Model):
    """One IdP in an instance's ordered list for one user type (position 0 first)."""

    instantie = models.ForeignKey(
        Applicatieinstantie,
        verbose_name=_("applicatieinstantie"),
        on_delete=models.CASCADE,
        related_name="idp_toewijzingen",
    )
    gebruikerstype = models.CharField(
        _("soort gebruiker"), max_length=20, choices=Gebruikerstype.choices
    )
    identity_provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.PROTECT,
        related_name="toewijzingen",
    )
    positie = models.PositiveIntegerField(_("positie"), default=0)

    class Meta:
        verbose_name = _("identity provider van een instantie")
        verbose_name_plural = _("identity providers van instanties")
        ordering = ["instantie", "gebruikerstype", "positie", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instantie", "gebruikerstype", "identity_provider"],
                name="identiteit_instantie_idp_once_per_type",
            ),
            models.CheckConstraint(
                condition=models.Q(gebruikerstype__in=["Patient", "Practitioner", "RelatedPerson"]),
                name="identiteit_instantie_idp_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.instantie_id} {self.gebruikerstype} {self.positie}: {self.identity_provider_id}"
        )


class IdpActie(models.TextChoices):
    AANGEMAAKT = "aangemaakt", _("Aangemaakt")
    GEWIJZIGD = "gewijzigd", _("Gewijzigd")
    VERWIJDERD = "verwijderd", _("Verwijderd")


class IdpWijziging(models.Model):
    """The audit record of a domain's IdPs: who, when, what, before → after (never the secret:
    a changed secret is recorded as 'gewijzigd')."""

    domein = models.ForeignKey(
        Domein, verbose_name=_("domein"), on_delete=models.CASCADE, related_name="+"
    )
    identity_provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="historie",
    )
    logische_id = models.CharField(_("logische id"), max_length=63)
    actie = models.CharField(_("actie"), max_length=20, choices=IdpActie.choices)
    wijzigingen = models.JSONField(_("wijzigingen"), default=dict, blank=True)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    op = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        verbose_name = _("wijziging identity provider")
        verbose_name_plural = _("historie identity providers")
        ordering = ["-op", "-id"]

    def __str__(self) -> str:
        return f"{self.logische_id}: {self.get_actie_display()}"
