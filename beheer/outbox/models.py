from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    WACHTEND = "wachtend", _("Wachtend")
    BEZIG = "bezig", _("Bezig")
    VERZONDEN = "verzonden", _("Verzonden")
    MISLUKT = "mislukt", _("Mislukt")


class Delivery(models.Model):
    """One message to deliver (an e-mail, a FHIR push, ...), written in the transaction that
    caused it and delivered after commit, by the committing process or by `run_outbox`.

    `kind` names the handler (see registry.py), so new kinds need no migration.
    While a worker holds a row it is `bezig` and `next_attempt_at` is the end of its claim:
    a `bezig` row whose claim has run out belongs to a worker that died and is due again.
    """

    kind = models.CharField(_("soort"), max_length=50)
    payload = models.JSONField(_("inhoud"), default=dict)
    # Summaries for the admin list, so the list never has to read the payload.
    recipient = models.CharField(_("ontvanger"), max_length=500, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.WACHTEND,
    )
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    last_error = models.TextField(_("laatste fout"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("ontdubbelsleutel"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Een tweede bezorging met dezelfde sleutel wordt niet aangemaakt."),
    )

    class Meta:
        verbose_name = _("bezorging")
        verbose_name_plural = _("bezorgingen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["wachtend", "bezig", "verzonden", "mislukt"]),
                name="outbox_delivery_status_valid",
            ),
        ]
        indexes = [
            # The worker's query: status in (wachtend, bezig) and next_attempt_at <= now.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["kind", "status"], name="outbox_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} → {self.recipient or '—'}"
