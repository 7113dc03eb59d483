"""The bench's query counter and floor view, as bench.settings installs them: the header counts
the statements a request runs, the floor view runs none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.querycount import HEADER
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, DomeinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_settings(settings):
    """What bench/settings.py adds to the product's settings (tests run under the product's)."""
    settings.MIDDLEWARE = ["bench.querycount.QueryCountMiddleware", *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = "bench.urls"
    return settings


def test_header_equals_queries_run_by_the_request(bench_settings, client, domeinbeheerder):
    for _ in range(3):
        DomeinFactory(beheerders=[domeinbeheerder])
        ApplicatieFactory(beheerders=[domeinbeheerder])
    login(client, domeinbeheerder)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("start"))
    assert response.status_code == 200
    assert len(ctx.captured_queries) >= 3  # session, user, domains, applications, ...
    assert response[HEADER] == str(len(ctx.captured_queries))


def test_header_counts_one_for_the_health_check(bench_settings, client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response[HEADER] == "1"


def test_floor_view_answers_without_queries(bench_settings, client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("bench_floor"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response[HEADER] == "0"
    assert ctx.captured_queries == []


def test_the_product_pages_answer_under_the_bench_urls(bench_settings, client):
    assert client.get("/inloggen/").status_code == 200
