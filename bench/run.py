"""`make bench`: serve the portal with gunicorn on loopback at two data sizes, drive its pages
from a second process, and write docs/benchmarks.md (and the figures as JSON). Not part of the
test suite.

    python bench/run.py [--scale 1] [--small] [--compare OLD.json] [--code DIR] [--only KEYS]

Two PostgreSQL databases: BENCH_DATABASE_URL (default .../ktbeheer_bench) holds the default
environment (`seed_bench`: 300 domains, 2,000 applications, 50,000 instances, 100,000 requests,
1,000,000 audit records) times `--scale`, and its sibling `<name>_small` about 1 % of that
(`--small-factor`). Each is created and seeded when missing, and seeded again when it holds
another scale; later runs reuse the data. Both are served at once (one gunicorn each,
`gunicorn.conf.py` as production, with `bench.settings`: the query counter and the floor view),
and every page is driven at both sizes one right after the other, in `--rounds` rounds, so that
the two sizes meet the same moments of a shared machine. `--small` is a quick run (scale 0.01:
500 instances, and 5 in the small one).

The floor is `/health/` (the middleware stack and one `SELECT 1`, no session): it answers the
same in every version of the code, so two runs stay comparable. The bench's own `/bench/floor/`
(no database at all) is measured beside it.

Comparing two versions of the code (issue 16: the previous main and a change, same machine, one
after the other): check the old one out in a worktree, run
`bench/run.py --code /path/to/old --database-url .../ktb_bench_old --json old.json --label main`
from this checkout (the bench is taken from here, the served code from there; an old tree without
bench/settings.py still runs, since this bench's package is found first), then run it on this
code with `--compare old.json`: the report shows both columns. `--report-only RUN.json` writes
the report of a saved run again (e.g. with another `--compare`) without measuring.

To benchmark more pages, add lines to PAGES: the path is formatted with the fields the Django
step returns (big_domein_id, big_domein_naam, instance_id, ...).
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
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ktbeheer_bench"
SMALL_FACTOR = 0.01

# Targets of issue 16.
MAX_QUERIES = 12
MAX_SIZE_RATIO = 1.5  # p95 at full size / p95 at small size
MAX_FLOOR_RATIO = 10.0  # p95 / p95 of the floor, at full size
MAX_PREVIOUS_RATIO = 2.0  # p95 / p95 of the compared run, at full size
RANDOM_PAGE_COST = 1.1
FLOOR_KEYS = ("floor", "floor-end")


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    user: str | None  # "domeinbeheerder", "applicatiebeheerder", "support" or None
    path: str  # formatted with the fields of the Django step
    headers: dict = field(default_factory=dict)


ADMIN = "/admin"
INST = f"{ADMIN}/domeinen/applicatieinstantie/"
REQ = f"{ADMIN}/connectieaanvragen/connectieaanvraag/"
DOM = "/domeinen/{big_domein_naam}/"
APP = "/applicaties/{applicatie_id}/"
API = "/api/v1/"
TOKEN_APP = {"Authorization": "Bearer {app_token}"}  # personal token of the applicatiebeheerder
DOMAIN_KEY = {"Authorization": "Bearer {domain_key}"}

PAGES = [
    Page("floor", "Floor: /health/", None, "/health/"),
    Page("floor-view", "Django zonder database (/bench/floor/)", None, "/bench/floor/"),
    Page("start-dom", "Startscherm (groot domein)", "domeinbeheerder", "/"),
    Page("start-app", "Startscherm", "applicatiebeheerder", "/"),
    Page("start-sup", "Startscherm (alle domeinen)", "support", "/"),
    # The domain's tabs, for a domeinbeheerder of the largest domain.
    Page("dom", "Domein: details", "domeinbeheerder", DOM),
    Page("dom-inst", "Domein: instanties", "domeinbeheerder", DOM + "applicatieinstanties/"),
    Page(
        "dom-inst-status",
        "Domein: instanties, filter in onderhoud",
        "domeinbeheerder",
        DOM + "applicatieinstanties/?status=in_onderhoud",
    ),
    Page(
        "dom-inst-q",
        "Domein: instanties, zoeken",
        "domeinbeheerder",
        DOM + "applicatieinstanties/?q={app_search}",
    ),
    Page(
        "dom-inst-one",
        "Domein: instantie",
        "domeinbeheerder",
        DOM + "applicatieinstanties/{instance_client_id}/",
    ),
    Page("dom-req", "Domein: aanvragen", "domeinbeheerder", DOM + "connectieaanvragen/"),
    Page(
        "dom-req-one",
        "Domein: aanvraag (beoordelen)",
        "domeinbeheerder",
        DOM + "connectieaanvragen/{aanvraag_id}/",
    ),
    # The application's pages, for a beheerder of the most connected application.
    Page("app", "Applicatie: details", "applicatiebeheerder", APP),
    Page("app-req", "Applicatie: aanvragen", "applicatiebeheerder", APP + "connectieaanvragen/"),
    Page(
        "app-inst", "Applicatie: instanties", "applicatiebeheerder", APP + "applicatieinstanties/"
    ),
    # The API list endpoints: session, personal token, and the domain key of the largest domain.
    Page("api-dom", "API: domeinen (sessie)", "domeinbeheerder", API + "domeinen/"),
    Page(
        "api-inst-dom",
        "API: instanties (sessie)",
        "domeinbeheerder",
        API + "instanties/?domein={big_domein_naam}",
    ),
    Page("api-req-dom", "API: aanvragen (sessie)", "domeinbeheerder", API + "aanvragen/"),
    Page("api-app", "API: applicaties (token)", None, API + "applicaties/", TOKEN_APP),
    Page("api-inst-app", "API: instanties (token)", None, API + "instanties/", TOKEN_APP),
    Page("api-req-app", "API: aanvragen (token)", None, API + "aanvragen/", TOKEN_APP),
    Page("api-rol", "API: rollen (token)", None, API + "rollen/", TOKEN_APP),
    Page("api-tok", "API: tokens (token)", None, API + "tokens/", TOKEN_APP),
    Page(
        "api-clients",
        "API: clients grootste domein (domeinsleutel)",
        None,
        API + "domeinen/{big_domein_naam}/clients/",
        DOMAIN_KEY,
    ),
    Page("api-inst-sup", "API: instanties (support, alle)", "support", API + "instanties/"),
    Page("admin-index", "Admin: index", "support", f"{ADMIN}/"),
    Page("adm-inst", "Admin: instanties", "support", INST),
    Page(
        "adm-inst-dom",
        "Admin: instanties, filter domein",
        "support",
        INST + "?domein__id__exact={big_domein_id}",
    ),
    Page("adm-inst-q", "Admin: instanties, zoeken", "support", INST + "?q={app_search}"),
    Page("adm-inst-one", "Admin: instantie (wijzigen)", "support", INST + "{instance_id}/change/"),
    Page("adm-req", "Admin: aanvragen", "support", REQ),
    Page(
        "adm-req-open",
        "Admin: aanvragen, filter aangevraagd",
        "support",
        REQ + "?status__exact=aangevraagd",
    ),
    Page("adm-req-q", "Admin: aanvragen, zoeken", "support", REQ + "?q={app_search}"),
    Page("adm-req-one", "Admin: aanvraag (wijzigen)", "support", REQ + "{aanvraag_id}/change/"),
    # The audit trail (issue 20), a million records: the domain's and the application's tab
    # "Logboek", the API and support's admin list.
    Page("dom-log", "Domein: logboek", "domeinbeheerder", DOM + "logboek/"),
    Page(
        "dom-log-f",
        "Domein: logboek, filter periode en persoon",
        "domeinbeheerder",
        DOM + "logboek/?van={log_from}&tot={log_to}&persoon={log_person}",
    ),
    Page(
        "app-log",
        "Applicatie: logboek, filter instanties",
        "applicatiebeheerder",
        APP + "logboek/?gebeurtenis=instantie",
    ),
    Page("api-log", "API: logboek (sessie)", "domeinbeheerder", API + "logboek/"),
    Page("adm-log", "Admin: logboek", "support", f"{ADMIN}/audit/auditrecord/"),
    Page(
        "adm-log-f",
        "Admin: logboek, filter gebeurtenis",
        "support",
        f"{ADMIN}/audit/auditrecord/?gebeurtenis=instantie.status",
    ),
    Page(
        "adm-log-q",
        "Admin: logboek, zoeken op persoon",
        "support",
        ADMIN + "/audit/auditrecord/?q={log_person}",
    ),
    Page(
        "adm-log-year",
        "Admin: logboek, jaar in de datumhiërarchie",
        "support",
        ADMIN + "/audit/auditrecord/?op__year={log_year}",
    ),
    Page("adm-user", "Admin: gebruikers", "support", f"{ADMIN}/accounts/user/"),
    Page("adm-deliv", "Admin: outbox-bezorgingen", "support", f"{ADMIN}/outbox/delivery/"),
    Page("floor-end", "Floor (nogmaals, aan het eind)", None, "/health/"),
]


# --- environment ---
def bench_env(database_url: str, code: Path) -> dict:
    env = dict(os.environ)
    if env.get("KT_OMGEVING") == "prd2":
        raise SystemExit("make bench draait nooit op prd2.")
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        # The code under test first; this bench's package after it (found there when the code
        # under test has no bench package of its own).
        PYTHONPATH=os.pathsep.join([str(code), str(ROOT)]),
        KT_OMGEVING="lokaal",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        # Persistent connections, as a production deployment should run.
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        # The API throttles would answer 429 under load; the bench measures the work, not them.
        KT_API_RATE_DOMEINSLEUTEL="1000000/min",
        KT_API_RATE_TOKEN="1000000/min",
    )
    return env


def small_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return parts._replace(path=parts.path.rstrip("/") + "_small").geturl()


def _seed_mark(scale: float) -> str:
    return f"kt-bench seed_bench --scale {scale:g}"


def ensure_database(database_url: str, scale: float) -> bool:
    """Create the database when missing; drop and create it again when it holds the seed of
    another scale (the scale a database was seeded with is its comment). True when it already
    holds this scale's data."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] != _seed_mark(scale):
            print(f"database {name} holds {row[0] or 'other data'}; seeding it again")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            row = None
        if row is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"database {name} created")
        # The planner's cost of a random page read for storage that is not a spinning disk, as
        # README's production section advises (PostgreSQL's default 4 assumes a hard disk).
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')
    return row is not None


def mark_seeded(database_url: str, scale: float | None) -> None:
    """Record the scale a database was seeded with; None: its data was changed (the scenarios
    accept requests and queue mails), so that the next run seeds it again."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    mark = "kt-bench: changed by the scenarios" if scale is None else _seed_mark(scale)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{mark}'")


def manage(env: dict, code: Path, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=code, env=env, check=True)


def prepare_database(database_url: str, scale: float, code: Path) -> tuple[dict, str]:
    env = bench_env(database_url, code)
    seeded = ensure_database(database_url, scale)
    manage(env, code, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    if seeded:
        note = "seeded by an earlier run"
    else:
        manage(env, code, "seed_bench", f"--scale={scale:g}")
        mark_seeded(database_url, scale)
        note = f"seeded in this run in {time.monotonic() - started:.0f} s"
    print(f"{urlsplit(database_url).path.lstrip('/')}: {note}", file=sys.stderr)
    return env, note


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the Django side: a child process in the code under test ---
def django_step(env: dict, code: Path, step: str, argument) -> object:
    """Run `step` of this module in a child process with the code under test first on its path
    (`python -m bench.run --step ...`, cwd = the code); returns its JSON result."""
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as tmp:
        arg_file, out_file = Path(tmp, "in.json"), Path(tmp, "out.json")
        arg_file.write_text(json.dumps(argument), encoding="utf-8")
        subprocess.run(
            [PY, "-m", "bench.run", "--step", step, str(arg_file), str(out_file)],
            cwd=code,
            env=env,
            check=True,
        )
        return json.loads(out_file.read_text(encoding="utf-8"))


def step_context(_argument) -> dict:
    """The ids the pages need, a logged-in session per user, the API credentials, row counts."""
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
    fields = {
        "big_domein_id": big.pk,
        "big_domein_naam": big.naam,
        "instance_id": instance.pk,
        "instance_client_id": str(instance.client_id),
        "aanvraag_id": aanvraag.pk,
        "applicatie_id": app.pk,
        "app_search": app.naam.split(" ")[0],
        **_log_fields(users["domeinbeheerder"]),
        **_credentials(users, big),
    }
    return {
        "fields": fields,
        "cookies": {role: {"sessionid": _session(user)} for role, user in users.items()},
        "big_domein_instances": big.n,
        "counts": {
            m._meta.verbose_name_plural.capitalize(): m.objects.count()
            for m in (User, Domein, Applicatie, Applicatieinstantie, Connectieaanvraag, *_audit())
        },
    }


def _audit() -> list:
    try:
        from beheer.audit.models import AuditRecord
    except ImportError:  # code from before the audit trail
        return []
    return [AuditRecord]


def _log_fields(user) -> dict:
    """The filters of the log pages, within the seeded records (the bench's own logins and keys
    add records of today): the year after the first record, a quarter of it, one person."""
    from datetime import timedelta

    from django.db.models import Min

    first = None
    for model in _audit():
        first = model.objects.aggregate(first=Min("op"))["first"]
    start = (first or datetime.now(UTC)).date() + timedelta(days=365)
    return {
        "log_year": start.year,
        "log_from": start.isoformat(),
        "log_to": (start + timedelta(days=89)).isoformat(),
        "log_person": user.username,
    }


def _session(user) -> str:
    """A logged-in session straight in the database, in the state a real login leaves it in:
    password step done, OTP-verified with a static device of the user, last activity now (idle
    timeout), no forced password change. No login form, so 2FA and lockout neither slow the
    bench down nor block it. Through the configured session engine, whichever it is."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from beheer.accounts import middleware

    if user.must_change_password:
        type(user).objects.filter(pk=user.pk).update(must_change_password=False)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that really logs users in (the axes backend only guards the password step).
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[getattr(middleware, "LAST_ACTIVITY_KEY", "kt_last_activity")] = time.time()
    store.create()
    return store.session_key


def _credentials(users: dict, big) -> dict:
    """A personal token of the applicatiebeheerder and a domain key of the largest domain,
    made through the API's services (the secrets live only in this run)."""
    try:
        from beheer.api.services import create_domain_key, create_personal_token
    except ImportError:  # the API as its own top-level app
        from api.services import create_domain_key, create_personal_token

    _, app_token = create_personal_token(
        gebruiker=users["applicatiebeheerder"], naam="bench", by=users["applicatiebeheerder"]
    )
    _, domain_key = create_domain_key(domein_id=big.pk, naam="bench", by=users["support"])
    return {"app_token": app_token, "domain_key": domain_key}


def step_explain(pages: list[dict], n: int = 3) -> list[dict]:
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
                client.get(page["path"], headers=page["headers"])
            for q in ctx.captured_queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                t = float(q["time"]) * 1000
                if sql not in best or t < best[sql]["ms"]:
                    best[sql] = {"ms": t, "path": page["path"], "sql": sql}
    top = sorted(best.values(), key=lambda x: -x["ms"])[:n]
    with connection.cursor() as cursor:
        for item in top:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + item["sql"])
            item["plan"] = "\n".join(row[0] for row in cursor.fetchall())
    return top


def step_scenarios(_argument) -> list[dict]:
    from bench.scenarios import SCENARIOS

    return [scenario(dict(os.environ)) for scenario in SCENARIOS]


STEPS = {"context": step_context, "explain": step_explain, "scenarios": step_scenarios}


def run_step(step: str, arg_file: str, out_file: str) -> int:
    import django

    django.setup()
    argument = json.loads(Path(arg_file).read_text(encoding="utf-8"))
    Path(out_file).write_text(json.dumps(STEPS[step](argument)), encoding="utf-8")
    return 0


# --- server ---
def start_server(env: dict, code: Path, port: int, workers: int | None) -> subprocess.Popen:
    """gunicorn with the production configuration of the code under test (its
    gunicorn.conf.py); only the address, the worker count and the log output come from here."""
    server_env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        # Formatted and written as in production, but not onto the bench's terminal.
        GUNICORN_ACCESSLOG=os.devnull,
        GUNICORN_LOG_LEVEL="warning",
    )
    if workers:
        server_env["WEB_CONCURRENCY"] = str(workers)
    return subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            "beheer.wsgi",
            f"--config={code / 'gunicorn.conf.py'}",
        ],
        cwd=code,
        env=server_env,
    )


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    """Until `url` answers 200; every failure (refused, reset, read timeout) is retried until a
    generous deadline, so a busy machine only makes it slower."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the server stopped while starting")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- figures ---
def machine(database_url: str) -> dict:
    import psycopg

    cpu, mem = "?", "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    with psycopg.connect(database_url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Geheugen": mem,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": metadata.version("django"),
        "PostgreSQL": pg,
        "gunicorn": metadata.version("gunicorn"),
    }


def code_version(code: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(code), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return f"{code.name} (not a git checkout)"
    dirty = (
        " (with uncommitted changes)"
        if git("status", "--porcelain", "--untracked-files=no")
        else ""
    )
    return f"{git('rev-parse', '--abbrev-ref', 'HEAD')} {commit}{dirty}"


def floor_p95(results: dict, size: str) -> float:
    values = [
        results[f"{key}@{size}"]["p95_ms"] for key in FLOOR_KEYS if f"{key}@{size}" in results
    ]
    return sum(values) / len(values) if values else float("nan")


def figures(args, pages: list[Page], results: dict, contexts: dict, notes: dict, db: str) -> dict:
    """Everything the report shows, as JSON (what `--compare` reads back)."""
    rows = []
    floor = floor_p95(results, "full")
    for p in pages:
        full, small = results[f"{p.key}@full"], results[f"{p.key}@small"]
        rows.append(
            {
                "key": p.key,
                "label": p.label,
                "user": p.user,
                "path": p.path,
                "full": full,
                "small": small,
                "size_ratio": full["p95_ms"] / small["p95_ms"] if small["p95_ms"] else None,
                "floor_ratio": full["p95_ms"] / floor if floor else None,
            }
        )
    return {
        "label": args.label,
        "code": code_version(args.code),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(db),
        "load_before": list(LOAD_AT_START),
        "load_after": list(os.getloadavg()),
        "settings": {
            "scale": args.scale,
            "small_factor": args.small_factor,
            "clients": args.clients,
            "workers": args.workers,
            "max_requests": args.max_requests,
            "max_seconds": args.max_seconds,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "server_warmup": args.server_warmup,
        },
        "sizes": {
            size: {
                "counts": contexts[size]["counts"],
                "big_domein": contexts[size]["fields"]["big_domein_naam"],
                "big_domein_instances": contexts[size]["big_domein_instances"],
                "seed": notes[size],
            }
            for size in ("full", "small")
        },
        "floor_ms": {"full": floor, "small": floor_p95(results, "small")},
        "pages": rows,
    }


# --- report ---
def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("ja" if flag else "**NEE**")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _queries(r: dict) -> str:
    lo, hi = r["queries_min"], r["queries_max"]
    return "—" if hi is None else (str(hi) if lo == hi else f"{lo}–{hi}")


def _queries_cell(row: dict) -> str:
    """The statements per request at full size, and at small size when they differ."""
    full, small = _queries(row["full"]), _queries(row["small"])
    return full if full == small else f"{full} (small: {small})"


def page_verdicts(row: dict, previous: dict | None) -> dict:
    """Per target: True (met), False (missed), None (not applicable)."""
    floor_page = row["key"] in FLOOR_KEYS or row["key"] == "floor-view"
    q = [row[s]["queries_max"] for s in ("full", "small") if row[s]["queries_max"] is not None]
    statuses = {code for s in ("full", "small") for code in row[s]["statuses"] if code != "200"}
    return {
        "queries": (max(q) <= MAX_QUERIES) if q else None,
        "size": None
        if floor_page or row["size_ratio"] is None
        else row["size_ratio"] <= MAX_SIZE_RATIO,
        "floor": None
        if floor_page or row["floor_ratio"] is None
        else row["floor_ratio"] <= MAX_FLOOR_RATIO,
        "previous": None
        if floor_page or previous is None
        else row["full"]["p95_ms"] <= MAX_PREVIOUS_RATIO * previous["full"]["p95_ms"],
        "status": not statuses,
        "bad_statuses": sorted(statuses),
    }


def render_report(data: dict, previous: dict | None, explains: list, scenarios: list) -> str:
    s, full, small = data["settings"], data["sizes"]["full"], data["sizes"]["small"]
    prev_pages = {p["key"]: p for p in previous["pages"]} if previous else {}
    head = [
        "Page",
        "SQL/request",
        "p95 full ms",
        "p95 small ms",
        f"full / small (≤ {MAX_SIZE_RATIO})",
        f"p95 / floor (≤ {MAX_FLOOR_RATIO:.0f})",
    ]
    if previous:
        head += [
            f"p95 full ms, {previous['label']}",
            f"/ {previous['label']} (≤ {MAX_PREVIOUS_RATIO:.0f})",
        ]
    head.append("targets met")
    rows, missed = [], []
    for row in data["pages"]:
        prev = prev_pages.get(row["key"])
        v = page_verdicts(row, prev)
        flags = [v[k] for k in ("queries", "size", "floor", "previous", "status")]
        ok = None if all(f is None for f in flags) else all(f is not False for f in flags)
        if ok is False:
            missed.append(row["key"])
        cells = [
            f"{row['label']} `{row['key']}`",
            _queries_cell(row) + ("" if v["queries"] is not False else f" **> {MAX_QUERIES}**"),
            f"{row['full']['p95_ms']:.1f}",
            f"{row['small']['p95_ms']:.1f}",
            "—" if row["size_ratio"] is None else f"{row['size_ratio']:.2f}",
            "—" if row["floor_ratio"] is None else f"{row['floor_ratio']:.1f}×",
        ]
        if previous:
            cells += (
                [
                    f"{prev['full']['p95_ms']:.1f}",
                    f"{row['full']['p95_ms'] / prev['full']['p95_ms']:.2f}",
                ]
                if prev
                else ["—", "—"]
            )
        cells.append(
            _ok(ok) + (f" (status {', '.join(v['bad_statuses'])})" if v["bad_statuses"] else "")
        )
        rows.append("| " + " | ".join(cells) + " |")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand. The suite never times "
        "anything; this is where speed is measured. What the bench measures and the decisions "
        "that came out of it: [performance.md](performance.md).",
        "",
        f"Run of {data['date']} on `{data['code']}`"
        + (f" ({data['label']})" if data["label"] else "")
        + (
            f"; compared with `{previous['code']}` ({previous['label']}) of {previous['date']}"
            if previous
            else ""
        )
        + ".",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in data["machine"].items()],
        f"| Load (1 / 5 / 15 min) before / after | "
        f"{' / '.join(f'{x:.1f}' for x in data['load_before'])} — "
        f"{' / '.join(f'{x:.1f}' for x in data['load_after'])} |",
        "",
        "The server, the load generator and PostgreSQL share the machine's cores, so absolute "
        "numbers vary between runs by some 20 %; compare ratios, and re-run before drawing "
        "conclusions from one row.",
        "",
        "## Set-up",
        "",
        f"- Full size (`seed_bench --scale {s['scale']:g}`): "
        + ", ".join(f"{k}: {_n(v)}" for k, v in full["counts"].items())
        + f"; the largest domain (`{full['big_domein']}`) holds {_n(full['big_domein_instances'])} "
        f"instances. {full['seed'].capitalize()}.",
        f"- Small size (`--scale {s['scale'] * s['small_factor']:g}`, about "
        f"{s['small_factor']:.0%} of the rows): "
        + ", ".join(f"{k}: {_n(v)}" for k, v in small["counts"].items())
        + f"; the largest domain holds {_n(small['big_domein_instances'])} instances. "
        f"{small['seed'].capitalize()}.",
        "- Server: one gunicorn per size with the code's own `gunicorn.conf.py` "
        f"({s['workers'] or 'its default number of'} workers), `DJANGO_SETTINGS_MODULE="
        "bench.settings` (the product's settings plus the query counter and `/bench/floor/`), "
        "DEBUG=0, PostgreSQL on loopback, persistent connections (`DB_CONN_MAX_AGE=60`), "
        f"`random_page_cost = {RANDOM_PAGE_COST}`.",
        f"- Load: a separate process (`bench/loadgen.py`), {s['clients']} concurrent keep-alive "
        f"clients, per page and size at most {s['max_requests']} requests or "
        f"{s['max_seconds']:g} s, "
        f"in {s['rounds']} rounds; in every round each page is driven at full size and right "
        f"after at small size. {s['server_warmup']} unmeasured requests per page and size before "
        f"the first round, {s['warmup']} per client at the start of each page's first round. "
        "Latency measured in the client.",
        "- Users: sessions made directly in the database (no login form) for the first "
        "domeinbeheerder of the largest domain, the first applicatiebeheerder of the most "
        "connected application, and a support user.",
        f"- Floor: `/health/` (all middleware, one `SELECT 1`, no session), mean p95 of its first "
        f"and last row: {data['floor_ms']['full']:.1f} ms at full size, "
        f"{data['floor_ms']['small']:.1f} ms at small size.",
        "",
        "## Pages",
        "",
        f"Targets (issue 16): at most {MAX_QUERIES} SQL statements per request; p95 at full "
        f"size at most {MAX_SIZE_RATIO}× the p95 at small size (cost does not grow with the "
        f"data); p95 at most {MAX_FLOOR_RATIO:.0f}× the floor"
        + (f"; p95 at most {MAX_PREVIOUS_RATIO:.0f}× that of the compared run" if previous else "")
        + "; every response 200.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|",
        *rows,
        "",
        "Targets missed: " + (", ".join(f"`{k}`" for k in missed) if missed else "none") + ".",
        "",
    ]
    if scenarios:
        lines += [
            "## Scenarios (full size)",
            "",
            *[
                f"- {x['name']}: "
                + (f"not measured ({x['skipped']})." if "skipped" in x else x["result"])
                for x in scenarios
            ],
            "",
        ]
    if explains:
        lines += [
            "## EXPLAIN (ANALYZE, BUFFERS) of the three heaviest queries (full size)",
            "",
            "Each page rendered three times in-process; every distinct SELECT keeps its best time.",
            "",
        ]
        for i, item in enumerate(explains, 1):
            lines += [
                f"### {i}. {item['ms']:.1f} ms, page `{item['path']}`",
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
    return "\n".join(lines)


# Before anything of the bench runs: how busy the machine already was.
LOAD_AT_START = os.getloadavg()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--scale", type=float, default=1.0, help="full size: seed_bench --scale")
    parser.add_argument(
        "--small", action="store_true", help="a quick run: --scale 0.01, fewer requests"
    )
    parser.add_argument("--small-factor", type=float, default=SMALL_FACTOR)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--max-requests", type=int, default=600)
    parser.add_argument("--max-seconds", type=float, default=8.0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--server-warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page keys (floors always)")
    parser.add_argument("--no-scenarios", action="store_true")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--label", default="", help="a name for this run in a comparison")
    parser.add_argument("--compare", type=Path, help="the JSON of an earlier run, shown beside")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "latest.json")
    parser.add_argument(
        "--report-only",
        type=Path,
        metavar="JSON",
        help="measure nothing: write the report of an earlier run's JSON (with --compare)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.small:
        args.scale = min(args.scale, 0.01)
        args.max_requests = min(args.max_requests, 150)
        args.max_seconds = min(args.max_seconds, 3.0)
        args.rounds = min(args.rounds, 2)
        args.server_warmup = min(args.server_warmup, 3)
    args.code = args.code.resolve()
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    previous = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    if args.report_only:
        data = json.loads(args.report_only.read_text(encoding="utf-8"))
        report = render_report(data, previous, data["explains"], data["scenarios"])
        args.out.write_text(report, encoding="utf-8")
        print(f"written: {args.out}")
        return 0
    urls = {"full": args.database_url, "small": small_url(args.database_url)}
    scales = {"full": args.scale, "small": args.scale * args.small_factor}
    envs, notes, contexts = {}, {}, {}
    for size in ("full", "small"):
        envs[size], notes[size] = prepare_database(urls[size], scales[size], args.code)
    manage(envs["full"], args.code, "collectstatic", "--noinput", "-v0")
    for size in ("full", "small"):
        contexts[size] = django_step(envs[size], args.code, "context", None)

    only = {k for k in args.only.split(",") if k}
    pages = [p for p in PAGES if not only or p.key in only or p.key in FLOOR_KEYS]

    def loadgen_page(p: Page, size: str, port: int) -> dict:
        fields, cookies = contexts[size]["fields"], contexts[size]["cookies"]
        return {
            "key": f"{p.key}@{size}",
            "base": f"http://127.0.0.1:{port}",
            "path": p.path.format(**fields),
            "cookies": cookies[p.user] if p.user else {},
            "headers": {k: v.format(**fields) for k, v in p.headers.items()},
        }

    ports = {size: free_port() for size in ("full", "small")}
    servers = {
        size: start_server(envs[size], args.code, ports[size], args.workers)
        for size in ("full", "small")
    }
    try:
        for size, proc in servers.items():
            wait_for(f"http://127.0.0.1:{ports[size]}/health/", proc)
        config = {
            "clients": args.clients,
            "max_requests": args.max_requests,
            "max_seconds": args.max_seconds,
            "warmup": args.warmup,
            "rounds": args.rounds,
            "server_warmup": args.server_warmup,
            # Each page at full size, then right after at small size.
            "pages": [
                loadgen_page(p, size, ports[size]) for p in pages for size in ("full", "small")
            ],
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(config, fh)
        try:
            run = subprocess.run(
                [PY, str(ROOT / "bench" / "loadgen.py"), fh.name],
                cwd=ROOT,
                env=envs["full"],
                check=True,
                stdout=subprocess.PIPE,  # the results; progress goes straight to stderr
                text=True,
            )
        finally:
            os.unlink(fh.name)
    finally:
        for proc in servers.values():
            stop(proc)
    results = {r["key"]: r for r in json.loads(run.stdout)}

    explains = []
    if not args.no_explain:
        explains = django_step(
            envs["full"],
            args.code,
            "explain",
            [loadgen_page(p, "full", 0) for p in pages if p.key not in FLOOR_KEYS],
        )
    scenarios = []
    if not args.no_scenarios:
        mark_seeded(urls["full"], None)
        scenarios = django_step(envs["full"], args.code, "scenarios", None)
    data = figures(args, pages, results, contexts, notes, urls["full"])
    data["explains"], data["scenarios"] = explains, scenarios
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render_report(data, previous, explains, scenarios), encoding="utf-8")
    print(f"written: {args.out} and {args.json}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--step":
        sys.exit(run_step(*sys.argv[2:]))
    sys.exit(main())
