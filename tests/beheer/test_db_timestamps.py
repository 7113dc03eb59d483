"""On PostgreSQL, timestamps are read by psycopg's own loader (beheer/db.py) and come out exactly
as Django's loader gives them."""

import datetime

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.test import override_settings

from beheer.db import UtcTimestamptzLoader
from domeinen.models import Applicatieinstantie
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance

pytestmark = pytest.mark.postgres

MOMENTS = [
    "2026-11-29 12:34:56.789012+01",
    "1999-12-31 23:59:59+05:30",
    "2026-03-29 01:30:00.5+02",  # summer time starts in Amsterdam
    "2026-10-25 02:30:00-03",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "2024-02-29 00:00:00.000001-12:45",
]


def _loader():
    from psycopg.pq import Format

    return connection.connection.adapters.get_loader(1184, Format.TEXT)


def _read(sql, params, *, djangos):
    with connection.cursor() as cursor:
        if djangos:  # what Django registers on a cursor: its own loader, in the connection's zone
            register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db
def test_timestamps_read_as_djangos_loader_reads_them():
    connection.ensure_connection()
    assert _loader() is UtcTimestamptzLoader
    sql = "SELECT " + ", ".join(["%s::timestamptz"] * len(MOMENTS)) + ", now()"
    ours = _read(sql, MOMENTS, djangos=False)[0]
    theirs = _read(sql, MOMENTS, djangos=True)[0]
    assert ours[:-1] == theirs[:-1]
    assert all(value.tzinfo is datetime.UTC for value in ours + theirs)
    assert ours[0] == datetime.datetime(2026, 11, 29, 11, 34, 56, 789012, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_model_timestamps_are_the_same_moments():
    domein = DomeinFactory(beheerders=[UserFactory()])
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    fresh = Applicatieinstantie.objects.get(pk=instance.pk)
    assert fresh.aangemaakt_op == instance.aangemaakt_op
    assert fresh.aangemaakt_op.tzinfo is datetime.UTC
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(
            "SELECT aangemaakt_op, status_sinds FROM domeinen_applicatieinstantie WHERE id = %s",
            [instance.pk],
        )
        assert cursor.fetchone() == (fresh.aangemaakt_op, fresh.status_sinds)


@pytest.mark.django_db
def test_a_utc_connection_switched_to_local_time_reads_as_django_does():
    """USE_TZ switched off on an open connection: Django puts its own loader back on each
    cursor (naive local time), and after the switch the values are UTC again."""
    connection.ensure_connection()
    sql = "SELECT %s::timestamptz"
    with override_settings(USE_TZ=False), connection.cursor() as cursor:
        cursor.execute(sql, ["2026-07-01 12:00:00+00"])
        assert cursor.fetchone()[0] == datetime.datetime(2026, 7, 1, 14, 0)  # Amsterdam
    with connection.cursor() as cursor:
        cursor.execute(sql, ["2026-07-01 12:00:00+00"])
        assert cursor.fetchone()[0] == datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_outside_utc_keeps_djangos_loader():
    """Without USE_TZ Django reads timestamps in TIME_ZONE; the receiver leaves such a
    connection alone (it registers only on a connection in UTC)."""
    with override_settings(USE_TZ=False):
        other = connections.create_connection("default")
        try:
            other.ensure_connection()
            from psycopg.pq import Format

            loader = other.connection.adapters.get_loader(1184, Format.TEXT)
            assert loader is not UtcTimestamptzLoader
            assert other.connection.info.parameter_status("TimeZone") != "UTC"
        finally:
            other.close()
