"""gunicorn.conf.py: what production runs (and `make bench` measures)."""

import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "gunicorn.conf.py"


def load(**env):
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return runpy.run_path(str(CONF))
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_processes_not_threads_by_default():
    conf = load()
    assert conf["workers"] == 2 * os.cpu_count() + 1
    assert conf["threads"] == 1
    assert conf["worker_class"] == "gthread"
    conf = load(WEB_CONCURRENCY="3", GUNICORN_THREADS="2")
    assert (conf["workers"], conf["threads"]) == (3, 2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A slow or busy machine (CI on two cores beside other work) may take long to start gunicorn
# and to answer: every wait retries until a generous deadline, and nothing is timed.
DEADLINE_SECONDS = 90


def _get(proc, url, **kwargs) -> requests.Response:
    """GET url once gunicorn answers it; retried on any connection error or timeout."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            return requests.get(url, timeout=(5, 30), **kwargs)
        except requests.RequestException:
            assert proc.poll() is None, "gunicorn stopped"
            assert time.monotonic() < deadline, f"no answer from gunicorn for {url}"
            time.sleep(0.5)


def _log_lines(log: Path, proc, until) -> list[str]:
    """The access log's lines once `until(lines)` holds."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        if until(lines):
            return lines
        assert proc.poll() is None, "gunicorn stopped"
        assert time.monotonic() < deadline, f"access log lines missing: {lines}"
        time.sleep(0.2)


def test_a_real_gunicorn_logs_requests_without_query_strings(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = dict(
        os.environ,
        # /health/ only asks the database for SELECT 1: an empty SQLite file will do.
        DATABASE_URL=f"sqlite:///{tmp_path / 'leeg.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESSLOG=str(log),
        GUNICORN_LOG_LEVEL="warning",
        # A worker that is slow to start on a busy machine is not killed.
        GUNICORN_TIMEOUT="120",
        DJANGO_SETTINGS_MODULE="beheer.settings",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "beheer.wsgi", f"--config={CONF}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A request retried after a timeout may be logged twice: the checks below look for
        # lines, they do not count them.
        response = _get(
            proc, f"{base}/health/?token=geheim-123", cookies={"voorkeur": "koekje-456"}
        )
        assert response.status_code == 200
        lines = _log_lines(log, proc, lambda lines: any("/health/" in x for x in lines))
        assert any('"GET /health/ HTTP/1.1" 200' in line for line in lines)
        assert not any("geheim-123" in line or "koekje-456" in line for line in lines)

        # A password link's token never reaches the log; the URL comes from the URLconf, so
        # a changed URL makes this fail instead of silently logging tokens.
        link = reverse("accounts:password_set", args=["MTIz", "cbx9z2-0123456789abcdef"])
        _get(proc, f"{base}{link}", allow_redirects=False)
        # %0A in a path must not start a second, forged log line.
        _get(proc, f"{base}/health/%0A127.0.0.1 - admin ingelogd")
        lines = _log_lines(
            log,
            proc,
            lambda lines: (
                any("wachtwoord-instellen" in x for x in lines)
                and any("admin ingelogd" in x for x in lines)
            ),
        )
        text = "\n".join(lines)
        assert "cbx9z2-0123456789abcdef" not in text
        assert "/wachtwoord-instellen/[verborgen]/" in text
        forged = [x for x in lines if "admin ingelogd" in x]
        assert all("/health/\\n127.0.0.1 - admin ingelogd" in x for x in forged), forged
        assert all(x.startswith("127.0.0.1 [") for x in lines), lines
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
