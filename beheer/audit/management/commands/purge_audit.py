"""`manage.py purge_audit`: daily, remove audit records older than KT_AUDIT_RETENTION_DAYS."""

from django.conf import settings
from django.core.management.base import BaseCommand

from beheer.audit.services import purge_old_records


class Command(BaseCommand):
    help = "Verwijder logboekregels ouder dan KT_AUDIT_RETENTION_DAYS (standaard 730) dagen."

    def handle(self, *args, **options):
        deleted = purge_old_records()
        self.stdout.write(
            f"{deleted} logboekregel(s) ouder dan {settings.KT_AUDIT_RETENTION_DAYS} dagen "
            "verwijderd."
        )
