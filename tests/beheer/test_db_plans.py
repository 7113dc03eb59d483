"""plans_for_these_values: statements inside are planned for their own parameter values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beheer.db import plans_for_these_values
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared(fragment: str) -> int:
    """How many statements containing `fragment` this connection has prepared."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%" + fragment + "%"],
        )
        return cursor.fetchone()[0]


def _run(sql_marker: str, times: int) -> None:
    for _ in range(times):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT %s::text AS {sql_marker}", ["x"])
            cursor.fetchone()


def _executions(fragment: str) -> int:
    """How often this connection ran its prepared statement containing `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%" + fragment + "%"],
        )
        return cursor.fetchone()[0]


def test_statements_inside_are_never_prepared_and_outside_they_are():
    threshold = connection.connection.prepare_threshold
    assert threshold  # the settings' prepared statements (DB_PREPARED_STATEMENTS)
    with plans_for_these_values():
        assert connection.connection.prepare_threshold is None
        _run("binnen_het_blok", 10)
    assert _prepared("binnen_het_blok") == 0  # planned with its values each time
    assert connection.connection.prepare_threshold == threshold
    _run("buiten_het_blok", 10)
    assert _prepared("buiten_het_blok") == 1


def test_a_statement_prepared_before_the_block_is_not_used_inside_it():
    _run("al_voorbereid", 8)
    assert _prepared("al_voorbereid") == 1
    used = _executions("al_voorbereid")
    with plans_for_these_values():
        _run("al_voorbereid", 5)
    assert _executions("al_voorbereid") == used  # sent as a statement of its own each time
    _run("al_voorbereid", 2)
    assert _executions("al_voorbereid") == used + 2


def test_an_error_or_a_nested_block_leaves_the_setting_as_it_was():
    threshold = connection.connection.prepare_threshold
    with pytest.raises(ZeroDivisionError), plans_for_these_values():
        1 / 0  # noqa: B018
    assert connection.connection.prepare_threshold == threshold
    with plans_for_these_values():
        with plans_for_these_values():
            pass
        assert connection.connection.prepare_threshold is None
    assert connection.connection.prepare_threshold == threshold


def test_the_instance_search_is_planned_for_its_term(client):
    """The search of a domain's instances (domeinen.views.domain_instances) sends its count
    and its page unprepared; the list without a search keeps prepared statements."""
    beheerder = UserFactory()
    domein = DomeinFactory(beheerders=[beheerder])
    app = ApplicatieFactory(naam="Zorgportaal", beheerders=[UserFactory()])
    make_instance(applicatie=app, domein=domein)
    login(client, beheerder)
    url = f"/domeinen/{domein.naam}/applicatieinstanties/"
    for _ in range(8):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + "?q=zorg")
        assert response.status_code == 200 and "Zorgportaal" in response.text
        searches = [q["sql"] for q in ctx.captured_queries if "ANY(ARRAY(" in q["sql"]]
        client.get(url)  # the next request empties the query log
    assert len(searches) == 2  # the count and the page
    assert _prepared("ANY(ARRAY(") == 0
    assert _prepared('ORDER BY "applicaties_applicatie"."naam"') >= 1  # the plain list's page
