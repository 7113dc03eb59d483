"""Selectors for domains: counts on the start screen stay right and cheap."""

import pytest

from domeinen.selectors import domains_with_counts_for_user
from tests.factories import ApplicatieFactory, make_instance, make_request

pytestmark = pytest.mark.django_db


def test_counts_of_active_instances_and_open_requests_do_not_multiply(
    domein, domeinbeheerder, applicatiebeheerder
):
    for _ in range(2):
        make_instance(applicatie=ApplicatieFactory(beheerders=[applicatiebeheerder]), domein=domein)
    for _ in range(3):
        make_request(applicatie=ApplicatieFactory(beheerders=[applicatiebeheerder]), domein=domein)

    (row,) = domains_with_counts_for_user(user=domeinbeheerder)

    assert row.aantal_actief == 2
    assert row.aantal_open_aanvragen == 3


def test_counts_are_zero_for_an_empty_domain(domein, domeinbeheerder):
    (row,) = domains_with_counts_for_user(user=domeinbeheerder)
    assert (row.aantal_actief, row.aantal_open_aanvragen) == (0, 0)
