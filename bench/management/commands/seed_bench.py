"""`manage.py seed_bench`: fill the database with a production-sized environment for benchmarks.

    DJANGO_SETTINGS_MODULE=bench.settings python manage.py seed_bench [--scale 0.01] [--small]

Only under bench.settings (the `bench` app). Bulk inserts (see bench/scale.py); never through
the services, so it takes seconds, not hours.
The data obeys every constraint and lifecycle rule the services enforce. Refuses to run on prd2.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import scale
from domeinen.models import Domein


class Command(BaseCommand):
    help = "Vult de database met een grote, consistente omgeving voor benchmarks (niet op prd2)."

    def add_arguments(self, parser):
        d = scale.ScaleOptions()
        parser.add_argument("--domains", type=int, default=d.domains)
        parser.add_argument("--applications", type=int, default=d.applications)
        parser.add_argument("--instances", type=int, default=d.instances)
        parser.add_argument("--requests", type=int, default=d.requests)
        parser.add_argument(
            "--open-requests", type=int, default=None, help="standaard 5%% van --requests"
        )
        parser.add_argument(
            "--domain-admins", type=int, default=None, help="standaard 1,5 per domein"
        )
        parser.add_argument(
            "--application-admins", type=int, default=None, help="standaard 1 per 2 applicaties"
        )
        parser.add_argument("--support-users", type=int, default=d.support_users)
        parser.add_argument(
            "--audit-records", type=int, default=d.audit_records, help="logboekregels"
        )
        parser.add_argument("--skew", type=float, default=d.skew, help="Zipf-exponent")
        parser.add_argument("--seed", type=int, default=d.seed)
        parser.add_argument("--batch-size", type=int, default=d.batch_size)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="alle aantallen maal deze factor (bijv. 0.01 voor 1%%)",
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="klein (CI): 12 domeinen, 30 applicaties, 150 instanties, 260 aanvragen",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="niets doen (en slagen) als de database al een schaalomgeving bevat",
        )

    def handle(self, *args, **o):
        if settings.KT_OMGEVING == "prd2":
            raise CommandError("seed_bench mag niet op de productieomgeving (prd2) draaien.")
        if o["small"]:
            options = scale.SMALL
        else:
            options = scale.ScaleOptions(
                domains=o["domains"],
                applications=o["applications"],
                instances=o["instances"],
                requests=o["requests"],
                open_requests=o["open_requests"],
                domain_admins=o["domain_admins"],
                application_admins=o["application_admins"],
                support_users=o["support_users"],
                audit_records=o["audit_records"],
                skew=o["skew"],
                seed=o["seed"],
                batch_size=o["batch_size"],
            ).scaled(o["scale"])
        errors = options.validate()
        if errors:
            raise CommandError(" ".join(errors))
        if Domein.objects.exists():
            if o["if_empty"]:
                self.stdout.write("De database bevat al gegevens; seed_bench slaat over.")
                return
            raise CommandError(
                "De database bevat al domeinen; seed_bench vult alleen een lege database."
            )
        started = time.monotonic()
        plan = scale.make_plan(options)
        self.stdout.write(f"Plan gemaakt in {time.monotonic() - started:.1f} s.")
        counts = scale.write_plan(
            plan,
            progress=lambda msg: self.stdout.write(f"  {time.monotonic() - started:6.1f} s  {msg}"),
        )
        self.stdout.write(
            self.style.SUCCESS(f"Klaar in {time.monotonic() - started:.1f} s: ")
            + ", ".join(f"{name} {n}" for name, n in counts.items())
        )
