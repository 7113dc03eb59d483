"""The outbox itself: queueing in the caller's transaction, claiming, backoff, failure, retry."""

import io
import logging
import os
import signal
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from beheer.errors import ServiceError
from beheer.outbox import registry
from beheer.outbox.errors import PermanentError, RetryableError
from beheer.outbox.models import Delivery, DeliveryStatus
from beheer.outbox.services import (
    backoff_delay,
    process_due,
    queue_delivery,
    queue_email,
    retry_delivery,
)
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_request


class _Handler:
    """A test handler for kind "test": fails as told, records what it delivered."""

    def __init__(self):
        self.failures = []  # exceptions to raise, in order; then success
        self.delivered = []

    def __call__(self, delivery):
        if self.failures:
            raise self.failures.pop(0)
        self.delivered.append(delivery.pk)


@pytest.fixture
def handler(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    h = _Handler()
    registry._HANDLERS["test"] = h
    yield h
    registry._HANDLERS.pop("test", None)


def _make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


# --- transactions ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_row_and_sends_nothing():
    dora = UserFactory(email="dora@zorg.example")
    domein = DomeinFactory(beheerders=[dora])
    app = ApplicatieFactory(beheerders=[UserFactory()])

    with pytest.raises(RuntimeError), transaction.atomic():
        make_request(applicatie=app, domein=domein)
        assert Delivery.objects.count() == 1  # written inside the transaction ...
        raise RuntimeError("the caller fails after the service")

    assert not Delivery.objects.exists()  # ... and gone with it
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_committed_service_sends_right_after_commit_without_a_worker():
    dora = UserFactory(email="dora@zorg.example")
    domein = DomeinFactory(beheerders=[dora])
    app = ApplicatieFactory(beheerders=[UserFactory()])

    make_request(applicatie=app, domein=domein)

    assert [m.to for m in mail.outbox] == [["dora@zorg.example"]]
    assert Delivery.objects.get().status == DeliveryStatus.VERZONDEN


@pytest.mark.django_db
def test_dedupe_key_makes_a_second_queueing_return_the_first_row(handler):
    first = queue_delivery(kind="test", payload={"n": 1}, dedupe_key="device-42-v1")
    second = queue_delivery(kind="test", payload={"n": 2}, dedupe_key="device-42-v1")
    assert second.pk == first.pk
    assert Delivery.objects.get().payload == {"n": 1}


# --- worker: backoff and failure ------------------------------------------------------------


@pytest.mark.django_db
def test_retryable_failures_back_off_exponentially_then_mark_failed(handler, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    handler.failures = [RetryableError("verbinding geweigerd")] * 3
    delivery = queue_delivery(kind="test", payload={})

    waits = []
    for _ in range(2):
        before = timezone.now()
        assert process_due() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.WACHTEND
        assert delivery.last_error == "verbinding geweigerd"
        waits.append(delivery.next_attempt_at - before)
        assert process_due() == 0  # not due yet: the worker leaves it alone
        _make_due(delivery)
    assert timedelta(seconds=10) <= waits[0] < timedelta(seconds=12)
    assert timedelta(seconds=20) <= waits[1] < timedelta(seconds=22)

    assert process_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.MISLUKT
    assert delivery.attempts == 3
    assert handler.delivered == []
    _make_due(delivery)
    assert process_due() == 0  # failed rows are never picked up again by themselves


def test_backoff_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    assert [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 600]


@pytest.mark.django_db
def test_permanent_error_marks_failed_at_once(handler, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 5
    handler.failures = [PermanentError("FHIR 422: ongeldig Device")]
    delivery = queue_delivery(kind="test", payload={})

    process_due()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.MISLUKT
    assert delivery.attempts == 1
    assert "422" in delivery.last_error


@pytest.mark.django_db
def test_unexpected_exception_is_retried(handler):
    handler.failures = [ZeroDivisionError("boem")]
    delivery = queue_delivery(kind="test", payload={})
    process_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.WACHTEND
    assert "ZeroDivisionError" in delivery.last_error
    _make_due(delivery)
    process_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VERZONDEN
    assert handler.delivered == [delivery.pk]


@pytest.mark.django_db
def test_claim_of_a_dead_worker_is_taken_over_after_it_expires(handler):
    delivery = queue_delivery(kind="test", payload={})
    claim_end = timezone.now() + timedelta(minutes=5)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.BEZIG, attempts=1, next_attempt_at=claim_end
    )
    assert process_due() == 0  # still claimed by the (possibly living) worker

    _make_due(delivery)  # the claim ran out
    assert process_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VERZONDEN
    assert delivery.attempts == 2


@pytest.mark.django_db
def test_outcome_of_an_expired_claim_does_not_overwrite_a_newer_one(handler):
    """A slow worker whose claim was taken over must not record its (stale) outcome."""
    from beheer.outbox import services

    delivery = queue_delivery(kind="test", payload={})
    (claimed,) = services._claim(services.Q(pk=delivery.pk), limit=1)
    # meanwhile another worker took the row over (attempt 2)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=2)
    services._deliver(claimed)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.BEZIG
    assert delivery.attempts == 2


@pytest.mark.django_db
def test_unknown_kind_is_retried_not_lost(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    delivery = queue_delivery(kind="nog_niet_geregistreerd", payload={})
    process_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.WACHTEND
    assert "nog_niet_geregistreerd" in delivery.last_error


def test_registering_a_second_handler_for_a_kind_is_refused():
    registry.register_handler("test-dup", print)
    try:
        with pytest.raises(RuntimeError):
            registry.register_handler("test-dup", repr)
    finally:
        registry._HANDLERS.pop("test-dup")


# --- give-up hook ---------------------------------------------------------------------------


@pytest.fixture
def given_up(handler):
    """The "test" kind with a give-up hook that records (delivery id, status, error)."""
    calls = []
    registry.register_handler(
        "test", handler, on_give_up=lambda d: calls.append((d.pk, d.status, d.last_error))
    )
    yield calls
    registry._GIVE_UP.pop("test", None)


@pytest.mark.django_db
def test_give_up_hook_runs_once_after_the_last_attempt(handler, given_up, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    handler.failures = [RetryableError("weg")] * 2
    delivery = queue_delivery(kind="test", payload={})

    process_due()
    assert given_up == []  # a retry is still coming
    _make_due(delivery)
    process_due()

    assert given_up == [(delivery.pk, DeliveryStatus.MISLUKT, "weg")]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.MISLUKT
    _make_due(delivery)
    process_due()
    assert len(given_up) == 1


@pytest.mark.django_db
def test_give_up_hook_runs_for_a_permanent_error(handler, given_up):
    handler.failures = [PermanentError("nee")]
    delivery = queue_delivery(kind="test", payload={})
    process_due()
    assert given_up == [(delivery.pk, DeliveryStatus.MISLUKT, "nee")]


@pytest.mark.django_db
def test_give_up_hook_runs_when_the_worker_stopped_during_the_last_attempt(
    handler, given_up, settings
):
    from beheer.outbox import services

    settings.OUTBOX_MAX_ATTEMPTS = 1
    delivery = queue_delivery(kind="test", payload={})
    services._claim(services.Q(pk=delivery.pk), limit=1)  # attempt 1; its worker dies
    _make_due(delivery)

    process_due()

    assert handler.delivered == []
    assert given_up == [
        (
            delivery.pk,
            DeliveryStatus.MISLUKT,
            "Het verwerkende proces stopte tijdens de laatste poging.",
        )
    ]


@pytest.mark.django_db
def test_give_up_hook_is_not_run_for_an_outcome_that_was_not_recorded(handler, given_up, settings):
    from beheer.outbox import services

    settings.OUTBOX_MAX_ATTEMPTS = 1
    handler.failures = [RetryableError("weg")]
    delivery = queue_delivery(kind="test", payload={})
    (claimed,) = services._claim(services.Q(pk=delivery.pk), limit=1)
    Delivery.objects.filter(pk=delivery.pk).update(attempts=2)  # another worker took it over

    services._deliver(claimed)

    assert given_up == []


@pytest.mark.django_db
def test_a_failing_give_up_hook_is_logged_without_its_message(handler, settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    handler.failures = [RetryableError("weg"), RetryableError("weg")]

    def hook(delivery):
        raise ValueError(delivery.payload["link"])

    registry.register_handler("test", handler, on_give_up=hook)
    try:
        first = queue_delivery(kind="test", payload={"link": "https://x.example/reset/geheim"})
        second = queue_delivery(kind="test", payload={"link": "https://x.example/reset/geheim"})
        with caplog.at_level(logging.ERROR, logger="beheer.outbox.services"):
            assert process_due() == 2
    finally:
        registry._GIVE_UP.pop("test", None)

    for delivery in (first, second):
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.MISLUKT
    logged = [r.getMessage() for r in caplog.records if "give-up hook" in r.getMessage()]
    assert len(logged) == 2 and all("ValueError" in m for m in logged)
    assert not any("geheim" in m for m in logged)


# --- retry by support -----------------------------------------------------------------------


@pytest.mark.django_db
def test_retry_gives_a_failed_delivery_fresh_attempts(handler):
    handler.failures = [PermanentError("nee")]
    delivery = queue_delivery(kind="test", payload={})
    process_due()

    retry_delivery(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.WACHTEND, 0)
    assert process_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.VERZONDEN


@pytest.mark.django_db
def test_retry_refuses_a_delivery_that_did_not_fail(handler):
    delivery = queue_delivery(kind="test", payload={})
    with pytest.raises(ServiceError) as exc:
        retry_delivery(delivery_id=delivery.pk)
    assert exc.value.code == "not_failed"


# --- the command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_outbox_once_sends_what_is_due(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    queue_email(to="a@x.example", template="account_unlocked", context={"username": "a"})
    queue_email(to="b@x.example", template="account_unlocked", context={"username": "b"})
    assert mail.outbox == []

    call_command("run_outbox", "--once", stdout=io.StringIO())

    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.example", "b@x.example"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.VERZONDEN}


@pytest.mark.django_db
def test_run_outbox_stops_cleanly_on_sigterm(settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    queue_email(to="a@x.example", template="account_unlocked", context={"username": "a"})
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    started = timezone.now()

    call_command("run_outbox", "--poll", "30", stdout=io.StringIO())

    assert timezone.now() - started < timedelta(seconds=10)  # did not wait out the poll
    assert [m.to for m in mail.outbox] == [["a@x.example"]]
    assert signal.getsignal(signal.SIGTERM) is before
