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
