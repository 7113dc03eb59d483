"""Admin search on the big tables: same fields as before, answered through indexes."""

import pytest
from django.urls import reverse

from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db

INSTANCES = "admin:domeinen_applicatieinstantie_changelist"
REQUESTS = "admin:connectieaanvragen_connectieaanvraag_changelist"


@pytest.fixture
def support_client(client, support_user):
    login(client, support_user)
    return client


@pytest.fixture
def data():
    noord = DomeinFactory(naam="ggz-noord", beheerders=[UserFactory()])
    zuid = DomeinFactory(naam="ggz-zuid", beheerders=[UserFactory()])
    dagboek = ApplicatieFactory(naam="Stemmingsdagboek", beheerders=[UserFactory()])
    meetpunt = ApplicatieFactory(naam="ROM Meetpunt", beheerders=[UserFactory()])
    return {
        "dagboek_noord": make_instance(applicatie=dagboek, domein=noord),
        "meetpunt_zuid": make_instance(applicatie=meetpunt, domein=zuid),
        "open": make_request(
            applicatie=meetpunt, domein=noord, jwks_uri="https://sleutels.example.org/jwks.json"
        ),
    }


def _found(client, name, q):
    response = client.get(reverse(name), {"q": q})
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_instances_are_found_by_application_name_case_insensitively(support_client, data):
    assert _found(support_client, INSTANCES, "dagBOEK") == {data["dagboek_noord"].pk}


def test_instances_are_found_by_domain_name(support_client, data):
    assert _found(support_client, INSTANCES, "zuid") == {data["meetpunt_zuid"].pk}


def test_instances_are_found_by_exact_client_id_only(support_client, data):
    inst = data["meetpunt_zuid"]
    assert _found(support_client, INSTANCES, str(inst.client_id)) == {inst.pk}
    assert _found(support_client, INSTANCES, str(inst.client_id)[:8]) == set()


def test_requests_are_found_by_application_and_domain_name(support_client, data):
    accepted = data["meetpunt_zuid"].connectieaanvraag.pk
    assert _found(support_client, REQUESTS, "meetpunt") == {accepted, data["open"].pk}
    assert _found(support_client, REQUESTS, "ggz-zuid") == {accepted}


def test_requests_are_found_by_the_client_id_of_their_instance(support_client, data):
    inst = data["dagboek_noord"]
    assert _found(support_client, REQUESTS, str(inst.client_id)) == {inst.connectieaanvraag.pk}


def test_requests_are_found_by_part_of_the_jwks_uri(support_client, data):
    aanvraag = data["open"]
    assert _found(support_client, REQUESTS, "sleutels.EXAMPLE") == {aanvraag.pk}


def test_a_word_without_url_characters_does_not_scan_jwks_uris(support_client, data):
    # "jwks" occurs in every JWKS URI but in no name: a plain word only searches names.
    assert _found(support_client, REQUESTS, "jwks") == set()


@pytest.mark.parametrize("name", [INSTANCES, REQUESTS])
def test_search_query_count_stays_flat(support_client, django_assert_max_num_queries, name):
    for i in range(2):
        make_instance(
            applicatie=ApplicatieFactory(naam=f"Dagboek {i}", beheerders=[UserFactory()]),
            domein=DomeinFactory(beheerders=[UserFactory()]),
        )
    support_client.get(reverse(name), {"q": "dagboek"})
    with django_assert_max_num_queries(12):
        support_client.get(reverse(name), {"q": "dagboek"})
