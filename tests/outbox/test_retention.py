"""purge_outbox removes only sent rows older than the retention period, in batches."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from beheer.outbox.models import Delivery, DeliveryStatus
from beheer.outbox.retention import purge_sent

pytestmark = pytest.mark.django_db


def _row(status, *, days_ago, sent=True):
    moment = timezone.now() - timedelta(days=days_ago)
    return Delivery.objects.create(
        kind="email",
        status=status,
        created_at=moment,
        sent_at=moment if sent else None,
        recipient="x@example.org",
    )


def test_only_old_sent_rows_go():
    old_sent = [_row(DeliveryStatus.VERZONDEN, days_ago=120) for _ in range(3)]
    recent_sent = _row(DeliveryStatus.VERZONDEN, days_ago=10)
    old_failed = _row(DeliveryStatus.MISLUKT, days_ago=400, sent=False)
    old_waiting = _row(DeliveryStatus.WACHTEND, days_ago=400, sent=False)
    old_busy = _row(DeliveryStatus.BEZIG, days_ago=400, sent=False)

    assert purge_sent(older_than_days=90) == 3

    left = set(Delivery.objects.values_list("pk", flat=True))
    assert left == {recent_sent.pk, old_failed.pk, old_waiting.pk, old_busy.pk}
    assert not left & {row.pk for row in old_sent}


def test_batches_remove_everything_due():
    for _ in range(7):
        _row(DeliveryStatus.VERZONDEN, days_ago=100)
    assert purge_sent(older_than_days=90, batch_size=3) == 7
    assert not Delivery.objects.exists()


def test_command_uses_the_setting_and_dry_run_changes_nothing(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    _row(DeliveryStatus.VERZONDEN, days_ago=45)
    _row(DeliveryStatus.VERZONDEN, days_ago=5)

    out = io.StringIO()
    call_command("purge_outbox", "--dry-run", stdout=out)
    assert "1 verzonden bezorging(en) ouder dan 30 dagen." in out.getvalue()
    assert Delivery.objects.count() == 2

    out = io.StringIO()
    call_command("purge_outbox", stdout=out)
    assert "1 verzonden bezorging(en) ouder dan 30 dagen verwijderd." in out.getvalue()
    assert Delivery.objects.count() == 1

    call_command("purge_outbox", "--days", "1", stdout=io.StringIO())
    assert Delivery.objects.count() == 0


def test_a_retention_under_one_day_is_refused():
    _row(DeliveryStatus.VERZONDEN, days_ago=0.5)
    with pytest.raises(CommandError, match="minstens 1 dag"):
        call_command("purge_outbox", "--days", "0", stdout=io.StringIO())
    with pytest.raises(ValueError):
        purge_sent(older_than_days=0)
    assert Delivery.objects.count() == 1
