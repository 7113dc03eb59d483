"""Prepared statements and migrations (see DB_PREPARED_STATEMENTS in beheer/settings.py).

A connection keeps the statements it prepared. After a migration that changes a table's
columns PostgreSQL refuses such a statement ("cached plan must not change result type") until
the connection prepares it again, and outside a transaction nothing makes psycopg forget it: a
worker that was not restarted after `migrate` would fail on that page for as long as it keeps
the connection (DB_CONN_MAX_AGE). When a request fails that way, its connections are closed,
so the next request starts with a fresh one: one error per worker instead of a minute of them.
"""

import sys

from django.db import connections

STALE_PLAN = "cached plan must not change result type"


def close_connections_with_stale_plans(sender, request=None, **kwargs):
    """Receiver of `got_request_exception` (Django sends it inside its `except` block)."""
    exc = sys.exc_info()[1]
    if exc is not None and STALE_PLAN in str(exc):
        for connection in connections.all(initialized_only=True):
            connection.close()
