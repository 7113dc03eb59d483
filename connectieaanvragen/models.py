from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicaties.models import Applicatie
from beheer.models_common import ProbedPeriodsQuerySet, Statuswijziging
from domeinen.models import Applicatieinstantie, Domein


class AanvraagStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", _("Aangevraagd")
    GEACCEPTEERD = "geaccepteerd", _("Geaccepteerd")
    GEWEIGERD = "geweigerd", _("Geweigerd")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")


# Every end state is final. Withdrawing is the applicant's move; the others the domain's.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    AanvraagStatus.AANGEVRAAGD: frozenset(
        {AanvraagStatus.GEACCEPTEERD, AanvraagStatus.GEWEIGERD, AanvraagStatus.INGETROKKEN}
    ),
    AanvraagStatus.GEACCEPTEERD: frozenset(),
    AanvraagStatus.GEWEIGERD: frozenset(),
    AanvraagStatus.INGETROKKEN: frozenset(),
}


def open_first() -> models.Case:
    """0 for an open request, 1 for a decided one: the first sort key of the portal's lists.
    The same expression in the query and in the index, so PostgreSQL reads the index in order."""
    return models.Case(
        models.When(status=AanvraagStatus.AANGEVRAAGD, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class ConnectieaanvraagQuerySet(ProbedPeriodsQuerySet):
    # The admin's date hierarchy over 100,000 requests: index probes instead of a DISTINCT.
    probed_fields = ("aangevraagd_op",)


class Connectieaanvraag(models.Model):
    """A vendor's request to let its application join a domain, decided by a domeinbeheerder."""

    applicatie = models.ForeignKey(
        Applicatie,
        verbose_name=_("applicatie"),
        on_delete=models.PROTECT,
        related_name="connectieaanvragen",
    )
    domein = models.ForeignKey(
        Domein,
        verbose_name=_("domein"),
        on_delete=models.PROTECT,
        related_name="connectieaanvragen",
    )
    jwks_uri = models.URLField(_("JWKS URI"), max_length=500)
    redirect_uris = models.JSONField(_("redirect URI's"), default=list, blank=True)
    toelichting = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AanvraagStatus.choices,
        default=AanvraagStatus.AANGEVRAAGD,
    )
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangevraagd door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
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
    instantie = models.OneToOneField(
        Applicatieinstantie,
        verbose_name=_("applicatieinstantie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connectieaanvraag",
    )
    # The last check of the JWKS URI (connectieaanvragen/jwks.py): when, and what was found:
    # {"uri", "ok", "sleutels": [{"kid", "kty", "alg", "grootte" | "curve"}], "fout"}.
    jwks_gecontroleerd_op = models.DateTimeField(_("JWKS gecontroleerd op"), null=True, blank=True)
    jwks_resultaat = models.JSONField(_("resultaat JWKS-controle"), default=dict, blank=True)

    objects = ConnectieaanvraagQuerySet.as_manager()

    class Meta:
        verbose_name = _("connectieaanvraag")
        verbose_name_plural = _("connectieaanvragen")
        ordering = ["-aangevraagd_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicatie", "domein"],
                condition=models.Q(status="aangevraagd"),
                name="connectieaanvraag_one_open_per_pair",
                violation_error_message=_(
                    "Er is al een openstaande connectieaanvraag voor deze applicatie en dit domein."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["aangevraagd", "geaccepteerd", "geweigerd", "ingetrokken"]
                ),
                name="connectieaanvraag_status_valid",
            ),
            # An accepted request always points at the instance it created; a refused one
            # always carries its reason; an open one has neither; a withdrawn one records
            # when (besloten_op) and by whom, its reason is optional.
            models.CheckConstraint(
                condition=(
                    models.Q(status="aangevraagd", instantie__isnull=True, besloten_op__isnull=True)
                    | models.Q(
                        status="geaccepteerd", instantie__isnull=False, besloten_op__isnull=False
                    )
                    | (
                        models.Q(
                            status="geweigerd", instantie__isnull=True, besloten_op__isnull=False
                        )
                        & ~models.Q(besluit_reden="")
                    )
                    | models.Q(
                        status="ingetrokken", instantie__isnull=True, besloten_op__isnull=False
                    )
                ),
                name="connectieaanvraag_decision_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["domein", "status"], name="aanvraag_domein_status_idx"),
            models.Index(fields=["applicatie", "status"], name="aanvraag_app_status_idx"),
            # The admin's default ordering and its date hierarchy (min/max, year and month ranges).
            models.Index(fields=["-aangevraagd_op", "-id"], name="aanvraag_aangevraagd_idx"),
            # ... and the same under the admin's domain and status filters (also their min/max).
            models.Index(
                fields=["domein", "-aangevraagd_op", "-id"], name="aanvraag_dom_aangevraagd_idx"
            ),
            models.Index(
                fields=["status", "-aangevraagd_op", "-id"], name="aanvraag_stat_aangevraagd_idx"
            ),
            # The portal's request tabs: open ones first, then newest first (selectors.
            # _open_first), per domain and per application, read in index order, no sort.
            models.Index(
                models.F("domein"),
                open_first(),
                models.F("aangevraagd_op").desc(),
                models.F("id").desc(),
                name="aanvraag_dom_open_first_idx",
            ),
            models.Index(
                models.F("applicatie"),
                open_first(),
                models.F("aangevraagd_op").desc(),
                models.F("id").desc(),
                name="aanvraag_app_open_first_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicatie} → {self.domein} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == AanvraagStatus.AANGEVRAAGD


class AanvraagStatuswijziging(Statuswijziging):
    """One change of a request's status: who, when, from, to, and why."""

    aanvraag = models.ForeignKey(
        Connectieaanvraag,
        verbose_name=_("connectieaanvraag"),
        on_delete=models.CASCADE,
        related_name="historie",
    )
    van_status = models.CharField(
        _("van"), max_length=20, choices=AanvraagStatus.choices, blank=True
    )
    naar_status = models.CharField(_("naar"), max_length=20, choices=AanvraagStatus.choices)
    reden = models.TextField(_("reden"), blank=True)

    class Meta(Statuswijziging.Meta):
        verbose_name = _("statuswijziging connectieaanvraag")
        verbose_name_plural = _("historie connectieaanvraag")


# --- change requests for a live instance --------------------------------------------------


class WijzigingStatus(models.TextChoices):
    AANGEVRAAGD = "aangevraagd", _("Aangevraagd")
    GEACCEPTEERD = "geaccepteerd", _("Geaccepteerd")
    GEWEIGERD = "geweigerd", _("Geweigerd")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")
    VERVALLEN = "vervallen", _("Vervallen")


# Only an open change moves; every end state is final. `vervallen`: the instance was closed.
CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    WijzigingStatus.AANGEVRAAGD: frozenset(
        {
            WijzigingStatus.GEACCEPTEERD,
            WijzigingStatus.GEWEIGERD,
            WijzigingStatus.INGETROKKEN,
            WijzigingStatus.VERVALLEN,
        }
    ),
    WijzigingStatus.GEACCEPTEERD: frozenset(),
    WijzigingStatus.GEWEIGERD: frozenset(),
    WijzigingStatus.INGETROKKEN: frozenset(),
    WijzigingStatus.VERVALLEN: frozenset(),
}


class Wijzigingsverzoek(models.Model):
    """A vendor asks to change a live instance's JWKS URI and/or redirect URIs.

    The old values are copied when it is filed, so the review page and the history show what
    was asked against what was there. Accepting changes the instance in place (same
    client_id, same Device)."""

    instantie = models.ForeignKey(
        Applicatieinstantie,
        verbose_name=_("applicatieinstantie"),
        on_delete=models.PROTECT,
        related_name="wijzigingsverzoeken",
    )
    oude_jwks_uri = models.URLField(_("huidige JWKS URI"), max_length=500)
    oude_redirect_uris = models.JSONField(_("huidige redirect URI's"), default=list, blank=True)
    jwks_uri = models.URLField(_("nieuwe JWKS URI"), max_length=500)
    redirect_uris = models.JSONField(_("nieuwe redirect URI's"), default=list, blank=True)
    toelichting = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=WijzigingStatus.choices,
        default=WijzigingStatus.AANGEVRAAGD,
    )
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangevraagd door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
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
    # The check of the JWKS URI the change would put in place (as on Connectieaanvraag).
    jwks_gecontroleerd_op = models.DateTimeField(_("JWKS gecontroleerd op"), null=True, blank=True)
    jwks_resultaat = models.JSONField(_("resultaat JWKS-controle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("wijzigingsverzoek")
        verbose_name_plural = _("wijzigingsverzoeken")
        ordering = ["-aangevraagd_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instantie"],
                condition=models.Q(status="aangevraagd"),
                name="wijziging_one_open_per_instance",
                violation_error_message=_(
                    "Er is al een openstaand wijzigingsverzoek voor deze applicatieinstantie."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "aangevraagd",
                        "geaccepteerd",
                        "geweigerd",
                        "ingetrokken",
                        "vervallen",
                    ]
                ),
                name="wijziging_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="aangevraagd", besloten_op__isnull=True)
                    | (
                        ~models.Q(status="aangevraagd")
                        & models.Q(besloten_op__isnull=False)
                        & (~models.Q(status="geweigerd") | ~models.Q(besluit_reden=""))
                    )
                ),
                name="wijziging_decision_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["instantie", "status"], name="wijziging_inst_status_idx"),
            models.Index(fields=["status", "-aangevraagd_op"], name="wijziging_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Wijziging {self.instantie.applicatie} in {self.instantie.domein}"

    @property
    def is_open(self) -> bool:
        return self.status == WijzigingStatus.AANGEVRAAGD

    @property
    def jwks_uri_gewijzigd(self) -> bool:
        return self.jwks_uri != self.oude_jwks_uri

    @property
    def redirect_uris_gewijzigd(self) -> bool:
        return list(self.redirect_uris) != list(self.oude_redirect_uris)


class WijzigingStatuswijziging(Statuswijziging):
    """One move of a change request: who, when, from, to, and why."""

    verzoek = models.ForeignKey(
        Wijzigingsverzoek,
        verbose_name=_("wijzigingsverzoek"),
        on_delete=models.CASCADE,
        related_name="historie",
    )
    van_status = models.CharField(
        _("van"), max_length=20, choices=WijzigingStatus.choices, blank=True
    )
    naar_status = models.CharField(_("naar"), max_length=20, choices=WijzigingStatus.choices)
    reden = models.TextField(_("reden"), blank=True)

    class Meta(Statuswijziging.Meta):
        verbose_name = _("statuswijziging wijzigingsverzoek")
        verbose_name_plural = _("historie wijzigingsverzoek")
