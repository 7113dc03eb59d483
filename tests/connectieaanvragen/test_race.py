"""Two domeinbeheerders press Accepteren at the same moment (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from beheer.errors import ServiceError
from connectieaanvragen.models import Connectieaanvraag
from connectieaanvragen.services import accept_request, file_request, refuse_request
from domeinen.models import Applicatieinstantie
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    keys_in_order,
    make_request,
)

# serialized_rollback: the flush after each test would drop the roles the migrations loaded.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(n, action):
    """Run `action(i)` in n threads released together; return (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def worker(i):
        try:
            barrier.wait(timeout=10)
            outcome = action(i)
            with lock:
                results.append(outcome)
        except ServiceError as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, errors


def test_two_admins_accepting_at_once_make_exactly_one_instance():
    admins = [UserFactory(), UserFactory()]
    domein = DomeinFactory(beheerders=admins)
    applicatie = ApplicatieFactory(beheerders=[UserFactory()])
    for _round in range(5):  # several rounds: a race that is lost only sometimes still shows
        aanvraag = make_request(applicatie=applicatie, domein=domein)
        request_id = aanvraag.pk
        results, errors = _race(
            2, lambda i, rid=request_id: accept_request(request_id=rid, by=admins[i])
        )
        assert len(results) == 1, errors
        assert len(errors) == 1
        assert errors[0].code == "transition_not_allowed"
        instances = Applicatieinstantie.objects.filter(connectieaanvraag=aanvraag)
        assert instances.count() == 1
        aanvraag.refresh_from_db()
        assert aanvraag.instantie.client_id == results[0].instantie.client_id
        # close it so the next round can request the pair again
        inst = aanvraag.instantie
        inst.status = "afgesloten"
        inst.save()
    assert Applicatieinstantie.objects.count() == 5
    assert Applicatieinstantie.objects.values("client_id").distinct().count() == 5


def test_accept_and_refuse_at_once_leave_one_decision():
    admins = [UserFactory(), UserFactory()]
    domein = DomeinFactory(beheerders=admins)
    applicatie = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    actions = [
        lambda: accept_request(request_id=aanvraag.pk, by=admins[0]),
        lambda: refuse_request(request_id=aanvraag.pk, reason="Nee", by=admins[1]),
    ]
    results, errors = _race(2, lambda i: actions[i]())
    assert len(results) == 1 and len(errors) == 1
    aanvraag.refresh_from_db()
    assert aanvraag.status == results[0].status
    assert Applicatieinstantie.objects.count() == (1 if aanvraag.status == "geaccepteerd" else 0)


def test_two_filings_at_once_make_one_open_request():
    beheerder = UserFactory()
    applicatie = ApplicatieFactory(beheerders=[beheerder])
    domein = DomeinFactory(beheerders=[UserFactory()])

    def file(i):
        return file_request(
            applicatie_id=applicatie.pk,
            domein_id=domein.pk,
            jwks_uri=f"https://keys.example.org/{i}.json",
            by=beheerder,
            check_keys=keys_in_order,
        )

    results, errors = _race(4, file)
    assert len(results) == 1
    assert {e.code for e in errors} == {"open_request_exists"}
    assert Connectieaanvraag.objects.filter(status="aangevraagd").count() == 1
