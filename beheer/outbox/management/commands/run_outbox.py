"""Deliver the outbox: `manage.py run_outbox` runs until SIGTERM/SIGINT; `--once` empties the
queue of what is due now and exits (tests, cron). Several workers may run at once."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from beheer.outbox.services import process_due

logger = logging.getLogger("beheer.outbox.worker")


class Command(BaseCommand):
    help = "Bezorg wachtende berichten uit de outbox (e-mail, FHIR), met herhaalpogingen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Verwerk wat nu klaarstaat en stop dan."
        )
        parser.add_argument("--batch-size", type=int, default=10)
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="Seconden wachten als er niets klaarstaat (standaard OUTBOX_POLL_SECONDS).",
        )

    def handle(self, *args, once=False, batch_size=10, poll=None, **options):
        poll = settings.OUTBOX_POLL_SECONDS if poll is None else poll
        stop = threading.Event()
        if once:
            done = process_due(batch_size=batch_size)
            self.stdout.write(f"{done} bezorging(en) verwerkt.")
            return
        previous = self._install_signal_handlers(stop)
        logger.info("Outbox worker started (poll every %ss)", poll)
        try:
            while not stop.is_set():
                _drop_stale_connection()
                try:
                    process_due(batch_size=batch_size, stop=stop)
                except Exception:
                    # A database hiccup must not end the worker; try again after the poll wait.
                    logger.exception("Outbox worker: processing failed")
                stop.wait(poll)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _drop_stale_connection()
        logger.info("Outbox worker stopped")
        self.stdout.write("Outbox-verwerker gestopt.")

    @staticmethod
    def _install_signal_handlers(stop: threading.Event) -> dict:
        """SIGTERM/SIGINT finish the delivery in hand, then stop. Returns the old handlers."""
        if threading.current_thread() is not threading.main_thread():
            return {}  # signals can only be handled in the main thread
        previous = {}
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
        return previous


def _drop_stale_connection() -> None:
    """Reconnect after a database restart or CONN_MAX_AGE, as a request would. Not inside an
    atomic block (only a test runs the worker there): closing would end that transaction."""
    if not connection.in_atomic_block:
        close_old_connections()
