"""Credentials for the API: domain keys for authorization servers, personal tokens for people.

Only a SHA-256 hash of each secret is stored. The secret has 256 bits of entropy, so a plain
hash is enough (no slow KDF needed); the short public `prefix` finds the row without scanning.
The full secret is shown once, when it is made, and never again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domeinen.models import Domein


class _Credential(models.Model):
    naam = models.CharField(
        _("omschrijving"), max_length=100, help_text=_("Waarvoor of voor wie, bijv. 'AS acc21'.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    sleutel_hash = models.CharField(_("SHA-256 van de sleutel"), max_length=64, editable=False)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    laatst_gebruikt_op = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)
    ingetrokken_op = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_revoked(self) -> bool:
        return self.ingetrokken_op is not None


class DomeinApiSleutel(_Credential):
    """An authorization server's key: reads the clients of exactly one domain."""

    domein = models.ForeignKey(
        Domein, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="api_sleutels"
    )
    # A separate scope, granted by support only: read the domain's IdP client secrets.
    mag_idp_geheimen_lezen = models.BooleanField(
        _("mag IdP-geheimen lezen"),
        default=False,
        help_text=_(
            "Alleen voor de autorisatieserver van het domein: leest de client-Id's en -secrets "
            "van de identity providers. Elke lezing wordt vastgelegd."
        ),
    )

    class Meta:
        verbose_name = _("API-sleutel van een domein")
        verbose_name_plural = _("API-sleutels van domeinen")
        ordering = ["-aangemaakt_op", "-id"]

    def __str__(self) -> str:
        return f"{self.domein}: {self.naam} ({self.prefix})"


class PersoonlijkToken(_Credential):
    """A beheerder's token for scripts: the same rights as that person in the web screens."""

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    verloopt_op = models.DateTimeField(_("verloopt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("persoonlijk API-token")
        verbose_name_plural = _("persoonlijke API-tokens")
        ordering = ["-aangemaakt_op", "-id"]

    def __str__(self) -> str:
        return f"{self.gebruiker}: {self.naam} ({self.prefix})"

    @property
    def is_expired(self) -> bool:
        return self.verloopt_op is not None and self.verloopt_op <= timezone.now()


class IdpGeheimLezing(models.Model):
    """One read of a domain's IdP client secrets through the API: which key, when, from where."""

    sleutel = models.ForeignKey(
        DomeinApiSleutel,
        verbose_name=_("API-sleutel"),
        on_delete=models.PROTECT,
        related_name="idp_geheim_lezingen",
    )
    domein = models.ForeignKey(
        Domein, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="+"
    )
    op = models.DateTimeField(_("op"), default=timezone.now)
    ip_adres = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    logische_ids = models.JSONField(_("identity providers"), default=list, blank=True)

    class Meta:
        verbose_name = _("lezing van IdP-geheimen")
        verbose_name_plural = _("lezingen van IdP-geheimen")
        ordering = ["-op", "-id"]

    def __str__(self) -> str:
        return f"{self.sleutel} @ {self.op:%Y-%m-%d %H:%M:%S}"
