"""manage.py check_jwks: the daily key check of every live application instance.

Run it once a day from cron or a systemd timer (README). For every actief and in onderhoud
instance it fetches the JWKS URI with the same checker as filing a request
(connectieaanvragen.jwks.fetch_and_check) and stores the result on the instance through
domeinen.services.record_key_check, which also sends the few mails (bad twice in a row, good
again, a certificate about to expire).

The fetches run in a small thread pool (`--workers`), and the whole run has a time limit
(`--limit`): what has not answered by then is left for the next run and counted in the
summary. The threads only fetch; every database write happens in the main thread, one short
transaction per instance, never around a fetch.
"""

import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from django.core.management.base import BaseCommand

from connectieaanvragen.jwks import fetch_and_check
from domeinen.models import Applicatieinstantie, InstantieStatus
from domeinen.services import record_key_check


class Command(BaseCommand):
    help = "Controleer de JWKS URI van elke actieve applicatieinstantie (dagelijks draaien)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=4, help="Hoeveel URI's tegelijk (standaard 4)."
        )
        parser.add_argument(
            "--limit",
            type=float,
            default=600.0,
            help="Totale tijdslimiet in seconden (standaard 600).",
        )

    def handle(self, *args, workers, limit, **options):
        targets = list(
            Applicatieinstantie.objects.filter(
                status__in=[InstantieStatus.ACTIEF, InstantieStatus.IN_ONDERHOUD]
            )
            .order_by("pk")
            .values_list("pk", "jwks_uri")
        )
        deadline = time.monotonic() + limit
        good = bad = 0
        pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="check_jwks")
        try:
            pending = {pool.submit(fetch_and_check, uri): (pk, uri) for pk, uri in targets}
            while pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                done, _ = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
                for future in done:
                    pk, uri = pending.pop(future)
                    result = future.result()  # fetch_and_check never raises for bad input
                    record_key_check(
                        instance_id=pk,
                        jwks_uri=uri,
                        ok=result.ok,
                        error=result.error,
                        cert_expires_at=result.cert_expires_at,
                        at=result.checked_at,
                    )
                    if result.ok:
                        good += 1
                    else:
                        bad += 1
        finally:
            # Unstarted fetches are dropped; running ones end at their own fetch deadline.
            pool.shutdown(wait=False, cancel_futures=True)
        unfinished = len(targets) - good - bad
        self.stdout.write(
            f"Sleutels gecontroleerd: {good} in orde, {bad} fout, "
            f"{unfinished} niet op tijd klaar (van {len(targets)})."
        )
