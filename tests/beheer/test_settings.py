"""Settings come from the environment and a production process refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_production_without_secret_key_refuses_to_start():
    result = _run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY ontbreekt" in result.stderr


def test_unknown_environment_name_is_refused():
    result = _run_check({"DEBUG": "1", "KT_OMGEVING": "prod"})
    assert result.returncode != 0
    assert "KT_OMGEVING" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _run_check(
        {
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-test-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "beheer.example.nl",
            "KT_OMGEVING": "prd2",
            "KT_BASE_URL": "https://beheer.example.nl",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-test-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "beheer.example.nl",
    "KT_OMGEVING": "prd2",
    "KT_BASE_URL": "https://beheer.example.nl",
}


@pytest.mark.parametrize(
    "key",
    [
        "insecure-local-development-key-never-use-in-production",
        "django-insecure-" + "k" * 50,
        "te-kort",
        "a" * 60,
    ],
)
def test_production_refuses_an_insecure_secret_key_whatever_else_is_set(key):
    result = _run_check({**PRODUCTION, "SECRET_KEY": key, "KT_ALLOW_INSECURE_KEY": "1"})
    assert result.returncode != 0
    assert "SECRET_KEY is onveilig" in result.stderr


@pytest.mark.parametrize(
    "overrides, check_id",
    [
        ({"KT_2FA_REQUIRED": "0"}, "kt.W001"),
        ({"KT_JWKS_ALLOWED_NETWORKS": "0.0.0.0/0"}, "kt.W002"),
        ({"KT_JWKS_ALLOWED_NETWORKS": "127.0.0.1/32"}, "kt.W002"),
        ({"KT_JWKS_ALLOWED_NETWORKS": "10.0.0.0/8"}, "kt.W002"),
        ({"KT_JWKS_ALLOWED_NETWORKS": "::/0"}, "kt.W002"),
        ({"KT_OMGEVING": "lokaal"}, "kt.W003"),
        ({"KT_BASE_URL": "http://beheer.example.nl"}, "kt.W004"),
    ],
)
def test_check_deploy_warns_on_development_switches(overrides, check_id):
    result = _run_check({**PRODUCTION, **overrides}, "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr


def test_production_shares_the_cache_between_processes_and_redis_when_configured():
    production = {k: v for k, v in PRODUCTION.items() if k != "DEBUG"}
    expression = "settings.CACHES['default']['BACKEND']"
    assert _setting(expression, {**production, "DEBUG": "0"}, unset="REDIS_URL").endswith(
        "DatabaseCache"
    )
    redis = {**production, "DEBUG": "0", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert _setting(expression, redis, unset="").endswith("RedisCache")
    assert _setting(expression, {}, unset="REDIS_URL").endswith("LocMemCache")  # DEBUG: simple


def test_invalid_jwks_allowed_network_is_refused():
    result = _run_check({"DEBUG": "1", "KT_JWKS_ALLOWED_NETWORKS": "127.0.0.1/32,geen-netwerk"})
    assert result.returncode != 0
    assert "KT_JWKS_ALLOWED_NETWORKS: 'geen-netwerk' is geen netwerk" in result.stderr


def _setting(expression: str, env_overrides: dict, *, unset: str) -> str:
    """What `expression` prints in a fresh process with these settings (`unset` removed from
    the environment first)."""
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print({expression})"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != unset},
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "beheer.settings",
            **env_overrides,
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_jwks_allowed_networks_are_empty_by_default():
    networks = _setting("settings.KT_JWKS_ALLOWED_NETWORKS", {}, unset="KT_JWKS_ALLOWED_NETWORKS")
    assert networks == "[]"


def test_postgresql_runs_on_the_driver_defaults_with_kept_connections():
    """Nothing but dj-database-url's settings, CONN_MAX_AGE and health checks: no option that
    a connection pooler or a migration would have to know about."""
    url = {"DATABASE_URL": "postgres://kt@127.0.0.1:5432/kt", "DB_CONN_MAX_AGE": "60"}
    expression = (
        "{k: settings.DATABASES['default'].get(k) "
        "for k in ('OPTIONS', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}"
    )
    assert _setting(expression, url, unset="") == (
        "{'OPTIONS': None, 'CONN_MAX_AGE': 60, 'CONN_HEALTH_CHECKS': True}"
    )
