"""Each workflow event mails the right people, with the exact subject and the needed facts."""

import pytest
from django.core import mail

from beheer.accounts.mails import queue_password_link_mail, queue_unlock_mail
from beheer.outbox.models import Delivery, DeliveryStatus
from connectieaanvragen.services import accept_request, refuse_request
from domeinen.services import change_instance_status
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit attempts (the test transaction itself never commits)."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


def _by_recipient():
    result = {}
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        result[message.to[0]] = message
    return result


def _html(message):
    return message.alternatives[0][0]


def test_filing_mails_every_active_domeinbeheerder_with_an_address(run_on_commit, settings):
    settings.KT_OMGEVING = "acc21"
    settings.KT_BASE_URL = "https://beheer.acc21.example.org"
    dora, dirk = UserFactory(email="dora@zorg.example"), UserFactory(email="dirk@zorg.example")
    inactive = UserFactory(email="oud@zorg.example", is_active=False)
    no_address = UserFactory(email="")
    domein = DomeinFactory(naam="ggz-noord", beheerders=[dora, dirk, inactive, no_address])
    anna = UserFactory(full_name="Anna Applicatie", email="anna@leverancier.example")
    app = ApplicatieFactory(naam="Zorgportaal", leverancier="Portaal B.V.", beheerders=[anna])

    aanvraag = run_on_commit(
        make_request, applicatie=app, domein=domein, jwks_uri="https://keys.example.org/jwks"
    )

    sent = _by_recipient()
    assert set(sent) == {"dora@zorg.example", "dirk@zorg.example"}
    for message in sent.values():
        assert message.subject == "Nieuwe connectieaanvraag voor domein ggz-noord op acc21"
        link = (
            f"https://beheer.acc21.example.org/domeinen/ggz-noord/connectieaanvragen/{aanvraag.pk}/"
        )
        for body in (message.body, _html(message)):
            assert "Zorgportaal" in body
            assert "Anna Applicatie" in body
            assert "https://keys.example.org/jwks" in body
            assert link in body
    assert Delivery.objects.filter(status=DeliveryStatus.VERZONDEN).count() == 2


def test_accepting_mails_only_the_applicatiebeheerder_who_filed_it(run_on_commit, settings):
    settings.KT_BASE_URL = "https://beheer.example.org"
    filer, colleague = UserFactory(email="filer@x.example"), UserFactory(email="col@x.example")
    app = ApplicatieFactory(beheerders=[filer, colleague])
    dora = UserFactory()
    domein = DomeinFactory(naam="ggz-zuid", beheerders=[dora])
    aanvraag = make_request(applicatie=app, domein=domein, by=filer)
    mail.outbox.clear()

    aanvraag = run_on_commit(accept_request, request_id=aanvraag.pk, by=dora)

    sent = _by_recipient()
    assert list(sent) == ["filer@x.example"]
    message = sent["filer@x.example"]
    assert message.subject == "Connectieaanvraag geaccepteerd"
    client_id = str(aanvraag.instantie.client_id)
    for body in (message.body, _html(message)):
        assert client_id in body
        assert "ggz-zuid" in body
        assert f"https://beheer.example.org/applicaties/{app.pk}/connectieaanvragen/" in body


def test_refusing_mails_every_applicatiebeheerder_with_the_reason(run_on_commit):
    first, second = UserFactory(email="een@x.example"), UserFactory(email="twee@x.example")
    app = ApplicatieFactory(beheerders=[first, second])
    dora = UserFactory(email="dora@zorg.example")
    domein = DomeinFactory(naam="ggz-west", beheerders=[dora])
    aanvraag = make_request(applicatie=app, domein=domein, by=first)

    run_on_commit(
        refuse_request, request_id=aanvraag.pk, reason="JWKS URI is niet bereikbaar.", by=dora
    )

    sent = _by_recipient()
    assert set(sent) == {"een@x.example", "twee@x.example"}
    for message in sent.values():
        assert message.subject == "Connectieaanvraag geweigerd"
        for body in (message.body, _html(message)):
            assert "ggz-west" in body
            assert "JWKS URI is niet bereikbaar." in body


def test_instance_status_change_mails_the_applications_beheerders(run_on_commit):
    beheerders = [UserFactory(email="a1@x.example"), UserFactory(email="a2@x.example")]
    app = ApplicatieFactory(naam="Dagboek", beheerders=beheerders)
    dora = UserFactory(email="dora@zorg.example")
    domein = DomeinFactory(naam="ggz-oost", beheerders=[dora])
    instance = make_instance(applicatie=app, domein=domein)

    run_on_commit(
        change_instance_status,
        instance_id=instance.pk,
        new_status="in_onderhoud",
        reason="Sleutels worden vervangen.",
        by=dora,
    )

    sent = _by_recipient()
    assert set(sent) == {"a1@x.example", "a2@x.example"}
    for message in sent.values():
        assert message.subject == "Status applicatieinstantie gewijzigd: Dagboek in ggz-oost"
        for body in (message.body, _html(message)):
            assert "Actief" in body and "In onderhoud" in body
            assert "Sleutels worden vervangen." in body
            assert str(instance.client_id) in body


def test_unlock_mail_goes_to_the_user_with_a_login_link(run_on_commit, settings):
    settings.KT_BASE_URL = "https://beheer.example.org"
    user = UserFactory(username="jdevries", email="j@x.example")

    delivery = run_on_commit(queue_unlock_mail, user=user)

    assert delivery.status == DeliveryStatus.WACHTEND  # as queued; sent after commit
    (message,) = mail.outbox
    assert message.to == ["j@x.example"]
    assert message.subject == "Uw KT Beheer-account is gedeblokkeerd"
    assert "jdevries" in message.body
    assert "https://beheer.example.org/inloggen/" in message.body


@pytest.mark.parametrize(
    ("invitation", "subject"),
    [
        (False, "Stel uw wachtwoord voor KT Beheer opnieuw in"),
        (True, "Uitnodiging voor KT Beheer (lokaal)"),
    ],
)
def test_password_link_mail_carries_the_absolute_one_time_link(
    run_on_commit, settings, invitation, subject
):
    settings.KT_BASE_URL = "https://beheer.example.org"
    user = UserFactory(email="j@x.example")

    run_on_commit(
        queue_password_link_mail, user=user, link="/wachtwoord/abc123/", invitation=invitation
    )

    (message,) = mail.outbox
    assert message.subject == subject
    assert "https://beheer.example.org/wachtwoord/abc123/" in message.body
    assert "https://beheer.example.org/wachtwoord/abc123/" in _html(message)
    assert "24 uur" in message.body


def test_password_link_is_removed_from_the_row_once_sent(run_on_commit):
    user = UserFactory(email="j@x.example")

    delivery = run_on_commit(
        queue_password_link_mail, user=user, link="https://p.example/t/geheim/", invitation=False
    )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VERZONDEN
    assert "geheim" not in str(delivery.payload)
    assert "geheim" in mail.outbox[0].body


def test_account_mails_skip_inactive_users_and_users_without_address():
    assert queue_unlock_mail(user=UserFactory(is_active=False)) is None
    assert queue_password_link_mail(user=UserFactory(email=""), link="/x/") is None
    assert not Delivery.objects.exists()
