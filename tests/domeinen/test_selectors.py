"""Selectors for domains: counts on the start screen stay right and cheap."""

import uuid

import pytest
from django.db.models import Q

from domeinen.models import Applicatieinstantie
from domeinen.selectors import domains_with_counts_for_user, instances_for_domain
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

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


def test_visible_instances_and_requests_are_listed_once_for_a_user_of_both_sides(
    domein, domeinbeheerder
):
    from applicaties.models import Applicatie
    from connectieaanvragen.selectors import requests_visible_to_user
    from domeinen.selectors import instances_visible_to_user

    # The user administers the domain AND both applications, each side with a co-beheerder:
    # a join over both beheerder tables would give every row several times.
    domein.beheerders.add(UserFactory())
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[domeinbeheerder]), domein=domein
    )
    aanvraag = make_request(
        applicatie=ApplicatieFactory(beheerders=[domeinbeheerder]), domein=domein
    )
    other = DomeinFactory()
    stranger = UserFactory()
    for app in Applicatie.objects.filter(beheerders=domeinbeheerder):
        app.beheerders.add(UserFactory())
    make_request(applicatie=ApplicatieFactory(beheerders=[stranger]), domein=other)  # not theirs

    instances = instances_visible_to_user(user=domeinbeheerder)
    requests_ = requests_visible_to_user(user=domeinbeheerder)

    assert list(instances) == [instance] and instances.count() == 1
    assert sorted(r.pk for r in requests_) == sorted([aanvraag.pk, instance.connectieaanvraag.pk])
    assert requests_.count() == 2


def _old_search(term):
    # The search as it was: icontains over the joined application and the client_id.
    return (
        Q(applicatie__naam__icontains=term)
        | Q(applicatie__leverancier__icontains=term)
        | Q(client_id__icontains=term)
    )


def test_instance_search_finds_what_icontains_over_name_vendor_and_client_id_found(domein):
    other = DomeinFactory(beheerders=[UserFactory()])
    names = [
        ("Zorgportaal Plus", "Cafe B.V."),
        ("Beeldbellen", "Zorgportaal Groep"),
        ("Dagboek", "X"),
    ]
    for naam, leverancier in names:
        app = ApplicatieFactory(naam=naam, leverancier=leverancier, beheerders=[UserFactory()])
        make_instance(applicatie=app, domein=domein)
        make_instance(applicatie=app, domein=other)
    dagboek = Applicatieinstantie.objects.get(domein=domein, applicatie__naam="Dagboek")
    Applicatieinstantie.objects.filter(pk=dagboek.pk).update(
        client_id=uuid.UUID("cafe0000-1234-4abc-8def-0123456789ab")
    )
    terms = [
        "zorgportaal",  # name of one, vendor of another
        "BEELD",
        "cafe",  # a vendor and a client_id: hex letters are both
        "CAFE0000-1234",  # client_id with a hyphen, upper case
        "4abc",
        "b.v.",
        "%",
        "niets",
    ]
    for term in terms:
        expected = set(Applicatieinstantie.objects.filter(domein=domein).filter(_old_search(term)))
        found = set(instances_for_domain(domein=domein, search=term))
        assert found == expected, term
    assert {i.applicatie.naam for i in instances_for_domain(domein=domein, search="cafe")} == {
        "Zorgportaal Plus",
        "Dagboek",
    }


def test_domains_with_counts_count_active_instances_and_open_requests_per_user(
    domein, domeinbeheerder, applicatiebeheerder, support_user
):
    """Users, filters and orderings of one queryset do not leak into another's counts."""
    other = DomeinFactory(beheerders=[UserFactory()])
    make_instance(applicatie=ApplicatieFactory(beheerders=[applicatiebeheerder]), domein=other)
    make_request(applicatie=ApplicatieFactory(beheerders=[applicatiebeheerder]), domein=domein)

    mine = domains_with_counts_for_user(user=domeinbeheerder).order_by("naam")
    everything = domains_with_counts_for_user(user=support_user).filter(naam=other.naam)
    assert [(d.naam, d.aantal_actief, d.aantal_open_aanvragen) for d in mine] == [
        (domein.naam, 0, 1)
    ]
    assert [(d.naam, d.aantal_actief, d.aantal_open_aanvragen) for d in everything] == [
        (other.naam, 1, 0)
    ]


def test_a_row_in_the_users_domain_comes_with_its_domain_and_nobody_else_gets_it(support_user):
    """in_users_domain: the row only through the name of its own domain, only for a beheerder
    of that domain (or support), and with the domain's row loaded."""
    from django.contrib.auth.models import AnonymousUser

    from connectieaanvragen.models import Connectieaanvraag
    from connectieaanvragen.selectors import requests_for_review
    from domeinen.selectors import in_users_domain, instances_for_detail

    ann, bob = UserFactory(), UserFactory()
    a, b = DomeinFactory(beheerders=[ann]), DomeinFactory(beheerders=[bob])
    app = ApplicatieFactory(beheerders=[UserFactory()])
    instance = make_instance(applicatie=app, domein=a)
    aanvraag = Connectieaanvraag.objects.get(instantie=instance)

    def found(user, naam):
        instances = in_users_domain(instances_for_detail(), user=user, naam=naam)
        requests = in_users_domain(requests_for_review(), user=user, naam=naam)
        return (
            list(instances.filter(client_id=instance.client_id)),
            list(requests.filter(pk=aanvraag.pk)),
        )

    for user in (ann, support_user):
        rows, reqs = found(user, a.naam)
        assert rows == [instance] and reqs == [aanvraag]
        assert rows[0].domein == a and reqs[0].domein == a
        assert rows[0].domein.zorgaanbieder == a.zorgaanbieder  # the whole domain row
        assert found(user, b.naam) == ([], [])  # not through another domain's name
    assert found(bob, a.naam) == ([], [])
    assert found(bob, b.naam) == ([], [])
    assert found(AnonymousUser(), a.naam) == ([], [])
