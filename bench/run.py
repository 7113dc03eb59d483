"""`make bench`: seed a production-sized PostgreSQL database, serve it with gunicorn on loopback,
drive the pages from a second process, and write docs/benchmarks.md. Not part of the test suite.

    python bench/run.py [--clients 4] [--max-requests 600] [--max-seconds 8] [--rounds 3]
                        [--out PATH]

Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ktbeheer_bench), created
when missing and seeded once (`seed_scale --if-empty`); later runs reuse the data.

To benchmark more pages (the portal screens of issue 3, the API of issue 7), add lines to PAGES.
The path is formatted with the ids in `BenchContext` (big_domein_id, instance_id, ...).
The outbox and FHIR scenarios are separate functions (SCENARIOS) that run only when those parts
exist on the branch; see their docstrings.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ktbeheer_bench"

# Targets from issue 8.
MAX_QUERIES = 12
PORTAL_FLOOR_RATIO = 3.0
ADMIN_BIG_CHANGELIST_MS = 1000.0
RANDOM_PAGE_COST = 1.1


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    user: str | None  # "domeinbeheerder", "applicatiebeheerder", "support" or None
    path: str  # formatted with BenchContext fields
    kind: str  # "floor", "portal", "api", "admin", "admin-big" (the <1 s changelists)
    headers: dict = field(default_factory=dict)


ADMIN = "/admin"
INST = f"{ADMIN}/domeinen/applicatieinstantie/"
REQ = f"{ADMIN}/connectieaanvragen/connectieaanvraag/"
DOM = "/domeinen/{big_domein_naam}/"
APP = "/applicaties/{applicatie_id}/"
API = "/api/v1/"
TOKEN_APP = {"Authorization": "Bearer {app_token}"}  # personal token of the applicatiebeheerder

# The one list to edit. After merging the portal (issue 3) and the API (issue 7), add e.g.
#   Page("dom", "Domein", "domeinbeheerder", "/domeinen/{big_domein_id}/", "portal"),
#   Page("api-inst", "API: instanties", "applicatiebeheerder", "/api/v1/instanties/", "api"),
PAGES = [
    Page("floor", "Floor: minimale Django-view", None, "/bench/floor/", "floor"),
    Page("start-dom", "Startscherm (groot domein)", "domeinbeheerder", "/", "portal"),
    Page("start-app", "Startscherm", "applicatiebeheerder", "/", "portal"),
    Page("start-sup", "Startscherm (alle domeinen)", "support", "/", "portal"),
    # The domain's tabs, for a domeinbeheerder of the largest domain.
    Page("dom", "Domein: details", "domeinbeheerder", DOM, "portal"),
    Page(
        "dom-inst", "Domein: instanties", "domeinbeheerder", DOM + "applicatieinstanties/", "portal"
    ),
    Page(
        "dom-inst-status",
        "Domein: instanties, filter in onderhoud",
        "domeinbeheerder",
        DOM + "applicatieinstanties/?status=in_onderhoud",
        "portal",
    ),
    Page(
        "dom-inst-q",
        "Domein: instanties, zoeken",
        "domeinbeheerder",
        DOM + "applicatieinstanties/?q={app_search}",
        "portal",
    ),
    Page(
        "dom-inst-one",
        "Domein: instantie",
        "domeinbeheerder",
        DOM + "applicatieinstanties/{instance_client_id}/",
        "portal",
    ),
    Page("dom-req", "Domein: aanvragen", "domeinbeheerder", DOM + "connectieaanvragen/", "portal"),
    Page(
        "dom-req-one",
        "Domein: aanvraag",
        "domeinbeheerder",
        DOM + "connectieaanvragen/{aanvraag_id}/",
        "portal",
    ),
    # The application's pages, for a beheerder of the most connected application.
    Page("app", "Applicatie: details", "applicatiebeheerder", APP, "portal"),
    Page(
        "app-req",
        "Applicatie: aanvragen",
        "applicatiebeheerder",
        APP + "connectieaanvragen/",
        "portal",
    ),
    Page(
        "app-inst",
        "Applicatie: instanties",
        "applicatiebeheerder",
        APP + "applicatieinstanties/",
        "portal",
    ),
    # The API list endpoints: session, personal token, and the domain key of the largest domain.
    Page("api-dom", "API: domeinen (sessie)", "domeinbeheerder", API + "domeinen/", "api"),
    Page(
        "api-inst-dom",
        "API: instanties (sessie)",
        "domeinbeheerder",
        API + "instanties/?domein={big_domein_naam}",
        "api",
    ),
    Page("api-req-dom", "API: aanvragen (sessie)", "domeinbeheerder", API + "aanvragen/", "api"),
    Page("api-app", "API: applicaties (token)", None, API + "applicaties/", "api", TOKEN_APP),
    Page("api-inst-app", "API: instanties (token)", None, API + "instanties/", "api", TOKEN_APP),
    Page("api-req-app", "API: aanvragen (token)", None, API + "aanvragen/", "api", TOKEN_APP),
    Page("api-rol", "API: rollen (token)", None, API + "rollen/", "api", TOKEN_APP),
    Page("api-tok", "API: tokens (token)", None, API + "tokens/", "api", TOKEN_APP),
    Page(
        "api-clients",
        "API: clients grootste domein (domeinsleutel)",
        None,
        API + "domeinen/{big_domein_naam}/clients/",
        "api",
        {"Authorization": "Bearer {domain_key}"},
    ),
    Page("api-inst-sup", "API: instanties (support, alle)", "support", API + "instanties/", "api"),
    Page("admin-index", "Admin: index", "support", f"{ADMIN}/", "admin"),
    Page("adm-inst", "Admin: instanties", "support", INST, "admin-big"),
    Page(
        "adm-inst-dom",
        "Admin: instanties, filter domein",
        "support",
        INST + "?domein__id__exact={big_domein_id}",
        "admin-big",
    ),
    Page(
        "adm-inst-status",
        "Admin: instanties, filter in onderhoud",
        "support",
        INST + "?status__exact=in_onderhoud",
        "admin-big",
    ),
    Page(
        "adm-inst-q", "Admin: instanties, zoeken", "support", INST + "?q={app_search}", "admin-big"
    ),
    Page("adm-inst-p", "Admin: instanties, pagina 50", "support", INST + "?p=50", "admin-big"),
    Page(
        "adm-inst-one",
        "Admin: instantie (wijzigen)",
        "support",
        INST + "{instance_id}/change/",
        "admin",
    ),
    Page("adm-req", "Admin: aanvragen", "support", REQ, "admin-big"),
    Page(
        "adm-req-open",
        "Admin: aanvragen, filter aangevraagd",
        "support",
        REQ + "?status__exact=aangevraagd",
        "admin-big",
    ),
    Page(
        "adm-req-dom",
        "Admin: aanvragen, filter domein",
        "support",
        REQ + "?domein__id__exact={big_domein_id}",
        "admin-big",
    ),
    Page(
        "adm-req-year",
        "Admin: aanvragen, datum 2024",
        "support",
        REQ + "?aangevraagd_op__year=2024",
        "admin-big",
    ),
    Page("adm-req-q", "Admin: aanvragen, zoeken", "support", REQ + "?q={app_search}", "admin-big"),
    Page(
        "adm-req-one",
        "Admin: aanvraag (wijzigen)",
        "support",
        REQ + "{aanvraag_id}/change/",
        "admin",
    ),
    Page("adm-dom", "Admin: domeinen", "support", f"{ADMIN}/domeinen/domein/", "admin"),
    Page("adm-app", "Admin: applicaties", "support", f"{ADMIN}/applicaties/applicatie/", "admin"),
    Page("adm-user", "Admin: gebruikers", "support", f"{ADMIN}/accounts/user/", "admin"),
    Page("adm-deliv", "Admin: outbox-bezorgingen", "support", f"{ADMIN}/outbox/delivery/", "admin"),
    Page("floor-end", "Floor (nogmaals, aan het eind)", None, "/bench/floor/", "floor"),
]


@dataclass
class BenchContext:
    users: dict  # role -> User
    big_domein_id: int
    big_domein_naam: str
    big_domein_instances: int
    instance_id: int
    instance_client_id: str
    aanvraag_id: int
    applicatie_id: int
    app_search: str
    counts: dict


# --- environment ---
def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    if env.get("KT_OMGEVING") == "prd2":
        raise SystemExit("make bench draait nooit op prd2.")
    env.update(
        DATABASE_URL=database_url,
        KT_BENCH="1",
        KT_OMGEVING="lokaal",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        # Persistent connections, as a production deployment should run (see docs/benchmarks.md).
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        # The API throttles would answer 429 under load; the bench measures the work, not them.
        KT_API_RATE_DOMEINSLEUTEL="1000000/min",
        KT_API_RATE_TOKEN="1000000/min",
        DJANGO_SETTINGS_MODULE="beheer.settings",
    )
    return env


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")
        # The planner's cost of a random page read for storage that is not a spinning disk, as
        # README's production section advises (PostgreSQL's default 4 assumes a hard disk).
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- data for the pages ---
def build_context() -> BenchContext:
    from django.db.models import Count

    from applicaties.models import Applicatie
    from beheer.accounts.models import User
    from connectieaanvragen.models import Connectieaanvraag
    from domeinen.models import Applicatieinstantie, Domein

    big = Domein.objects.annotate(n=Count("instanties")).order_by("-n", "pk").first()
    app = Applicatie.objects.annotate(n=Count("instanties")).order_by("-n", "pk").first()
    users = {
        "domeinbeheerder": big.beheerders.order_by("pk").first(),
        "applicatiebeheerder": app.beheerders.order_by("pk").first(),
        "support": User.objects.filter(is_staff=True, groups__name="support")
        .order_by("pk")
        .first(),
    }
    instance = Applicatieinstantie.objects.filter(domein=big).order_by("-aangemaakt_op").first()
    aanvraag = (
        Connectieaanvraag.objects.filter(domein=big, status="aangevraagd").order_by("pk").first()
        or Connectieaanvraag.objects.filter(domein=big).order_by("pk").first()
    )
    counts = {
        m._meta.verbose_name_plural.capitalize(): m.objects.count()
        for m in (User, Domein, Applicatie, Applicatieinstantie, Connectieaanvraag)
    }
    return BenchContext(
        users=users,
        big_domein_id=big.pk,
        big_domein_naam=big.naam,
        big_domein_instances=big.n,
        instance_id=instance.pk,
        instance_client_id=str(instance.client_id),
        aanvraag_id=aanvraag.pk,
        applicatie_id=app.pk,
        app_search=app.naam.split(" ")[0],
        counts=counts,
    )


def make_session(user) -> str:
    """A logged-in session straight in the database, in the state a real login leaves it in
    (see beheer/accounts/middleware.py): password step done, OTP-verified with a static device
    of the user, last activity now (idle timeout), no forced password change. No login form, so
    2FA and lockout neither slow the bench down nor block it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from beheer.accounts.middleware import LAST_ACTIVITY_KEY

    if user.must_change_password:
        type(user).objects.filter(pk=user.pk).update(must_change_password=False)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that really logs users in (the axes backend only guards the password step).
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[LAST_ACTIVITY_KEY] = time.time()
    store.create()
    return store.session_key


def make_credentials(ctx: BenchContext) -> dict:
    """A personal token for the applicatiebeheerder and a domain key of the largest domain,
    made through the API services (the secrets live only in this process)."""
    from api.services import create_domain_key, create_personal_token
    from domeinen.models import Domein

    _, app_token = create_personal_token(
        gebruiker=ctx.users["applicatiebeheerder"],
        naam="bench",
        by=ctx.users["applicatiebeheerder"],
    )
    big = Domein.objects.get(pk=ctx.big_domein_id)
    _, domain_key = create_domain_key(domein_id=big.pk, naam="bench", by=ctx.users["support"])
    return {"app_token": app_token, "domain_key": domain_key}


# --- server ---
def start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn with the project's production configuration (gunicorn.conf.py), so the bench
    measures what production runs; only the address, the worker and thread counts and the log
    output come from here (through the environment variables that file reads)."""
    gunicorn = Path(PY).with_name("gunicorn")
    server_env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS=str(threads),
        # Formatted and written as in production, but not onto the bench's terminal.
        GUNICORN_ACCESSLOG=os.devnull,
        GUNICORN_LOG_LEVEL="warning",
    )
    proc = subprocess.Popen(
        [str(gunicorn), "beheer.wsgi", f"--config={ROOT / 'gunicorn.conf.py'}"],
        cwd=ROOT,
        env=server_env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=2).status_code == 200:
                return proc
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /health/ within 30 s")


# --- EXPLAIN of the heaviest queries ---
def heaviest_queries(pages: list[dict], n: int = 3) -> tuple[list[dict], dict]:
    """Render every page in-process three times, keep each distinct SELECT's best time, and
    EXPLAIN (ANALYZE, BUFFERS) the n slowest. Also returns each page's best in-process time
    (one request at a time, no HTTP, no concurrency): what the page itself costs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    best: dict[str, dict] = {}
    single: dict[str, float] = {}
    for page in pages:
        client = Client()
        for name, value in page["cookies"].items():
            client.cookies[name] = value
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                client.get(page["path"], headers=page["headers"])
                ms = (time.perf_counter() - t0) * 1000
            single[page["key"]] = min(ms, single.get(page["key"], ms))
            for q in ctx.captured_queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                t = float(q["time"]) * 1000
                if sql not in best or t < best[sql]["ms"]:
                    best[sql] = {"ms": t, "page": page["key"], "sql": sql}
    top = sorted(best.values(), key=lambda x: -x["ms"])[:n]
    with connection.cursor() as cursor:
        for item in top:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + item["sql"])
            item["plan"] = "\n".join(row[0] for row in cursor.fetchall())
    return top, single


# --- scenarios ---
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


def scenario_accept_to_device(ctx: BenchContext, env: dict) -> dict:
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
        cwd=ROOT,
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


def scenario_outbox_mail(ctx: BenchContext, env: dict) -> dict:
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
            cwd=ROOT,
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


# --- report ---
def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except OSError:
        mem = "?"
    import django
    import gunicorn
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Geheugen": mem,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": pg,
        "gunicorn": gunicorn.__version__,
        "Datum": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("ja" if flag else "**NEE**")


NOTES_START = "<!-- notes: kept by make bench -->"
NOTES_END = "<!-- /notes -->"


def _preserved_notes(out: Path) -> list[str]:
    """The hand-written analysis between the notes markers survives a re-run."""
    try:
        text = out.read_text(encoding="utf-8")
    except OSError:
        return []
    if NOTES_START not in text or NOTES_END not in text:
        return []
    body = text.split(NOTES_START, 1)[1].split(NOTES_END, 1)[0]
    return [NOTES_START + body + NOTES_END, ""]


def write_report(
    out: Path, *, args, ctx, seed_note, results, explains, scenarios, server
) -> list[str]:
    by_key = {r["key"]: r for r in results}
    floors = [r["p95_ms"] for r in results if r["kind"] == "floor"]
    floor = sum(floors) / len(floors)
    singles = [r["single_ms"] for r in results if r["kind"] == "floor" and r.get("single_ms")]
    floor_single = min(singles) if singles else None
    failures = []
    rows = []
    for r in results:
        ratio = r["p95_ms"] / floor if floor else float("nan")
        q = r["queries_max"]
        ok_q = None if q is None else q <= MAX_QUERIES
        ok_t = None
        if r["kind"] == "portal":
            ok_t = ratio <= PORTAL_FLOOR_RATIO
        elif r["kind"] == "admin-big":
            ok_t = r["p95_ms"] < ADMIN_BIG_CHANGELIST_MS
        bad_status = {s: n for s, n in r["statuses"].items() if s != "200"}
        if ok_q is False or ok_t is False or bad_status:
            failures.append(r["key"])
        queries = (
            "—"
            if q is None
            else (f"{r['queries_min']}" if r["queries_min"] == q else f"{r['queries_min']}–{q}")
        )
        single = r.get("single_ms")
        single_txt = "—" if single is None else f"{single:.1f}"
        if single is not None and floor_single:
            single_txt += f" ({single / floor_single:.0f}×)"
        rows.append(
            f"| {r['label']} | {r['user'] or '—'} | `{r['path']}` | {r['n']} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {' / '.join(f'{x:.0f}' for x in r['round_p95_ms'])} | "
            f"{r['rps']:.0f} | {queries} | {ratio:.1f}× | {single_txt} | "
            f"{_ok(ok_q)} | "
            f"{_ok(ok_t)}{' (status ' + str(bad_status) + ')' if bad_status else ''} |"
        )
    m = machine()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand. The suite never times "
        "anything; this is where speed is measured.",
        "",
        "What was changed for speed, and why: [performance.md](performance.md).",
        "",
        "**Noise.** Load average (1 / 5 / 15 min) before the run: "
        + " / ".join(f"{x:.1f}" for x in LOAD_AT_START)
        + "; at the end: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (the bench's own server and load generator count in it). The server, the load "
        "generator and PostgreSQL share the machine's cores, so absolute numbers vary between "
        "runs by some 20 %; compare ratios, and re-run before drawing conclusions from one row.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in m.items()],
        "",
        "## Set-up",
        "",
        "- Data (`manage.py seed_scale`, defaults): "
        + ", ".join(f"{k}: {v:,}".replace(",", ".") for k, v in ctx.counts.items())
        + f"; the largest domain (`{ctx.big_domein_naam}`) holds {ctx.big_domein_instances:,} "
        "instances.".replace(",", ".")
        + f" Database {seed_note}.",
        f"- Server: gunicorn, {server['workers']} workers × {server['threads']} thread(s) "
        "(`gunicorn.conf.py`: gthread, keep-alive), DEBUG=0, PostgreSQL on loopback, "
        "persistent database connections (`DB_CONN_MAX_AGE=60`), prepared statements "
        f"(`DB_PREPARED_STATEMENTS`, default on), `random_page_cost = {RANDOM_PAGE_COST}` on the "
        "database (SSD; README), `KT_BENCH=1` (query counter and floor view).",
        f"- Load: a separate process (`bench/loadgen.py`), {args.clients} concurrent keep-alive "
        f"clients per page, at most {args.max_requests} requests or {args.max_seconds} s per page "
        f"in {args.rounds} rounds (each round drives every page in turn with 1/{args.rounds} of "
        "them; a page's numbers are over all its rounds, so its samples come from moments spread "
        f"over the run, as the floor's do), after {args.warmup} warm-up requests per client in "
        f"the first round and one in later rounds; before the first round {server['warmup']} "
        "unmeasured requests of every page warm the server's workers up. Latency is measured "
        "in the client.",
        "- Users: sessions created directly in the database (no login form) for the first "
        "domeinbeheerder of the largest domain, the first applicatiebeheerder of the most "
        "connected application, and a support user.",
        f"- Floor: p95 of `/bench/floor/` = {floor:.1f} ms (mean of the first and the last "
        "floor page, each over all its rounds).",
        "",
        "## Pages",
        "",
        f"Targets: at most {MAX_QUERIES} SQL queries per page; portal pages p95 ≤ "
        f"{PORTAL_FLOOR_RATIO:.0f}× the floor; admin changelists of Applicatieinstantie and "
        f"Connectieaanvraag p95 < {ADMIN_BIG_CHANGELIST_MS:.0f} ms.",
        "",
        "| Page | User | Path | n | p50 ms | p95 ms | p95 per round | req/s | SQL/request "
        "| p95 / floor | alone ms (/ floor) | ≤ 12 SQL | time target |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "*alone ms*: the best of three in-process renders (Django test client, one request at a "
        "time, no HTTP, no other load from this run), and its ratio to the floor rendered the "
        f"same way ({floor_single or 0:.1f} ms): what the page itself costs in CPU and SQL.",
        "",
        *_preserved_notes(out),
        "## Scenarios",
        "",
        *[
            f"- {s['name']}: "
            + (f"not measured ({s['skipped']})." if "skipped" in s else s["result"])
            for s in scenarios
        ],
        "",
        "## EXPLAIN (ANALYZE, BUFFERS) of the three heaviest queries",
        "",
        "Each page rendered three times in-process; every distinct SELECT keeps its best time.",
        "",
    ]
    for i, item in enumerate(explains, 1):
        lines += [
            f"### {i}. {item['ms']:.1f} ms, page `{by_key[item['page']]['path']}`",
            "",
            "```sql",
            item["sql"],
            "```",
            "",
            "```",
            item["plan"],
            "```",
            "",
        ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    return failures


# Before anything of the bench runs: how busy the machine already was.
LOAD_AT_START = os.getloadavg()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=600)
    parser.add_argument("--max-seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--server-warmup",
        type=int,
        default=None,
        help="unmeasured requests per page before the first round (default: enough for every "
        "worker to pass GUNICORN_GC_FREEZE_AFTER requests)",
    )
    # The defaults of gunicorn.conf.py: 2 x cores + 1 processes of one thread each.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed-args", default="", help="extra arguments for seed_scale")
    parser.add_argument("--only", default="", help="comma-separated page keys")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    env = bench_env(args.database_url)
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    import psycopg

    with psycopg.connect(args.database_url) as conn:
        seeded = conn.execute("SELECT EXISTS (SELECT 1 FROM domeinen_domein)").fetchone()[0]
    started = time.monotonic()
    manage(env, "seed_scale", "--if-empty", *args.seed_args.split())
    seed_note = (
        "already seeded by an earlier run (seed_scale skipped)"
        if seeded
        else f"seeded in this run by `seed_scale` in {time.monotonic() - started:.1f} s"
    )
    print(f"seed: {seed_note}")

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    ctx = build_context()
    cookies = {role: {"sessionid": make_session(u)} for role, u in ctx.users.items()}
    fields = {k: v for k, v in vars(ctx).items() if isinstance(v, int | str)}
    fields.update(make_credentials(ctx))
    only = {k for k in args.only.split(",") if k}
    pages = [
        {
            "key": p.key,
            "label": p.label,
            "user": p.user,
            "kind": p.kind,
            "path": p.path.format(**fields),
            "cookies": cookies[p.user] if p.user else {},
            "headers": {k: v.format(**fields) for k, v in p.headers.items()},
        }
        for p in PAGES
        if not only or p.key in only or p.kind == "floor"
    ]

    # Unmeasured requests per page before the first round: enough for every worker to pass
    # GUNICORN_GC_FREEZE_AFTER requests (gunicorn.conf.py), with a margin for an uneven spread.
    freeze_after = int(env.get("GUNICORN_GC_FREEZE_AFTER") or 100)
    server_warmup = args.server_warmup
    if server_warmup is None:
        server_warmup = max(10, math.ceil(1.5 * args.workers * freeze_after / len(pages)))
    port = free_port()
    server = start_server(env, port, args.workers, args.threads)
    try:
        config = {
            "base": f"http://127.0.0.1:{port}",
            "clients": args.clients,
            "max_requests": args.max_requests,
            "max_seconds": args.max_seconds,
            "warmup": args.warmup,
            "rounds": args.rounds,
            "server_warmup": server_warmup,
            "pages": pages,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(config, fh)
        run = subprocess.run(
            [PY, str(ROOT / "bench" / "loadgen.py"), fh.name],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,  # the results; progress goes straight to stderr
            text=True,
            timeout=len(pages) * (args.max_seconds + 60),
        )
        os.unlink(fh.name)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = json.loads(run.stdout)
    meta = {p["key"]: p for p in pages}
    for r in results:
        r.update(
            label=meta[r["key"]]["label"], user=meta[r["key"]]["user"], kind=meta[r["key"]]["kind"]
        )

    explains, single = heaviest_queries(pages)
    for r in results:
        r["single_ms"] = single.get(r["key"])
    scenarios = [scenario(ctx, env) for scenario in SCENARIOS]
    failures = write_report(
        args.out,
        args=args,
        ctx=ctx,
        seed_note=seed_note,
        results=results,
        explains=explains,
        scenarios=scenarios,
        server={"workers": args.workers, "threads": args.threads, "warmup": server_warmup},
    )
    print(f"written: {args.out}")
    if failures:
        print("targets missed: " + ", ".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
