"""On PostgreSQL the server binds the parameters and prepares what a connection repeats
(beheer/settings.py, DB_PREPARED_STATEMENTS): a page served again runs its statements
without parsing and planning them again."""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from tests.auth_helpers import login


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_a_page_served_repeatedly_runs_prepared_statements(client, domein, domeinbeheerder):
    login(client, domeinbeheerder)
    url = reverse("domeinen:details", args=[domein.naam])
    assert not [s for s in _prepared_statements() if '"domeinen_domein"' in s]
    for _ in range(6):
        assert client.get(url).status_code == 200
    domain_queries = [s for s in _prepared_statements() if 'FROM "domeinen_domein"' in s]
    assert domain_queries, _prepared_statements()
    # bound by the server: the domain's name is a parameter, not text in the statement
    assert all("$1" in s and domein.naam not in s for s in domain_queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_failing_on_a_stale_prepared_statement_gets_a_fresh_connection():
    """After a migration changed a column, a connection's prepared statement is refused; the
    failed request closes the connection so the next one prepares it anew."""
    from django.core.signals import got_request_exception
    from django.db.utils import NotSupportedError

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE kt_stale_plan (id int PRIMARY KEY, naam varchar(10))")
    try:
        with connection.cursor() as cursor:
            for _ in range(6):  # prepared from the fifth time on
                cursor.execute("SELECT naam FROM kt_stale_plan WHERE id = %s", [1])
            # `migrate` in another process (on its own connection psycopg would forget them)
            with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
                other.execute("ALTER TABLE kt_stale_plan ALTER COLUMN naam TYPE varchar(20)")
            with pytest.raises(NotSupportedError, match="cached plan must not change"):
                cursor.execute("SELECT naam FROM kt_stale_plan WHERE id = %s", [1])
        try:
            raise NotSupportedError("cached plan must not change result type")
        except NotSupportedError:  # as Django's handler does for a failed request
            got_request_exception.send(sender=None, request=None)
        assert connection.connection is None
        with connection.cursor() as cursor:
            cursor.execute("SELECT naam FROM kt_stale_plan WHERE id = %s", [1])
            assert cursor.fetchall() == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS kt_stale_plan")
