"""The main menu shows only what a person has, with at most one query for it."""

import pytest
from django.test import RequestFactory

from beheer.context_processors import navigatie
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, DomeinFactory, SupportUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _person(kind):
    user = SupportUserFactory() if kind == "support" else UserFactory()
    if kind in ("domein", "beide"):
        DomeinFactory(beheerders=[user])
    if kind in ("applicatie", "beide"):
        ApplicatieFactory(beheerders=[user])
    return user


@pytest.mark.parametrize(
    ("kind", "domeinen", "applicaties"),
    [
        ("niets", False, False),
        ("domein", True, False),
        ("applicatie", False, True),
        ("beide", True, True),
        ("support", True, True),
    ],
)
def test_menu_flags_per_role(kind, domeinen, applicaties, django_assert_max_num_queries):
    request = RequestFactory().get("/")
    request.user = _person(kind)
    assert request.user.is_support == (kind == "support")  # asked once per request anyway
    nav = navigatie(request)["nav"]
    with django_assert_max_num_queries(1):
        assert (nav["domeinen"], nav["applicaties"]) == (domeinen, applicaties)


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        ("niets", [], ["Mijn domeinen", "Mijn applicaties", "Te beoordelen"]),
        ("domein", ["Mijn domeinen", "Te beoordelen"], ["Mijn applicaties"]),
        ("applicatie", ["Mijn applicaties"], ["Mijn domeinen", "Te beoordelen"]),
        ("beide", ["Mijn domeinen", "Mijn applicaties", "Te beoordelen"], []),
    ],
)
def test_menu_shows_only_what_the_person_has(client, kind, shown, hidden):
    login(client, _person(kind))
    page = client.get("/").content.decode()
    menu = page.split('<nav aria-label="Hoofdmenu">')[1].split("</nav>")[0]
    for text in shown:
        assert text in menu
    for text in hidden:
        assert text not in menu


def test_anonymous_pages_run_no_menu_query(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert client.get("/inloggen/").status_code == 200
