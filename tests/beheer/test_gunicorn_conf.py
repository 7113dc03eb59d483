"""gunicorn.conf.py: what production runs (and `make bench` measures)."""

import gc
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

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


def test_a_worker_freezes_its_objects_when_it_has_loaded_the_application():
    conf = load()
    try:
        gc.unfreeze()
        conf["post_worker_init"](SimpleNamespace())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_and_once_more_after_its_warm_up_requests(monkeypatch):
    conf = load(GUNICORN_GC_FREEZE_AFTER="3")
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    worker = SimpleNamespace()
    conf["post_worker_init"](worker)
    assert calls == ["collect", "freeze"]  # collected first: no garbage gets frozen
    for _ in range(2):
        conf["post_request"](worker, None, {}, None)
    assert calls == ["collect", "freeze"]
    conf["post_request"](worker, None, {}, None)  # the third request
    assert calls == ["collect", "freeze"] * 2
    for _ in range(5):
        conf["post_request"](worker, None, {}, None)
    assert calls == ["collect", "freeze"] * 2  # only once


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/health/?token=geheim-123",
                    cookies={"voorkeur": "koekje-456"},
                    timeout=2,
                )
                break
            except requests.ConnectionError:
                assert proc.poll() is None, "gunicorn stopped"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        deadline = time.monotonic() + 5
        while "/health/" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "no access log line"
            time.sleep(0.1)
        line = log.read_text()
        assert '"GET /health/ HTTP/1.1" 200' in line
        assert "geheim-123" not in line
        assert "koekje-456" not in line

        # A password link's token never reaches the log; the URL comes from the URLconf, so
        # a changed URL makes this fail instead of silently logging tokens.
        link = reverse("accounts:password_set", args=["MTIz", "cbx9z2-0123456789abcdef"])
        requests.get(f"http://127.0.0.1:{port}{link}", timeout=5, allow_redirects=False)
        # %0A in a path must not start a second, forged log line.
        requests.get(f"http://127.0.0.1:{port}/health/%0A127.0.0.1 - admin ingelogd", timeout=5)
        deadline = time.monotonic() + 5
        while log.read_text().count("\n") < 3:
            assert time.monotonic() < deadline, "log lines missing"
            time.sleep(0.1)
        lines = log.read_text().splitlines()
        assert len(lines) == 3
        assert "cbx9z2-0123456789abcdef" not in lines[1]
        assert "/wachtwoord-instellen/[verborgen]/" in lines[1]
        assert "\\n127.0.0.1 - admin ingelogd" in lines[2]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
