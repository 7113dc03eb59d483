"""own_columns_and: every column of the row, of related rows only the named ones."""

import pytest

from beheer.query_util import own_columns_and
from domeinen.models import Applicatieinstantie


def test_joins_what_the_fields_name_and_loads_only_those_related_columns():
    qs = own_columns_and(Applicatieinstantie.objects.all(), "applicatie__naam", "rol__naam")
    sql = str(qs.query)
    assert '"applicaties_applicatie"."naam"' in sql
    assert '"applicaties_applicatie"."contact_email"' not in sql
    assert '"domeinen_applicatieinstantie"."jwks_uri"' in sql  # every own column


def test_a_bare_relation_is_refused_instead_of_loading_its_whole_row():
    with pytest.raises(ValueError, match="relation__column"):
        own_columns_and(Applicatieinstantie.objects.all(), "applicatie")
