"""The session's user is loaded with its support flag in one query."""

import pytest

from beheer.accounts.backends import CaseInsensitiveModelBackend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "expected"), [("support_user", True), ("domeinbeheerder", False)])
def test_get_user_answers_is_support_in_the_same_query(
    request, who, expected, django_assert_num_queries
):
    user_id = request.getfixturevalue(who).pk
    with django_assert_num_queries(1):
        user = CaseInsensitiveModelBackend().get_user(user_id)
        assert user.is_support is expected


def test_get_user_refuses_an_inactive_or_unknown_user(domeinbeheerder):
    domeinbeheerder.is_active = False
    domeinbeheerder.save(update_fields=["is_active"])
    backend = CaseInsensitiveModelBackend()
    assert backend.get_user(domeinbeheerder.pk) is None
    assert backend.get_user(987654) is None


def test_get_user_gives_the_user_the_orm_gives_field_for_field(domeinbeheerder):
    """Read with the ORM's converters (SQLite keeps datetimes as text), not raw values."""
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model

    domeinbeheerder.last_login = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    domeinbeheerder.save()
    ours = CaseInsensitiveModelBackend().get_user(domeinbeheerder.pk)
    theirs = get_user_model().objects.get(pk=domeinbeheerder.pk)
    for field in get_user_model()._meta.concrete_fields:
        mine, orm = getattr(ours, field.attname), getattr(theirs, field.attname)
        assert (mine, type(mine)) == (orm, type(orm)), field.name
    assert ours.last_login.tzinfo is not None
    assert ours._state.adding is False and ours._state.db == "default"


def test_get_user_works_out_the_converters_once_per_connection(domeinbeheerder, monkeypatch):
    from django.db import connections
    from django.db.models.sql.compiler import SQLCompiler

    from beheer.accounts import backends

    backends._USER_CONVERTERS.pop(connections["default"], None)
    calls = []
    original = SQLCompiler.get_converters
    monkeypatch.setattr(
        SQLCompiler, "get_converters", lambda self, e: calls.append(1) or original(self, e)
    )
    for _ in range(3):
        assert CaseInsensitiveModelBackend().get_user(domeinbeheerder.pk) == domeinbeheerder
    assert calls == [1]
