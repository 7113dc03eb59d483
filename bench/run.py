"""`make bench`: seed a production-sized PostgreSQL database, serve it with gunicorn on loopback,
drive the pages from a second process, and write docs/benchmarks.md. Not part of the test suite.

    python bench/run.py [--clients 4] [--max-requests 300] [--max-seconds 8] [--out PATH]

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

# The one list to edit. After merging the portal (issue 3) and the API (issue 7), add e.g.
#   Page("dom", "Domein", "domeinbeheerder", "/domeinen/{big_domein_id}/", "portal"),
#   Page("api-inst", "API: instanties", "applicatiebeheerder", "/api/v1/instanties/", "api"),
PAGES = [
    Page("floor", "Floor: minimale Django-view", None, "/bench/floor/", "floor"),
    Page("start-dom", "Startscherm (groot domein)", "domeinbeheerder", "/", "portal"),
    Page("start-app", "Startscherm", "applicatiebeheerder", "/", "portal"),
    Page("start-sup", "Startscherm (alle domeinen)", "support", "/", "portal"),
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
    Page("floor-end", "Floor (nogmaals, aan het eind)", None, "/bench/floor/", "floor"),
]


@dataclass
class BenchContext:
    users: dict  # role -> User
    big_domein_id: int
    big_domein_naam: str
    big_domein_instances: int
    instance_id: int
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
        aanvraag_id=aanvraag.pk,
        applicatie_id=app.pk,
        app_search=app.naam.split(" ")[0],
        counts=counts,
    )


def make_session(user) -> str:
    """A logged-in session straight in the database: no login form, so 2FA and lockout (added on
    another branch) neither slow the bench down nor block it. When django-otp is installed the
    session is marked OTP-verified with a static device of the user."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if "django_otp" in settings.INSTALLED_APPS:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


# --- server ---
def start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(PY).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "beheer.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--keep-alive=10",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
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
def heaviest_queries(pages: list[dict], n: int = 3) -> list[dict]:
    """Render every page in-process three times, keep each distinct SELECT's best time, and
    EXPLAIN (ANALYZE, BUFFERS) the n slowest."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    best: dict[str, dict] = {}
    for page in pages:
        client = Client()
        for name, value in page["cookies"].items():
            client.cookies[name] = value
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                client.get(page["path"])
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
    return top


# --- scenarios that need other branches ---
def scenario_accept_to_device(ctx: BenchContext, env: dict) -> dict:
    """Accept → KT2Device visible on the FHIR server, target p95 < 1 s (issue 6).

    Not on this branch. After merge: start the local FHIR server (as tests/fhir does), point the
    bench domain's fhir_base_url at it, file N requests through the services, then for each:
    t0; accept_request(...); poll GET Device/<client_id> until 200; record t1 - t0. Report p50/p95.
    """
    from django.apps import apps

    if not apps.is_installed("beheer.fhir"):
        return {"name": "Accepteren → Device zichtbaar", "skipped": "beheer.fhir ontbreekt"}
    raise NotImplementedError("wire the FHIR push of issue 6 in here after merging")


def scenario_outbox_mail(ctx: BenchContext, env: dict) -> dict:
    """1,000 queued mails delivered by the outbox worker to a local SMTP server in < 30 s (issue 5).

    Not on this branch. After merge: start aiosmtpd on a free loopback port, set EMAIL_BACKEND to
    SMTP with that port, queue 1,000 mails through the outbox service, time `run_outbox` until the
    SMTP server has received all 1,000 (count the messages), and report the seconds.
    """
    from django.apps import apps

    if not apps.is_installed("beheer.outbox"):
        return {"name": "Outbox: 1.000 mails naar SMTP", "skipped": "beheer.outbox ontbreekt"}
    raise NotImplementedError("wire the outbox worker of issue 5 in here after merging")


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


def write_report(
    out: Path, *, args, ctx, seed_note, results, explains, scenarios, server
) -> list[str]:
    by_key = {r["key"]: r for r in results}
    floors = [r["p95_ms"] for r in results if r["kind"] == "floor"]
    floor = sum(floors) / len(floors)
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
        rows.append(
            f"| {r['label']} | {r['user'] or '—'} | `{r['path']}` | {r['n']} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['rps']:.0f} | {queries} | {ratio:.1f}× | {_ok(ok_q)} | "
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
        "**Noise.** This run shared a 2-core machine with other test suites running at the same "
        "time (load average at the end of the run: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " for 1 / 5 / 15 min); treat the absolute numbers as rough and compare ratios. "
        "Re-run on a quiet machine before drawing conclusions.",
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
        f"- Server: gunicorn, {server['workers']} workers × {server['threads']} threads (gthread, "
        "keep-alive), DEBUG=0, PostgreSQL on loopback, persistent database connections "
        "(`DB_CONN_MAX_AGE=60`), `KT_BENCH=1` (query counter and floor view).",
        f"- Load: a separate process (`bench/loadgen.py`), {args.clients} concurrent keep-alive "
        f"clients per page, at most {args.max_requests} requests or {args.max_seconds} s per page "
        f"after {args.warmup} warm-up requests per client. Latency is measured in the client.",
        "- Users: sessions created directly in the database (no login form) for the first "
        "domeinbeheerder of the largest domain, the first applicatiebeheerder of the most "
        "connected application, and a support user.",
        f"- Floor: p95 of `/bench/floor/` = {floor:.1f} ms (mean of the first and last run).",
        "",
        "## Pages",
        "",
        f"Targets: at most {MAX_QUERIES} SQL queries per page; portal pages p95 ≤ "
        f"{PORTAL_FLOOR_RATIO:.0f}× the floor; admin changelists of Applicatieinstantie and "
        f"Connectieaanvraag p95 < {ADMIN_BIG_CHANGELIST_MS:.0f} ms.",
        "",
        "| Page | User | Path | n | p50 ms | p95 ms | req/s | SQL/request | p95 / floor "
        "| ≤ 12 SQL | time target |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "## Scenarios that need other branches",
        "",
        *[
            f"- {s['name']}: "
            + (
                f"not measured ({s['skipped']}); enable after merging."
                if "skipped" in s
                else s["result"]
            )
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=300)
    parser.add_argument("--max-seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
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
    only = {k for k in args.only.split(",") if k}
    pages = [
        {
            "key": p.key,
            "label": p.label,
            "user": p.user,
            "kind": p.kind,
            "path": p.path.format(**fields),
            "cookies": cookies[p.user] if p.user else {},
            "headers": p.headers,
        }
        for p in PAGES
        if not only or p.key in only or p.kind == "floor"
    ]

    port = free_port()
    server = start_server(env, port, args.workers, args.threads)
    try:
        config = {
            "base": f"http://127.0.0.1:{port}",
            "clients": args.clients,
            "max_requests": args.max_requests,
            "max_seconds": args.max_seconds,
            "warmup": args.warmup,
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

    explains = heaviest_queries([p for p in pages if p["kind"] != "floor"])
    scenarios = [scenario(ctx, env) for scenario in SCENARIOS]
    failures = write_report(
        args.out,
        args=args,
        ctx=ctx,
        seed_note=seed_note,
        results=results,
        explains=explains,
        scenarios=scenarios,
        server={"workers": args.workers, "threads": args.threads},
    )
    print(f"written: {args.out}")
    if failures:
        print("targets missed: " + ", ".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
