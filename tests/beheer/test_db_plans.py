"""plans_for_these_values: statements inside get a plan for their own parameter values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beheer.db import plans_for_these_values
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_custom_plans_inside_the_block_only():
    assert connection.settings_dict["OPTIONS"]["server_side_binding"]  # prepared statements on
    assert _plan_cache_mode() == "auto"
    with plans_for_these_values():
        assert connection.in_atomic_block
        assert _plan_cache_mode() == "force_custom_plan"
    assert _plan_cache_mode() == "auto"
    assert not connection.in_atomic_block


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inside_an_open_transaction_the_previous_setting_comes_back():
    from django.db import transaction

    with transaction.atomic():
        assert _plan_cache_mode() == "auto"
        with plans_for_these_values():
            assert _plan_cache_mode() == "force_custom_plan"
        assert _plan_cache_mode() == "auto"
        assert connection.in_atomic_block


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_error_inside_rolls_back_and_leaves_the_connection_as_it_was():
    with pytest.raises(ZeroDivisionError), plans_for_these_values():
        ApplicatieFactory(naam="Teruggedraaid")
        1 / 0  # noqa: B018
    assert _plan_cache_mode() == "auto"
    from applicaties.models import Applicatie

    assert not Applicatie.objects.filter(naam="Teruggedraaid").exists()


@pytest.mark.django_db
def test_without_prepared_statements_nothing_is_sent():
    if connection.vendor == "postgresql":
        options = connection.settings_dict["OPTIONS"]
        saved = options.get("server_side_binding")
        options["server_side_binding"] = False
    try:
        with CaptureQueriesContext(connection) as ctx, plans_for_these_values():
            pass
    finally:
        if connection.vendor == "postgresql":
            options["server_side_binding"] = saved
    assert ctx.captured_queries == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_instance_search_is_planned_for_its_term(client):
    """The search of a domain's instances (domeinen.views.domain_instances) runs its count and
    its page with custom plans; the list without a search keeps the prepared plans."""
    beheerder = UserFactory()
    domein = DomeinFactory(beheerders=[beheerder])
    make_instance(
        applicatie=ApplicatieFactory(naam="Zorgportaal", beheerders=[UserFactory()]), domein=domein
    )
    login(client, beheerder)
    url = f"/domeinen/{domein.naam}/applicatieinstanties/"

    def statements(query):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + query)
        assert response.status_code == 200
        return response, [q["sql"] for q in ctx.captured_queries]

    response, sql = statements("?q=zorg")
    assert "Zorgportaal" in response.text
    at = next(i for i, s in enumerate(sql) if "plan_cache_mode" in s)
    after = [s for s in sql[at:] if "domeinen_applicatieinstantie" in s]
    assert len(after) == 2 and after[0].startswith("SELECT COUNT(*)")  # count and page
    _, sql = statements("")
    assert not any("plan_cache_mode" in s for s in sql)
