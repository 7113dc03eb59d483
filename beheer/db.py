"""PostgreSQL connections: prepared statements after migrations, plans for skewed searches, and
reading timestamps.

Prepared statements and migrations (see DB_PREPARED_STATEMENTS in beheer/settings.py).

A connection keeps the statements it prepared. After a migration that changes a table's
columns PostgreSQL refuses such a statement ("cached plan must not change result type") until
the connection prepares it again, and outside a transaction nothing makes psycopg forget it: a
worker that was not restarted after `migrate` would fail on that page for as long as it keeps
the connection (DB_CONN_MAX_AGE). When a request fails that way, its connections are closed,
so the next request starts with a fresh one: one error per worker instead of a minute of them.
"""

import datetime
import sys
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

STALE_PLAN = "cached plan must not change result type"


def close_connections_with_stale_plans(sender, request=None, **kwargs):
    """Receiver of `got_request_exception` (Django sends it inside its `except` block)."""
    exc = sys.exc_info()[1]
    if exc is not None and STALE_PLAN in str(exc):
        for connection in connections.all(initialized_only=True):
            connection.close()


# --- plans for the values at hand ---------------------------------------------------------------
# A prepared statement that has run five times may get a generic plan: one made for any value
# of its parameters, from the average row counts. Domains differ a lot in size (the largest
# holds 2,600 of 50,000 instances, the average 170), and for the instance search the generic
# plan, made for an average domain, reads the whole index range of the domain and filters the
# matching applications out of it (count 2 ms and page 3 ms for the largest domain, against
# 0.3 and 0.7 ms with a plan for its values). The other statements' generic plans are as good
# as planning them each time (docs/performance.md, section 28).


@contextmanager
def plans_for_these_values(using: str = DEFAULT_DB_ALIAS):
    """Statements run inside are planned for their own parameter values: psycopg sends them
    unprepared (its connection's `prepare_threshold` is None inside the block and what it was
    again after it), and PostgreSQL plans an unprepared statement with the values bound to
    it. On SQLite nothing changes. Rows a queryset yields lazily must be read inside the
    block. Only plans change, never results."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # The connection the block's statements will use: one that failed its health check
    # (CONN_HEALTH_CHECKS) would be replaced at the first cursor, after the setting below.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    driver = connection.connection  # psycopg's Connection
    previous = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = previous


# --- timestamps --------------------------------------------------------------------------------
# Django reads every `timestamp with time zone` through its own loader, a subclass of psycopg's
# pure-Python one (a regular expression per value, then `replace(tzinfo=...)`): psycopg's
# compiled loaders cannot be subclassed. That is ~5 µs per value, 4-5 % of a list page. When
# the connection's time zone is UTC (USE_TZ without a TIME_ZONE in DATABASES, which Django then
# sets on the connection), psycopg's own loader gives exactly what Django's gives: the moment
# with tzinfo `datetime.timezone.utc` (tests/beheer/test_db_timestamps.py compares both).
# The check is made when the connection opens. Django checks its own loader before each cursor
# and registers it again when the connection should not be in UTC (USE_TZ switched off in a
# test). A raw `SET TIME ZONE` on a connection (nothing here does that) would give the same
# moments in that zone, where Django's loader gave the wrong moment labelled UTC.

_PSYCOPG_LOADER = adapters.get_loader(types["timestamptz"].oid, Format.TEXT)


class UtcTimestamptzLoader(Loader):
    """psycopg's own timestamptz loader (compiled, where installed) behind the `timezone`
    attribute that Django checks before each cursor to decide whether to register its loader
    again. `load` is that loader's bound method: no Python frame of ours per value."""

    timezone = datetime.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self.load = _PSYCOPG_LOADER(oid, context).load

    def load(self, data):  # the base class requires it; every instance replaces it
        raise NotImplementedError


def read_timestamps_with_psycopg(sender, connection, **kwargs):
    """Receiver of `connection_created`: on a PostgreSQL connection in UTC, timestamps are
    read by psycopg's loader instead of Django's."""
    if (
        connection.vendor == "postgresql"
        and connection.timezone is datetime.UTC
        and connection.connection.info.parameter_status("TimeZone") == "UTC"
    ):
        connection.connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
