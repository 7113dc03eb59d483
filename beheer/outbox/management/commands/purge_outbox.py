"""`manage.py purge_outbox`: remove sent deliveries older than OUTBOX_RETENTION_DAYS (or
--days). Run it daily (cron or a systemd timer) beside `run_outbox`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beheer.outbox.retention import purge_sent, purgeable


class Command(BaseCommand):
    help = "Verwijder verzonden bezorgingen die ouder zijn dan de bewaartermijn."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Bewaartermijn in dagen (standaard OUTBOX_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Alleen tellen, niets verwijderen."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.OUTBOX_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("De bewaartermijn moet minstens 1 dag zijn.")
        if dry_run:
            count = purgeable(older_than_days=days).count()
            self.stdout.write(f"{count} verzonden bezorging(en) ouder dan {days} dagen.")
            return
        count = purge_sent(older_than_days=days)
        self.stdout.write(f"{count} verzonden bezorging(en) ouder dan {days} dagen verwijderd.")
