"""The bench's two scenarios beside the pages, run in-process by `bench/run.py` (its Django step,
in the code under test, against the full-size database) after the load has stopped:

- accepting requests until the KT2Device is readable on a local FHIR server (p95 < 1 s);
- 1,000 queued mails delivered by the outbox worker to a local SMTP server (< 30 s).
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("ja" if flag else "**NEE**")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _wait_port(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server stopped while starting")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


ACCEPT_N = 40
ACCEPT_TARGET_MS = 1000.0


def scenario_accept_to_device(env: dict) -> dict:
    """Accept → KT2Device visible on the FHIR server, target p95 < 1 s.

    Starts the local FHIR dev server (sekmet, `beheer.fhir.devserver`) on a loopback port, points
    the domain with the most open requests at it (fhir_auth "geen"), and accepts ACCEPT_N of its
    open requests one after another through `accept_request` in this process (the gunicorn
    server is stopped by now). Each sample runs from just before the accept call until
    GET Device/<client_id> on the FHIR server answers 200: the transaction, the outbox row, the
    push right after commit (OUTBOX_SEND_ON_COMMIT) and the read-back.
    """
    from django.conf import settings
    from django.db.models import Count, Q

    from beheer.fhir.auth import AUTH_NONE
    from connectieaanvragen.models import Connectieaanvraag
    from connectieaanvragen.services import accept_request
    from domeinen.models import Applicatieinstantie, Domein, FhirStatus

    name = "Accepteren → Device zichtbaar op de FHIR-server"
    domein = (
        Domein.objects.annotate(
            n=Count("connectieaanvragen", filter=Q(connectieaanvragen__status="aangevraagd"))
        )
        .order_by("-n", "pk")
        .first()
    )
    open_ids = list(
        Connectieaanvraag.objects.filter(domein=domein, status="aangevraagd")
        .order_by("pk")
        .values_list("pk", flat=True)[:ACCEPT_N]
    )
    if len(open_ids) < 10:
        return {"name": name, "skipped": "te weinig open aanvragen over (seed opnieuw)"}
    decider = domein.beheerders.order_by("pk").first()
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1/{domein.naam}/fhir/r4"
    data_dir = tempfile.mkdtemp(prefix="bench-fhir-")
    fhir = subprocess.Popen(
        [PY, "-m", "beheer.fhir.devserver", f"--port={port}", f"--data-dir={data_dir}"],
        cwd=Path.cwd(),  # the code under test (bench/run.py --code)
        env=env,
        stdout=subprocess.DEVNULL,
    )
    saved = (domein.fhir_base_url, domein.fhir_auth)
    saved_backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # accept mails
    samples, failed = [], 0
    try:
        _wait_port(f"{base}/metadata", fhir)
        Domein.objects.filter(pk=domein.pk).update(fhir_base_url=base + "/", fhir_auth=AUTH_NONE)
        session = requests.Session()
        for request_id in open_ids:
            t0 = time.perf_counter()
            aanvraag = accept_request(request_id=request_id, by=decider)
            client_id = aanvraag.instantie.client_id
            deadline = t0 + 10
            while time.perf_counter() < deadline:
                r = session.get(f"{base}/Device/{client_id}", timeout=5)
                if r.status_code == 200:
                    samples.append((time.perf_counter() - t0) * 1000)
                    break
                time.sleep(0.01)
            else:
                failed += 1
        synced = Applicatieinstantie.objects.filter(
            connectieaanvraag__pk__in=open_ids, fhir_status=FhirStatus.GESYNCHRONISEERD
        ).count()
    finally:
        settings.EMAIL_BACKEND = saved_backend
        Domein.objects.filter(pk=domein.pk).update(fhir_base_url=saved[0], fhir_auth=saved[1])
        fhir.terminate()
        fhir.wait(timeout=30)
    p50, p95 = _pct(samples, 0.5), _pct(samples, 0.95)
    ok = not failed and p95 < ACCEPT_TARGET_MS
    return {
        "name": name,
        "ok": ok,
        "result": (
            f"{len(samples)} of {len(open_ids)} requests of domain `{domein.naam}` accepted one "
            f"after another; Device readable after p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
            f"max {max(samples):.0f} ms; {synced} instances recorded as gesynchroniseerd; "
            f"{failed} not visible within 10 s. Target p95 < {ACCEPT_TARGET_MS:.0f} ms: "
            f"{_ok(ok)}."
        ),
    }


MAIL_N = 1000
MAIL_WORKERS = 2
MAIL_TARGET_S = 30.0


def scenario_outbox_mail(env: dict) -> dict:
    """1,000 queued mails delivered by the outbox worker to a local SMTP server in < 30 s.

    Starts aiosmtpd on a free loopback port (counting the messages), queues MAIL_N mails in one
    transaction without the after-commit attempt (only the worker delivers them), then starts
    MAIL_WORKERS `manage.py run_outbox` processes with EMAIL_BACKEND smtp on that port, and
    times from the workers' start until the SMTP server has received all MAIL_N messages.
    """
    import threading

    from aiosmtpd.controller import Controller
    from django.db import transaction

    from beheer.outbox.models import Delivery
    from beheer.outbox.services import EMAIL_KIND, queue_delivery

    name = f"Outbox: {MAIL_N:,} mails naar een lokale SMTP-server".replace(",", ".")
    received = []
    all_in = threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(len(envelope.content))
            if len(received) >= MAIL_N:
                all_in.set()
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    tag = secrets.token_hex(4)
    with transaction.atomic():
        for i in range(MAIL_N):
            to = f"bench{i}@ontvanger.schaal.koppeltaal.invalid"
            subject = f"Benchmark {tag} bericht {i + 1}"
            queue_delivery(
                kind=EMAIL_KIND,
                payload={
                    "to": to,
                    "subject": subject,
                    "text": "Dit is een testbericht van make bench.\n" * 20,
                    "html": "<p>Dit is een testbericht van make bench.</p>" * 20,
                },
                recipient=to,
                subject=subject,
                try_now=False,
            )
    worker_env = dict(
        env,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        OUTBOX_POLL_SECONDS="1",
    )
    t0 = time.perf_counter()
    workers = [
        subprocess.Popen(
            [PY, "manage.py", "run_outbox", "--batch-size=50"],
            cwd=Path.cwd(),  # the code under test (bench/run.py --code)
            env=worker_env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(MAIL_WORKERS)
    ]
    try:
        done = all_in.wait(timeout=120)
        seconds = time.perf_counter() - t0
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=60)
        controller.stop()
    sent = Delivery.objects.filter(subject__startswith=f"Benchmark {tag} ", status="verzonden")
    n_sent = sent.count()
    ok = done and seconds < MAIL_TARGET_S
    return {
        "name": name,
        "ok": ok,
        "result": (
            f"{len(received)} of {MAIL_N} messages received by aiosmtpd in {seconds:.1f} s "
            f"({len(received) / seconds:.0f} mails/s) with {MAIL_WORKERS} `run_outbox` workers "
            f"(batch 50, one SMTP connection per message); {n_sent} deliveries recorded as sent. "
            f"Target < {MAIL_TARGET_S:.0f} s: {_ok(ok)}."
        ),
    }


SCENARIOS = [scenario_accept_to_device, scenario_outbox_mail]
