"""Two domeinbeheerders decide the same change request at once (PostgreSQL, real threads):
exactly one decision, the instance changed at most once."""

import pytest

from connectieaanvragen.change_services import accept_change, refuse_change
from connectieaanvragen.models import Wijzigingsverzoek
from domeinen.models import Applicatieinstantie, WijzigingSoort
from tests.connectieaanvragen.test_race import _race
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_change,
    make_instance,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_admins_deciding_one_change_at_once_make_one_decision():
    admins = [UserFactory(), UserFactory()]
    anna = UserFactory()
    domein = DomeinFactory(beheerders=admins)
    instance = make_instance(applicatie=ApplicatieFactory(beheerders=[anna]), domein=domein)
    for round_ in range(5):  # several rounds: a race that is lost only sometimes still shows
        verzoek = make_change(
            instance_id=instance.pk,
            by=anna,
            jwks_uri=f"https://keys.example.org/{round_}.json",
        )
        actions = [
            lambda v=verzoek: accept_change(change_id=v.pk, by=admins[0]),
            lambda v=verzoek, r=round_: (
                accept_change(change_id=v.pk, by=admins[1])
                if r % 2
                else refuse_change(change_id=v.pk, reason="nee", by=admins[1])
            ),
        ]
        results, errors = _race(2, lambda i, actions=actions: actions[i]())
        assert len(results) == 1, errors
        assert [e.code for e in errors] == ["transition_not_allowed"]
        verzoek.refresh_from_db()
        assert verzoek.status == results[0].status
        assert verzoek.historie.count() == 2  # filed, decided once
    uri_changes = Applicatieinstantie.objects.get(pk=instance.pk).historie.filter(
        soort=WijzigingSoort.URIS
    )
    assert uri_changes.count() == Wijzigingsverzoek.objects.filter(status="geaccepteerd").count()


def test_two_filings_at_once_make_one_open_change():
    anna = UserFactory()
    domein = DomeinFactory(beheerders=[UserFactory()])
    instance = make_instance(applicatie=ApplicatieFactory(beheerders=[anna]), domein=domein)

    def file(i):
        return make_change(
            instance_id=instance.pk, by=anna, redirect_uris=[f"https://app.example.org/{i}"]
        )

    results, errors = _race(4, file)
    assert len(results) == 1
    assert {e.code for e in errors} == {"open_change_exists"}
    assert Wijzigingsverzoek.objects.filter(status="aangevraagd").count() == 1
