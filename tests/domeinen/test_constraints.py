"""The database itself guards the rules, also against code that bypasses the services."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from connectieaanvragen.models import Connectieaanvraag
from domeinen.models import Applicatieinstantie
from rollen.models import Rol
from tests.factories import make_instance, make_request

pytestmark = pytest.mark.django_db


def _raw_instance(applicatie, domein, status):
    return Applicatieinstantie.objects.create(
        applicatie=applicatie,
        domein=domein,
        jwks_uri="https://k.example.org/j",
        status=status,
        rol=Rol.objects.get(naam="EPD"),
    )


def test_at_most_one_non_closed_instance_per_pair(applicatie, domein):
    _raw_instance(applicatie, domein, "actief")
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_instance(applicatie, domein, "in_onderhoud")


def test_closed_instances_do_not_count_for_the_pair_rule(applicatie, domein):
    _raw_instance(applicatie, domein, "afgesloten")
    _raw_instance(applicatie, domein, "afgesloten")
    _raw_instance(applicatie, domein, "actief")
    assert Applicatieinstantie.objects.count() == 3


def test_client_ids_are_unique(applicatie, domein):
    first = make_instance(applicatie=applicatie, domein=domein)
    first.status = "afgesloten"
    first.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicatieinstantie.objects.create(
            applicatie=applicatie,
            domein=domein,
            jwks_uri="https://k.example.org/j",
            client_id=first.client_id,
            rol=first.rol,
        )


def test_unknown_status_is_refused_by_the_database(applicatie, domein):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_instance(applicatie, domein, "kapot")


def test_at_most_one_open_request_per_pair(applicatie, domein):
    make_request(applicatie=applicatie, domein=domein)
    with pytest.raises(IntegrityError), transaction.atomic():
        Connectieaanvraag.objects.create(
            applicatie=applicatie, domein=domein, jwks_uri="https://k.example.org/j"
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "geaccepteerd"},  # accepted without an instance
        {"status": "geweigerd", "besloten_op": timezone.now()},  # refused without a reason
        {"status": "aangevraagd", "besloten_op": timezone.now()},  # open but decided
    ],
)
def test_request_decision_must_be_consistent(applicatie, domein, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Connectieaanvraag.objects.create(
            applicatie=applicatie, domein=domein, jwks_uri="https://k.example.org/j", **fields
        )
