"""own_columns_and: every column of the row, of related rows only the named ones.
InResultOf: IN (subquery), on PostgreSQL as an array built before the outer query."""

import pytest
from django.db import connection

from applicaties.models import Applicatie
from beheer.query_util import InResultOf, own_columns_and
from domeinen.models import Applicatieinstantie
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance


def test_joins_what_the_fields_name_and_loads_only_those_related_columns():
    qs = own_columns_and(Applicatieinstantie.objects.all(), "applicatie__naam", "rol__naam")
    sql = str(qs.query)
    assert '"applicaties_applicatie"."naam"' in sql
    assert '"applicaties_applicatie"."contact_email"' not in sql
    assert '"domeinen_applicatieinstantie"."jwks_uri"' in sql  # every own column


def test_a_bare_relation_is_refused_instead_of_loading_its_whole_row():
    with pytest.raises(ValueError, match="relation__column"):
        own_columns_and(Applicatieinstantie.objects.all(), "applicatie")


def _named(term):
    return Applicatie.objects.filter(naam__icontains=term).values("pk")


@pytest.mark.django_db
def test_in_result_of_selects_what_in_selects():
    domein = DomeinFactory(beheerders=[UserFactory()])
    for naam in ["Zorgportaal", "Zorgportaal Plus", "Dagboek"]:
        app = ApplicatieFactory(naam=naam, beheerders=[UserFactory()])
        make_instance(applicatie=app, domein=domein)
    for term in ["zorgportaal", "dag", "niets"]:
        ours = Applicatieinstantie.objects.filter(InResultOf("applicatie_id", _named(term)))
        theirs = Applicatieinstantie.objects.filter(applicatie_id__in=_named(term))
        assert sorted(i.pk for i in ours) == sorted(i.pk for i in theirs), term
        assert ours.count() == theirs.count()
        negated = Applicatieinstantie.objects.exclude(InResultOf("applicatie_id", _named(term)))
        assert negated.count() == Applicatieinstantie.objects.count() - theirs.count()


@pytest.mark.django_db
def test_in_result_of_is_an_array_built_once_on_postgresql_and_in_elsewhere():
    qs = Applicatieinstantie.objects.filter(InResultOf("applicatie_id", _named("zorg")))
    sql, params = qs.query.get_compiler(using="default").as_sql()
    assert 'ORDER BY U0."naam"' not in sql  # Applicatie's default order dropped, as `__in` does
    if connection.vendor == "postgresql":
        assert '"applicatie_id" = ANY(ARRAY(SELECT' in sql
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "InitPlan" in plan  # the subquery runs once, before the instances are read
    else:
        assert '"applicatie_id" IN (SELECT' in sql
