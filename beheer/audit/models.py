"""The audit trail: one record per change, written by the service that makes it.

Records are only ever inserted (beheer.audit.services.record) and removed by age
(`manage.py purge_audit`); no screen, admin page or API changes or deletes one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beheer.models_common import ProbedPeriodsQuerySet


class AuditEvent(models.TextChoices):
    """Every kind of event, by a stable code. Add one here (code `object.what`, a Dutch label)
    and call `record(event=AuditEvent.X, ...)` from the service. The column has no `choices`,
    so a new event needs no migration."""

    # domains
    DOMEIN_AANGEMAAKT = "domein.aangemaakt", _("Domein aangemaakt")
    DOMEIN_GEWIJZIGD = "domein.gewijzigd", _("Domein gewijzigd")
    # applications
    APPLICATIE_AANGEMAAKT = "applicatie.aangemaakt", _("Applicatie aangemaakt")
    APPLICATIE_GEWIJZIGD = "applicatie.gewijzigd", _("Applicatie gewijzigd")
    APPLICATIE_BEHEERDERS = "applicatie.beheerders", _("Applicatiebeheerders gewijzigd")
    # connection requests
    AANVRAAG_INGEDIEND = "aanvraag.ingediend", _("Connectieaanvraag ingediend")
    AANVRAAG_GEACCEPTEERD = "aanvraag.geaccepteerd", _("Connectieaanvraag geaccepteerd")
    AANVRAAG_GEWEIGERD = "aanvraag.geweigerd", _("Connectieaanvraag geweigerd")
    AANVRAAG_SLEUTELS = "aanvraag.sleutels", _("Sleutels (JWKS) gecontroleerd")
    AANVRAAG_INGETROKKEN = "aanvraag.ingetrokken", _("Connectieaanvraag ingetrokken")
    # change requests of live instances
    WIJZIGING_INGEDIEND = "wijziging.ingediend", _("Wijzigingsverzoek ingediend")
    WIJZIGING_GEACCEPTEERD = "wijziging.geaccepteerd", _("Wijzigingsverzoek geaccepteerd")
    WIJZIGING_GEWEIGERD = "wijziging.geweigerd", _("Wijzigingsverzoek geweigerd")
    WIJZIGING_INGETROKKEN = "wijziging.ingetrokken", _("Wijzigingsverzoek ingetrokken")
    WIJZIGING_VERVALLEN = "wijziging.vervallen", _("Wijzigingsverzoek vervallen")
    # application instances
    INSTANTIE_AANGEMAAKT = "instantie.aangemaakt", _("Applicatieinstantie aangemaakt")
    INSTANTIE_STATUS = "instantie.status", _("Status van applicatieinstantie gewijzigd")
    INSTANTIE_ROL = "instantie.rol", _("Rol van applicatieinstantie gewijzigd")
    INSTANTIE_SYNC = "instantie.sync", _("Device opnieuw gesynchroniseerd")
    INSTANTIE_URIS = "instantie.uris", _("JWKS URI of redirect URI's gewijzigd")
    # identity providers of a domain, and an instance's lists of them
    IDP_AANGEMAAKT = "idp.aangemaakt", _("Identity provider toegevoegd")
    IDP_GEWIJZIGD = "idp.gewijzigd", _("Identity provider gewijzigd")
    IDP_VERWIJDERD = "idp.verwijderd", _("Identity provider verwijderd")
    INSTANTIE_IDPS = "instantie.idps", _("Identity providers van applicatieinstantie gewijzigd")
    # roles and permissions
    ROL_AANGEMAAKT = "rol.aangemaakt", _("Rol aangemaakt")
    ROL_GEWIJZIGD = "rol.gewijzigd", _("Rol of permissies gewijzigd")
    ROL_VERWIJDERD = "rol.verwijderd", _("Rol verwijderd")
    # API credentials
    SLEUTEL_AANGEMAAKT = "sleutel.aangemaakt", _("API-sleutel aangemaakt")
    SLEUTEL_INGETROKKEN = "sleutel.ingetrokken", _("API-sleutel ingetrokken")
    TOKEN_AANGEMAAKT = "token.aangemaakt", _("Persoonlijk token aangemaakt")
    TOKEN_INGETROKKEN = "token.ingetrokken", _("Persoonlijk token ingetrokken")
    # accounts
    ACCOUNT_AANGEMAAKT = "account.aangemaakt", _("Account aangemaakt en uitgenodigd")
    ACCOUNT_GEWIJZIGD = "account.gewijzigd", _("Account gewijzigd")
    ACCOUNT_GEDEACTIVEERD = "account.gedeactiveerd", _("Account gedeactiveerd")
    ACCOUNT_ONTGRENDELD = "account.ontgrendeld", _("Account gedeblokkeerd")
    ACCOUNT_WACHTWOORD_GERESET = "account.wachtwoord_gereset", _("Wachtwoord gereset")
    ACCOUNT_WACHTWOORD_INGESTELD = (
        "account.wachtwoord_ingesteld",
        _("Wachtwoord ingesteld door een ander"),
    )
    ACCOUNT_WACHTWOORD_GEWIJZIGD = "account.wachtwoord_gewijzigd", _("Eigen wachtwoord gekozen")
    ACCOUNT_WACHTWOORD_LINK = "account.wachtwoord_link", _("Wachtwoordlink aangevraagd")
    ACCOUNT_2FA_GERESET = "account.2fa_gereset", _("Tweestapsverificatie gereset")
    ACCOUNT_2FA_INGESTELD = "account.2fa_ingesteld", _("Tweestapsverificatie ingesteld")
    ACCOUNT_BACKUPCODES = "account.backupcodes", _("Nieuwe back-upcodes gemaakt")
    ACCOUNT_VERLENGD = "account.verlengd", _("Geldigheid van account verlengd")
    # teams of domains and applications
    TEAM_TOEGEVOEGD = "team.toegevoegd", _("Beheerder toegevoegd")
    TEAM_VERWIJDERD = "team.verwijderd", _("Beheerder verwijderd")
    # onboarding requests (a new domain or application-ID)
    AANMELDING_INGEDIEND = "aanmelding.ingediend", _("Aanmelding ingediend")
    AANMELDING_GEACCEPTEERD = "aanmelding.geaccepteerd", _("Aanmelding geaccepteerd")
    AANMELDING_GEWEIGERD = "aanmelding.geweigerd", _("Aanmelding geweigerd")
    # logins
    LOGIN_GESLAAGD = "login.geslaagd", _("Ingelogd")
    LOGIN_MISLUKT = "login.mislukt", _("Inloggen mislukt")
    LOGIN_GEBLOKKEERD = "login.geblokkeerd", _("Gebruikersnaam geblokkeerd")
    LOGOUT = "logout", _("Uitgelogd")


class AuditRecordQuerySet(ProbedPeriodsQuerySet):
    # The admin's date hierarchy over a million records: index probes instead of a DISTINCT.
    probed_fields = ("op",)


class AuditRecord(models.Model):
    """Who did what, when, from where, to which object, with the before and after values.

    `domein_id` and `applicatie_id` are plain numbers, not foreign keys: they decide who may
    read the record (the domain's and the application's beheerders), and a record must outlive
    what it describes. The foundation app cannot point at the domain apps anyway.
    """

    op = models.DateTimeField(_("tijdstip"), db_index=False)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    door_label = models.CharField(
        _("door (naam)"),
        max_length=200,
        help_text=_("Gebruikersnaam, met het API-token als dat werd gebruikt, of 'systeem'."),
    )
    ip_adres = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    # No `choices`: a new AuditEvent then needs no migration (labels: gebeurtenis_label).
    gebeurtenis = models.CharField(_("gebeurtenis"), max_length=40)
    object_type = models.CharField(_("soort object"), max_length=40, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    domein_id = models.BigIntegerField(_("domein-id"), null=True, blank=True)
    applicatie_id = models.BigIntegerField(_("applicatie-id"), null=True, blank=True)
    wijzigingen = models.JSONField(
        _("wijzigingen"),
        default=dict,
        blank=True,
        help_text=_("Per veld [voor, na]; geheimen worden nooit opgeslagen."),
    )

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek")
        ordering = ["-op", "-id"]
        default_permissions = ("view",)
        # The tab "Logboek" filters on kind of event and person: on PostgreSQL those columns
        # ride along in the domain and application indexes (INCLUDE), so that the page count
        # of a filtered log reads only the index. The event index serves support's filter.
        # The trigram indexes for the admin's search on names are in migration 0004
        # (PostgreSQL only).
        indexes = [
            models.Index(fields=["-op", "-id"], name="audit_op_idx"),
            models.Index(
                fields=["domein_id", "-op", "-id"],
                include=["gebeurtenis", "door_label"],
                name="audit_domein_op_idx",
            ),
            models.Index(
                fields=["applicatie_id", "-op", "-id"],
                include=["gebeurtenis", "door_label"],
                name="audit_applicatie_op_idx",
            ),
            models.Index(fields=["gebeurtenis", "-op", "-id"], name="audit_gebeurtenis_op_idx"),
            # The admin's search on an object id and an address (exact matches).
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
            models.Index(fields=["ip_adres"], name="audit_ip_adres_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.op:%Y-%m-%d %H:%M:%S} {self.gebeurtenis} {self.object_label}"

    @property
    def gebeurtenis_label(self) -> str:
        try:
            return str(AuditEvent(self.gebeurtenis).label)
        except ValueError:
            return self.gebeurtenis
