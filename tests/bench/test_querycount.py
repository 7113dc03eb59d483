"""Bench mode: the query-count header is right, it is off unless asked, the floor view works."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beheer.querycount import HEADER
from tests.auth_helpers import login
from tests.beheer.test_settings import ROOT, _run_check
from tests.factories import ApplicatieFactory, DomeinFactory

pytestmark = pytest.mark.django_db

MIDDLEWARE = "beheer.querycount.QueryCountMiddleware"


@pytest.fixture
def bench_mode(settings):
    settings.KT_BENCH = True
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    return settings


def test_header_equals_queries_run_by_the_request(bench_mode, client, domeinbeheerder):
    for _ in range(3):
        DomeinFactory(beheerders=[domeinbeheerder])
        ApplicatieFactory(beheerders=[domeinbeheerder])
    login(client, domeinbeheerder)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("start"))
    assert response.status_code == 200
    assert len(ctx.captured_queries) >= 3  # session, user, domains, applications, ...
    assert response[HEADER] == str(len(ctx.captured_queries))


def test_header_counts_one_for_the_health_check(bench_mode, client):
    response = client.get(reverse("health"))
    assert response[HEADER] == "1"


def test_floor_view_answers_without_queries_in_bench_mode(bench_mode, client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("bench_floor"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response[HEADER] == "0"
    assert ctx.captured_queries == []


def test_floor_view_is_not_found_outside_bench_mode(client, settings):
    settings.KT_BENCH = False
    assert client.get(reverse("bench_floor")).status_code == 404


def test_middleware_is_not_installed_by_default(settings):
    assert settings.KT_BENCH is False
    assert MIDDLEWARE not in settings.MIDDLEWARE


def test_bench_mode_is_refused_on_prd2():
    result = _run_check({"DEBUG": "1", "KT_OMGEVING": "prd2", "KT_BENCH": "1"})
    assert result.returncode != 0
    assert "KT_BENCH" in result.stderr


def test_bench_mode_installs_the_middleware_first():
    code = "from django.conf import settings; print(settings.MIDDLEWARE[0])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "KT_BENCH": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == MIDDLEWARE, result.stderr
