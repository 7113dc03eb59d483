"""Retention: sent deliveries are removed after OUTBOX_RETENTION_DAYS.

A sent row only documents that something went out; kept forever the table grows by every
mail and Device push (a production environment: tens of thousands a year) and the admin list
and the worker's index grow with it. Waiting and failed rows are never removed here: they are
work still to do, or support's evidence of what did not arrive.

Deleted in batches, each in its own short transaction, so a large first purge never holds
locks for long or blocks the worker. A removed row's `dedupe_key` is free again.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from beheer.outbox.models import Delivery, DeliveryStatus


def purgeable(*, older_than_days: int):
    cutoff = timezone.now() - timedelta(days=older_than_days)
    return Delivery.objects.filter(status=DeliveryStatus.VERZONDEN, sent_at__lt=cutoff)


def purge_sent(*, older_than_days: int, batch_size: int = 5000) -> int:
    """Delete sent deliveries older than the given number of days; returns how many."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(
                purgeable(older_than_days=older_than_days)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return removed
            # Re-check the status: a row support re-queued in the meantime stays.
            count, _ = Delivery.objects.filter(
                pk__in=batch, status=DeliveryStatus.VERZONDEN
            ).delete()
            removed += count
