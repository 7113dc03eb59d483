"""`manage.py fhir_sync [--domein X] [--check]`: every instance against its KT2Device.

Finds Devices that are missing, that have the wrong status, name or identifier, or that the
KT2Device profile does not allow (prohibited elements, fixed values, cardinality), and repairs
them unless --check: a missing Device is created the way its domain says, an existing one is
updated read-modify-write with If-Match (docs/fhir.md). A closed instance's Device keeps its
name. Also the retry path for pushes that failed while a
FHIR server was unreachable. Exit status: with --check non-zero on any drift or unreachable
server; without, non-zero when something could not be repaired.
"""

from django.core.management.base import BaseCommand, CommandError

from domeinen.devices import sync_devices
from domeinen.models import Domein


class Command(BaseCommand):
    help = "Vergelijkt elke applicatieinstantie met haar KT2Device en herstelt verschillen."

    def add_arguments(self, parser):
        parser.add_argument("--domein", help="alleen dit domein (naam)")
        parser.add_argument(
            "--check", action="store_true", help="alleen controleren, niets herstellen"
        )

    def handle(self, *args, domein=None, check=False, **options):
        if domein and not Domein.objects.filter(naam=domein).exists():
            raise CommandError(f"Domein {domein!r} bestaat niet.")
        report = sync_devices(domein_naam=domein, repair=not check)
        for instance, problems in report.drifted:
            self.stdout.write(
                f"AFWIJKING {instance.domein.naam} {instance.device_reference} "
                f"({instance.applicatie.naam}, client-Id {instance.client_id}): "
                f"{'; '.join(problems)}"
            )
        for instance in report.repaired:
            self.stdout.write(f"HERSTELD  {instance.domein.naam} {instance.device_reference}")
        for instance, message in report.failed:
            self.stdout.write(
                f"FOUT      {instance.domein.naam} {instance.device_reference}: {message}"
            )
        self.stdout.write(
            f"Samenvatting: {report.checked} gecontroleerd, {report.in_sync} in orde, "
            f"{len(report.drifted)} afwijkend, {len(report.repaired)} hersteld, "
            f"{len(report.failed)} fout."
        )
        if check and (report.drifted or report.failed):
            raise CommandError("Er zijn afwijkingen gevonden.", returncode=2)
        if report.failed:
            raise CommandError("Niet alles kon worden hersteld.", returncode=1)
