"""On PostgreSQL the server binds the parameters and prepares what a connection repeats
(beheer/settings.py, DB_PREPARED_STATEMENTS): a page served again runs its statements
without parsing and planning them again."""

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
