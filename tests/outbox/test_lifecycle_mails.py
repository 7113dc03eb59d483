"""Issue 18's mails: exact subjects and recipients (withdrawing, change requests)."""

import pytest
from django.core import mail

from connectieaanvragen.change_services import (
    accept_change,
    refuse_change,
    withdraw_change,
)
from connectieaanvragen.services import withdraw_request
from domeinen.services import change_instance_status
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_change,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, django_capture_on_commit_callbacks):
    settings.KT_OMGEVING = "acc21"
    settings.KT_BASE_URL = "https://beheer.acc21.example.org"
    anna = UserFactory(email="anna@leverancier.example", full_name="Anna Applicatie")
    bert = UserFactory(email="bert@leverancier.example")
    dora = UserFactory(email="dora@zorg.example")
    dirk = UserFactory(email="dirk@zorg.example")
    app = ApplicatieFactory(naam="Zorgportaal", beheerders=[anna, bert])
    domein = DomeinFactory(naam="ggz-noord", beheerders=[dora, dirk])

    def send(func, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return {"anna": anna, "dora": dora, "app": app, "domein": domein, "send": send}


VENDORS = ["anna@leverancier.example", "bert@leverancier.example"]
DOMAIN = ["dirk@zorg.example", "dora@zorg.example"]


def _sent():
    subjects = {m.subject for m in mail.outbox}
    assert len(subjects) == 1, subjects
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    return subjects.pop(), sorted(m.to[0] for m in mail.outbox)


def test_withdrawing_a_request_mails_the_domains_beheerders(world):
    w = world
    aanvraag = make_request(applicatie=w["app"], domein=w["domein"], by=w["anna"])
    w["send"](withdraw_request, request_id=aanvraag.pk, by=w["anna"], reason="typefout in URI")
    subject, to = _sent()
    assert subject == "Connectieaanvraag van Zorgportaal voor domein ggz-noord op acc21 ingetrokken"
    assert to == DOMAIN
    assert "typefout in URI" in mail.outbox[0].body
    assert "Anna Applicatie" in mail.outbox[0].body


@pytest.fixture
def change(world):
    w = world
    instance = make_instance(applicatie=w["app"], domein=w["domein"])
    verzoek = w["send"](
        make_change,
        instance_id=instance.pk,
        by=w["anna"],
        jwks_uri="https://keys.example.org/nieuw.json",
    )
    return verzoek


def test_filing_a_change_mails_the_domains_beheerders(world, change):
    subject, to = _sent()
    assert subject == "Wijzigingsverzoek voor Zorgportaal in domein ggz-noord op acc21"
    assert to == DOMAIN
    body = mail.outbox[0].body
    assert "https://keys.example.org/nieuw.json" in body
    assert change.oude_jwks_uri in body
    assert (
        f"https://beheer.acc21.example.org/domeinen/ggz-noord/wijzigingsverzoeken/{change.pk}/"
        in body
    )


def test_accepting_a_change_mails_the_applications_beheerders(world, change):
    world["send"](accept_change, change_id=change.pk, by=world["dora"])
    subject, to = _sent()
    assert subject == "Wijzigingsverzoek voor Zorgportaal in domein ggz-noord op acc21 geaccepteerd"
    assert to == VENDORS
    assert str(change.instantie.client_id) in mail.outbox[0].body


def test_refusing_a_change_mails_the_applications_beheerders_with_the_reason(world, change):
    world["send"](refuse_change, change_id=change.pk, reason="Onbekende host", by=world["dora"])
    subject, to = _sent()
    assert subject == "Wijzigingsverzoek voor Zorgportaal in domein ggz-noord op acc21 geweigerd"
    assert to == VENDORS
    assert "Onbekende host" in mail.outbox[0].body


def test_withdrawing_a_change_mails_the_domains_beheerders(world, change):
    world["send"](withdraw_change, change_id=change.pk, by=world["anna"])
    subject, to = _sent()
    assert subject == "Wijzigingsverzoek voor Zorgportaal in domein ggz-noord op acc21 ingetrokken"
    assert to == DOMAIN


def test_closing_the_instance_ends_the_change_without_a_mail_of_its_own(world, change):
    w = world
    w["send"](
        change_instance_status,
        instance_id=change.instantie_id,
        new_status="in_onderhoud",
        reason="x",
        by=w["dora"],
    )
    w["send"](
        change_instance_status,
        instance_id=change.instantie_id,
        new_status="afgesloten",
        reason="x",
        by=w["dora"],
    )
    subject, _to = _sent()  # only the instance's own status mail
    assert subject == "Status applicatieinstantie gewijzigd: Zorgportaal in ggz-noord"
    change.refresh_from_db()
    assert change.status == "vervallen"
