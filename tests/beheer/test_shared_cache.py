"""The throttles count in a cache that every worker process shares (production settings)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ASK_TWICE = """
import django
django.setup()
from beheer.accounts.services import request_password_link
from beheer.errors import ServiceError
for _ in range(2):
    try:
        request_password_link(identifier="dora", client_ip="192.0.2.7")
        print("ok")
    except ServiceError as exc:
        print(exc.code)
"""


def test_the_forgotten_password_limit_is_shared_by_two_worker_processes(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "beheer.example.nl",
        "KT_OMGEVING": "prd2",
        "KT_BASE_URL": "https://beheer.example.nl",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "beheer.settings",
        "KT_PASSWORD_FORGOTTEN_LIMIT": "3",
    }

    def run(*args):
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    run("manage.py", "migrate", "--noinput", "-v", "0")  # makes the cache table too
    assert run("-c", ASK_TWICE) == ["ok", "ok"]  # one worker process
    # Another worker process sees the first one's count: the third request passes, the fourth
    # is over the limit of 3. With a cache per process it would have started at zero.
    assert run("-c", ASK_TWICE) == ["ok", "throttled"]
