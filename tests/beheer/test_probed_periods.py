"""The admin's date hierarchy over a large table (beheer.models_common.ProbedPeriodsQuerySet):
the same years, months and days as Django's own `datetimes()`, without truncating every row."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beheer.audit.models import AuditRecord
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db

# Around the local (Europe/Amsterdam) edges: New Year at 23:00 UTC, the DST changes of 2025
# (30 March, 26 October), the last second of a month and the first of the next.
EDGES = [
    datetime(2024, 12, 31, 22, 59, 59, tzinfo=UTC),  # 2024-12-31 23:59:59 local
    datetime(2024, 12, 31, 23, 0, 0, tzinfo=UTC),  # 2025-01-01 00:00:00 local
    datetime(2025, 3, 29, 23, 0, 0, tzinfo=UTC),  # 30 March 00:00 local, before the change
    datetime(2025, 3, 30, 1, 30, 0, tzinfo=UTC),  # 30 March 03:30 summer time
    datetime(2025, 3, 30, 21, 59, 59, tzinfo=UTC),  # 30 March 23:59:59 summer time
    datetime(2025, 10, 25, 22, 0, 0, tzinfo=UTC),  # 26 October 00:00 summer time
    datetime(2025, 10, 26, 1, 30, 0, tzinfo=UTC),  # 26 October 02:30, the second time
    datetime(2025, 10, 31, 22, 59, 59, tzinfo=UTC),  # 31 October 23:59:59 local
    datetime(2025, 10, 31, 23, 0, 0, tzinfo=UTC),  # 1 November 00:00 local
]


def _records(times, gebeurtenis="login.geslaagd"):
    AuditRecord.objects.bulk_create(
        AuditRecord(op=t, door_label="iemand", gebeurtenis=gebeurtenis) for t in times
    )


@pytest.fixture
def spread():
    rng = random.Random(20)
    start = datetime(2024, 2, 1, tzinfo=UTC)
    # Sparse on purpose: many days hold no record, nor June to August 2025.
    times = [start + timedelta(seconds=rng.uniform(0, 800 * 86400)) for _ in range(150)]
    gap = (datetime(2025, 5, 31, 22, tzinfo=UTC), datetime(2025, 8, 31, 22, tzinfo=UTC))
    _records(t for t in times if not gap[0] <= t < gap[1])
    _records(EDGES)
    _records(EDGES[2:5], gebeurtenis="instantie.status")


def stock(queryset, kind, order="ASC"):
    return list(models.QuerySet.datetimes(queryset, "op", kind, order))


def probed(queryset, kind, order="ASC"):
    return list(queryset.datetimes("op", kind, order))


@pytest.mark.usefixtures("spread")
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_years_months_and_days_are_those_django_finds(order):
    everything = AuditRecord.objects.all()
    assert probed(everything, "year", order) == stock(everything, "year", order)
    assert len(stock(everything, "year")) == 3
    for year in (2024, 2025, 2026):
        in_year = AuditRecord.objects.filter(op__year=year)
        assert probed(in_year, "month", order) == stock(in_year, "month", order)
        for month in range(1, 13):
            in_month = in_year.filter(op__month=month)
            assert probed(in_month, "day", order) == stock(in_month, "day", order)


@pytest.mark.usefixtures("spread")
def test_a_filtered_list_shows_only_its_own_periods():
    status = AuditRecord.objects.filter(gebeurtenis="instantie.status")
    assert probed(status, "year") == stock(status, "year")
    assert [d.month for d in probed(status.filter(op__year=2025), "month")] == [3]
    days = probed(status.filter(op__year=2025, op__month=3), "day")
    assert days == stock(status.filter(op__year=2025, op__month=3), "day")
    assert [d.day for d in days] == [30]


@pytest.mark.usefixtures("spread")
def test_more_periods_than_it_probes_still_gives_the_right_answer():
    """Days of a whole year (the admin never asks this) fall back to Django's query."""
    everything = AuditRecord.objects.all()
    assert probed(everything, "day") == stock(everything, "day")
    assert len(stock(everything, "day")) > 31


def test_no_records_no_periods():
    assert probed(AuditRecord.objects.all(), "year") == []


@pytest.mark.usefixtures("spread")
def test_the_admin_date_hierarchy_drills_down_without_truncating_every_row(client, support_user):
    login(client, support_user)
    url = reverse("admin:audit_auditrecord_changelist")
    for params, expected in [
        ("", ["op__year=2024", "op__year=2025", "op__year=2026"]),
        ("?op__year=2025", [f"op__month={m}" for m in (1, 3, 10, 11)]),
        ("?op__year=2025&op__month=3", ["op__day=30"]),
    ]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + params)
        assert response.status_code == 200
        html = response.content.decode()
        for link in expected:
            assert link in html
        assert not [q for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]
    # A month without records in the sparse data is not offered.
    months = stock(AuditRecord.objects.filter(op__year=2025), "month")
    absent = set(range(1, 13)) - {m.month for m in months}
    assert absent == {6, 7, 8}
    response = client.get(url + "?op__year=2025")
    for month in absent:
        assert f"op__month={month}&" not in response.content.decode()


def test_the_request_admin_date_hierarchy_probes_too(client, support_user, domein, applicatie):
    """The other large table with a date hierarchy: connection requests (100,000 in the bench)."""
    from connectieaanvragen.models import Connectieaanvraag
    from tests.factories import make_request

    aanvraag = make_request(applicatie=applicatie, domein=domein)
    Connectieaanvraag.objects.filter(pk=aanvraag.pk).update(
        aangevraagd_op=datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    )
    login(client, support_user)
    url = reverse("admin:connectieaanvragen_connectieaanvraag_changelist")
    for params, link in [
        ("", "aangevraagd_op__day=30"),
        ("?aangevraagd_op__year=2025", "aangevraagd_op__month=3"),
    ]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + params)
        assert response.status_code == 200
        assert link in response.content.decode()
        assert not [q for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]


@pytest.mark.usefixtures("spread")
def test_the_hierarchy_costs_no_more_statements_than_django_s_own(client, support_user):
    """At the top level the date hierarchy has just asked MIN and MAX; the probes reuse them:
    one MIN/MAX and one probe, as Django's MIN/MAX and DISTINCT."""
    login(client, support_user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:audit_auditrecord_changelist"))
    assert response.status_code == 200
    bounds = [q for q in ctx.captured_queries if 'MIN("audit_auditrecord"."op")' in q["sql"]]
    assert len(bounds) == 1


def test_bounds_of_another_field_or_a_filtered_aggregate_are_not_reused():
    _records(EDGES)
    queryset = AuditRecord.objects.all()
    queryset.aggregate(
        first=models.Min("op", filter=models.Q(gebeurtenis="x")), last=models.Max("op")
    )
    assert probed(queryset, "year") == stock(AuditRecord.objects.all(), "year")
    queryset = AuditRecord.objects.all()
    queryset.aggregate(first=models.Min("id"), last=models.Max("id"))
    assert probed(queryset, "year") == stock(AuditRecord.objects.all(), "year")
