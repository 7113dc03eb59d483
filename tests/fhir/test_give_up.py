"""When the outbox gives a Device push up, the instance stops saying it will be retried: it
becomes `mislukt` with the last FHIR error, unless a later push owns its state. A real FHIR
server (sekmet) that is stopped is the outage: a closed port."""

import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beheer.fhir import DEVICE_PUSH
from beheer.outbox import services as outbox
from beheer.outbox.models import Delivery, DeliveryStatus
from connectieaanvragen.services import accept_request
from domeinen import devices
from domeinen.devices import request_device_sync
from domeinen.models import FhirStatus
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, UserFactory, make_request
from tests.fhir.conftest import device_path, make_fhir_domein

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outage(own_fhir_server, fhir_admin, settings):
    """A domain on a FHIR server that is down; at most 3 attempts per push."""
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60  # nothing is due again until a test says so
    domein = make_fhir_domein(own_fhir_server, fhir_admin)
    own_fhir_server.stop()
    return domein


def _accept(domein, admin):
    applicatie = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    return accept_request(request_id=aanvraag.pk, by=admin).instantie


def _push_of(instance):
    return Delivery.objects.get(kind=DEVICE_PUSH, payload__instance_id=instance.pk)


def _make_due(*deliveries):
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        next_attempt_at=timezone.now()
    )


def _worker_dies_during_attempt(delivery):
    """A worker claims the row, dies before recording anything, and its claim runs out."""
    _make_due(delivery)
    (claimed,) = outbox._claim(outbox.Q(pk=delivery.pk), limit=1)
    _make_due(claimed)
    return claimed


def _state(instance):
    instance.refresh_from_db()
    return instance.fhir_status, instance.fhir_error


def test_last_failed_attempt_marks_the_instance_failed_and_support_retry_syncs_it(
    outage, own_fhir_server, fhir_admin, client, superuser
):
    instance = _accept(outage, fhir_admin)  # attempt 1, right after commit
    push = _push_of(instance)

    _make_due(push)
    call_command("run_outbox", "--once")  # attempt 2 of 3
    push.refresh_from_db()
    assert (push.status, push.attempts) == (DeliveryStatus.WACHTEND, 2)
    status, error = _state(instance)
    assert status == FhirStatus.WACHTEND and "niet bereikbaar" in error

    _make_due(push)
    call_command("run_outbox", "--once")  # attempt 3 of 3: the outbox gives up
    push.refresh_from_db()
    assert (push.status, push.attempts) == (DeliveryStatus.MISLUKT, 3)
    status, error = _state(instance)
    assert status == FhirStatus.MISLUKT
    assert "niet bereikbaar" in error
    _make_due(push)
    call_command("run_outbox", "--once")  # nothing left to retry by itself
    assert _state(instance)[0] == FhirStatus.MISLUKT

    # Support retries the failed delivery in the outbox admin once the server is back.
    own_fhir_server.start()
    login(client, superuser)
    response = client.post(
        reverse("admin:outbox_delivery_changelist"),
        {"action": "retry_selected", "_selected_action": [push.pk]},
    )
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.status == DeliveryStatus.VERZONDEN
    assert _state(instance) == (FhirStatus.GESYNCHRONISEERD, "")
    assert own_fhir_server.get(device_path(instance)).status_code == 200


def test_a_retry_that_fails_again_is_pending_then_failed_again(outage, fhir_admin, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    instance = _accept(outage, fhir_admin)
    push = _push_of(instance)
    assert _state(instance)[0] == FhirStatus.MISLUKT

    settings.OUTBOX_SEND_ON_COMMIT = False
    outbox.retry_delivery(delivery_id=push.pk)
    assert _state(instance)[0] == FhirStatus.MISLUKT  # no attempt yet
    settings.OUTBOX_MAX_ATTEMPTS = 2
    call_command("run_outbox", "--once")  # attempt 1 of the retry: pending again
    assert _state(instance)[0] == FhirStatus.WACHTEND
    _make_due(push)
    call_command("run_outbox", "--once")
    assert _state(instance)[0] == FhirStatus.MISLUKT


def test_worker_stopped_during_the_last_attempt_marks_the_instance_failed(
    outage, own_fhir_server, fhir_admin, client, superuser, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    instance = _accept(outage, fhir_admin)  # attempt 1 fails
    push = _push_of(instance)
    _worker_dies_during_attempt(push)  # attempt 2, the last, never recorded
    assert _state(instance)[0] == FhirStatus.WACHTEND

    call_command("run_outbox", "--once")

    push.refresh_from_db()
    assert push.status == DeliveryStatus.MISLUKT
    assert "stopte tijdens de laatste poging" in push.last_error
    status, error = _state(instance)
    assert status == FhirStatus.MISLUKT
    assert "niet bereikbaar" in error  # the last error the FHIR side gave

    # The instance's "Opnieuw synchroniseren" in the admin still works afterwards.
    own_fhir_server.start()
    login(client, superuser)
    url = reverse("admin:domeinen_applicatieinstantie_fhir_sync", args=[instance.pk])
    assert client.post(url).status_code == 302
    assert _state(instance) == (FhirStatus.GESYNCHRONISEERD, "")


def test_stopped_worker_on_the_first_attempt_gives_a_message_of_its_own(
    fhir_server, fhir_domein, fhir_admin, settings
):
    settings.OUTBOX_SEND_ON_COMMIT = False  # nothing pushed yet: no FHIR error recorded
    settings.OUTBOX_MAX_ATTEMPTS = 1
    instance = _accept(fhir_domein, fhir_admin)
    _worker_dies_during_attempt(_push_of(instance))

    call_command("run_outbox", "--once")

    assert _state(instance) == (FhirStatus.MISLUKT, devices.GIVEN_UP_MESSAGE)


def test_give_up_leaves_an_instance_alone_that_a_later_push_synced_or_still_owns(
    outage, own_fhir_server, fhir_admin, superuser, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    synced_later, resynced, left_alone = (_accept(outage, fhir_admin) for _ in range(3))
    old_pushes = [_push_of(i) for i in (synced_later, resynced, left_alone)]

    # Support's "Opnieuw synchroniseren" for two of them: one push succeeds (server back),
    # the other is queued while the server is down again and not yet retried.
    own_fhir_server.start()
    request_device_sync(instance_ids=[synced_later.pk], by=superuser)
    assert _state(synced_later)[0] == FhirStatus.GESYNCHRONISEERD
    own_fhir_server.stop()
    request_device_sync(instance_ids=[resynced.pk], by=superuser)
    new_push = Delivery.objects.filter(payload__instance_id=resynced.pk).latest("pk")
    assert new_push.status == DeliveryStatus.WACHTEND

    # The old pushes all give up: their last attempt's worker stopped.
    for push in old_pushes:
        _worker_dies_during_attempt(push)
    call_command("run_outbox", "--once")
    assert set(
        Delivery.objects.filter(pk__in=[p.pk for p in old_pushes]).values_list("status", flat=True)
    ) == {DeliveryStatus.MISLUKT}

    assert _state(synced_later) == (FhirStatus.GESYNCHRONISEERD, "")
    assert _state(resynced)[0] == FhirStatus.WACHTEND  # its new push still runs
    assert _state(left_alone)[0] == FhirStatus.MISLUKT

    # When the new push gives up too, that instance is failed as well.
    _make_due(new_push)
    call_command("run_outbox", "--once")
    new_push.refresh_from_db()
    assert new_push.status == DeliveryStatus.MISLUKT
    assert _state(resynced)[0] == FhirStatus.MISLUKT


def test_a_hook_that_raises_does_not_break_the_worker(
    outage, fhir_admin, settings, monkeypatch, caplog
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    first, second = _accept(outage, fhir_admin), _accept(outage, fhir_admin)
    pushes = [_push_of(first), _push_of(second)]

    def broken_hook(*, instance_id, **kwargs):
        raise RuntimeError("geheim-" + str(instance_id))

    monkeypatch.setattr(devices, "give_up_device_push", broken_hook)
    _make_due(*pushes)
    with caplog.at_level(logging.ERROR, logger="beheer.outbox.services"):
        call_command("run_outbox", "--once")

    for push in pushes:  # both processed, outcome recorded despite the hook
        push.refresh_from_db()
        assert (push.status, push.attempts) == (DeliveryStatus.MISLUKT, 2)
    failures = [r for r in caplog.records if "give-up hook" in r.getMessage()]
    assert len(failures) == 2
    assert all("RuntimeError" in r.getMessage() for r in failures)
    logged = "".join(r.getMessage() for r in failures)
    assert f"geheim-{first.pk}" not in logged and f"geheim-{second.pk}" not in logged
    assert _state(first)[0] == FhirStatus.WACHTEND  # the broken hook changed nothing
