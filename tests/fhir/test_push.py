"""The KT2Device on a real FHIR server (sekmet-fhir): pushed after accept, follows status
changes and renames, survives an outage, records the server's refusal."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from applicaties.services import update_application
from beheer.fhir.builders import CLIENT_ID_SYSTEM, KT2_DEVICE_PROFILE
from beheer.fhir.client import PermanentFhirError
from beheer.outbox.models import Delivery, DeliveryStatus
from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag
from connectieaanvragen.services import accept_request
from domeinen import devices
from domeinen.devices import push_device, sync_devices
from domeinen.models import Applicatieinstantie, FhirStatus, InstantieStatus
from domeinen.services import change_instance_status
from tests.factories import ApplicatieFactory, UserFactory, make_request
from tests.fhir.conftest import device_path, make_fhir_domein
from tests.fhir.servers import SilentServer

pytestmark = pytest.mark.django_db(transaction=True)


def _accept(domein, admin, *, naam=None):
    applicatie = ApplicatieFactory(beheerders=[UserFactory()], **({"naam": naam} if naam else {}))
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    return accept_request(request_id=aanvraag.pk, by=admin).instantie


def _devices_for(server, client_id):
    bundle = server.get(f"Device?identifier={CLIENT_ID_SYSTEM}|{client_id}").json()
    return [e["resource"] for e in bundle.get("entry", []) if e["search"]["mode"] == "match"]


def test_accept_puts_the_device_with_identifier_status_and_name(
    fhir_server, fhir_domein, fhir_admin
):
    instance = _accept(fhir_domein, fhir_admin, naam="Zorgportaal Plus")

    response = fhir_server.get(device_path(instance))
    assert response.status_code == 200
    device = response.json()
    assert device["identifier"] == [{"system": CLIENT_ID_SYSTEM, "value": str(instance.client_id)}]
    assert device["status"] == "active"
    assert device["deviceName"] == [{"name": "Zorgportaal Plus", "type": "user-friendly-name"}]
    assert device["meta"]["profile"] == [KT2_DEVICE_PROFILE]
    instance.refresh_from_db()
    assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD
    assert instance.fhir_version == device["meta"]["versionId"] == "1"
    assert instance.fhir_synced_at is not None
    assert instance.fhir_error == ""


def test_status_change_updates_the_device_status(fhir_server, fhir_domein, fhir_admin):
    instance = _accept(fhir_domein, fhir_admin)

    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="Onderhoud", by=fhir_admin
    )
    assert fhir_server.get(device_path(instance)).json()["status"] == "inactive"

    change_instance_status(
        instance_id=instance.pk, new_status="actief", reason="Klaar", by=fhir_admin
    )
    device = fhir_server.get(device_path(instance)).json()
    assert device["status"] == "active"
    instance.refresh_from_db()
    assert instance.fhir_version == device["meta"]["versionId"] == "3"


def test_closing_makes_the_device_inactive(fhir_server, fhir_domein, fhir_admin):
    instance = _accept(fhir_domein, fhir_admin)
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=instance.pk, new_status=status, reason="x", by=fhir_admin
        )
    assert fhir_server.get(device_path(instance)).json()["status"] == "inactive"


def test_renaming_the_application_renames_devices_of_open_instances(
    fhir_server, fhir_domein, fhir_admin, superuser
):
    open_instance = _accept(fhir_domein, fhir_admin, naam="Oude naam")
    other_domein = make_fhir_domein(fhir_server, fhir_admin)
    aanvraag = make_request(applicatie=open_instance.applicatie, domein=other_domein)
    closed = accept_request(request_id=aanvraag.pk, by=fhir_admin).instantie
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(instance_id=closed.pk, new_status=status, reason="x", by=fhir_admin)

    update_application(applicatie_id=open_instance.applicatie_id, by=superuser, naam="Nieuwe naam")

    names = fhir_server.get(device_path(open_instance)).json()["deviceName"]
    assert names == [{"name": "Nieuwe naam", "type": "user-friendly-name"}]
    closed_device = fhir_server.get(device_path(closed)).json()
    assert closed_device["deviceName"][0]["name"] == "Oude naam"


def test_decisions_stand_while_the_server_is_down_and_sync_after_restart(
    own_fhir_server, fhir_admin, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # the backoff has passed by the time we look
    domein = make_fhir_domein(own_fhir_server, fhir_admin)
    own_fhir_server.stop()

    instances = [_accept(domein, fhir_admin) for _ in range(3)]
    change_instance_status(
        instance_id=instances[0].pk, new_status="in_onderhoud", reason="x", by=fhir_admin
    )

    assert (
        Connectieaanvraag.objects.filter(domein=domein, status=AanvraagStatus.GEACCEPTEERD).count()
        == 3
    )
    for instance in instances:
        instance.refresh_from_db()
        assert instance.fhir_status == FhirStatus.WACHTEND
        assert "niet bereikbaar" in instance.fhir_error
    assert instances[0].status == InstantieStatus.IN_ONDERHOUD

    pushes = Delivery.objects.filter(kind="fhir_device_push")
    assert pushes.count() == 4 and set(pushes.values_list("status", flat=True)) == {"wachtend"}

    own_fhir_server.start()
    call_command("run_outbox", "--once")  # the worker retries what failed
    assert set(pushes.values_list("status", flat=True)) == {"verzonden"}
    # A repair run afterwards finds nothing to do and duplicates nothing.
    report = sync_devices()
    assert not report.repaired and not report.failed
    for instance in instances:
        instance.refresh_from_db()
        assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD
        assert len(_devices_for(own_fhir_server, instance.client_id)) == 1
    assert _devices_for(own_fhir_server, instances[0].client_id)[0]["status"] == "inactive"


def test_a_hanging_server_times_out_without_blocking_the_decision(settings, fhir_admin):
    settings.KT_FHIR_TIMEOUT = 1
    silent = SilentServer()
    try:
        domein = make_fhir_domein(silent, fhir_admin)
        instance = _accept(domein, fhir_admin)
    finally:
        silent.close()
    instance.refresh_from_db()
    assert instance.status == InstantieStatus.ACTIEF
    assert instance.fhir_status == FhirStatus.WACHTEND
    assert "niet op tijd" in instance.fhir_error


def test_a_4xx_is_recorded_with_the_servers_message_and_marked_failed(
    fhir_server, fhir_domein, fhir_admin, monkeypatch
):
    instance = _accept(fhir_domein, fhir_admin)
    real_merge = devices.merge_device

    def broken_merge(current, inst, **kwargs):  # inject a fault: an element the server refuses
        return {**real_merge(current, inst, **kwargs), "statusx": "active"}

    monkeypatch.setattr(devices, "merge_device", broken_merge)
    with pytest.raises(PermanentFhirError) as excinfo:
        push_device(instance_id=instance.pk)

    assert excinfo.value.status == 400
    instance.refresh_from_db()
    assert instance.fhir_status == FhirStatus.MISLUKT
    assert "HTTP 400" in instance.fhir_error
    assert "Extra inputs are not permitted (Device.statusx)" in instance.fhir_error


def test_push_refuses_to_run_inside_a_transaction(fhir_domein, fhir_admin):
    instance = _accept(fhir_domein, fhir_admin)
    with pytest.raises(RuntimeError), transaction.atomic():
        push_device(instance_id=instance.pk)


def test_bearer_token_from_the_named_environment_variable(tmp_path, fhir_admin, monkeypatch):
    from tests.fhir.servers import SekmetServer

    server = SekmetServer(
        tmp_path / "sekmet", server_auth={"types": ["bearer"], "tokens": ["geheim-123"]}
    ).start()
    try:
        domein = make_fhir_domein(
            server, fhir_admin, fhir_auth="bearer", fhir_auth_token_env="KT_FHIR_TOKEN_TEST"
        )
        monkeypatch.delenv("KT_FHIR_TOKEN_TEST", raising=False)
        without = _accept(domein, fhir_admin)
        without.refresh_from_db()
        assert without.fhir_status == FhirStatus.MISLUKT
        assert "KT_FHIR_TOKEN_TEST" in without.fhir_error

        monkeypatch.setenv("KT_FHIR_TOKEN_TEST", "verkeerd")
        wrong = _accept(domein, fhir_admin)
        wrong.refresh_from_db()
        assert wrong.fhir_status == FhirStatus.MISLUKT
        assert "HTTP 401" in wrong.fhir_error

        monkeypatch.setenv("KT_FHIR_TOKEN_TEST", "geheim-123")
        push_device(instance_id=wrong.pk)
        wrong.refresh_from_db()
        assert wrong.fhir_status == FhirStatus.GESYNCHRONISEERD
        response = server.get(device_path(wrong), headers={"Authorization": "Bearer geheim-123"})
        assert response.json()["status"] == "active"
    finally:
        server.stop()


def test_only_one_device_per_client_id_after_repeated_pushes(fhir_server, fhir_domein, fhir_admin):
    instance = _accept(fhir_domein, fhir_admin)
    for _ in range(3):
        push_device(instance_id=instance.pk)
    assert len(_devices_for(fhir_server, instance.client_id)) == 1
    assert Applicatieinstantie.objects.get(pk=instance.pk).fhir_version == "4"


def test_an_unexpected_push_failure_does_not_undo_the_decision(
    fhir_domein, fhir_admin, monkeypatch
):
    def explode(**kwargs):
        raise RuntimeError("bug in the push")

    monkeypatch.setattr(devices, "push_device", explode)
    instance = _accept(fhir_domein, fhir_admin)

    instance.refresh_from_db()
    assert instance.status == InstantieStatus.ACTIEF
    assert instance.fhir_status == FhirStatus.WACHTEND
    assert Connectieaanvraag.objects.get(instantie=instance).status == AanvraagStatus.GEACCEPTEERD
    # the push stays in the outbox, due again later, with the error for support to read
    push = Delivery.objects.get(kind="fhir_device_push")
    assert push.status == DeliveryStatus.WACHTEND
    assert "bug in the push" in push.last_error


def test_changing_contact_data_does_not_push_again(fhir_server, fhir_domein, fhir_admin, superuser):
    instance = _accept(fhir_domein, fhir_admin)
    update_application(
        applicatie_id=instance.applicatie_id, by=superuser, contact_naam="Nieuwe contactpersoon"
    )
    assert fhir_server.get(device_path(instance)).json()["meta"]["versionId"] == "1"


def test_only_support_may_update_an_application(fhir_domein, fhir_admin):
    from beheer.errors import ServiceError

    instance = _accept(fhir_domein, fhir_admin)
    with pytest.raises(ServiceError) as excinfo:
        update_application(applicatie_id=instance.applicatie_id, by=fhir_admin, naam="Anders")
    assert excinfo.value.code == "not_support"


def test_a_busy_server_leaves_the_device_pending_with_its_retry_after(fhir_admin):
    from tests.fhir.servers import ScriptedServer

    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "transient", "diagnostics": "Even te druk"}],
    }
    busy = ScriptedServer(lambda r: (503, {"Retry-After": "30"}, outcome))
    busy.base_url, busy.root = f"{busy.url}/fhir/", busy.url
    try:
        instance = _accept(make_fhir_domein(busy, fhir_admin), fhir_admin)
    finally:
        busy.close()
    instance.refresh_from_db()
    assert instance.status == InstantieStatus.ACTIEF
    assert instance.fhir_status == FhirStatus.WACHTEND
    assert "HTTP 503" in instance.fhir_error and "Even te druk" in instance.fhir_error
    assert "over 30 s" in instance.fhir_error


def test_a_push_that_raced_a_decision_pushes_the_latest_state(fhir_admin):
    """A decision lands while a push is on the wire: the push sees the change when it re-reads
    the instance and writes again, so the server ends with the latest state."""
    from django.db import connection

    from tests.fhir.servers import ScriptedServer

    puts = []
    stored = {}

    def handle(request):
        if request["method"] == "GET":  # the push reads the Device before it writes
            return (200, {}, stored["device"]) if stored else (404, {}, {})
        body = json.loads(request["body"])
        puts.append(body["status"])
        if len(puts) == 1:  # a domeinbeheerder changes the status meanwhile
            Applicatieinstantie.objects.filter(pk=holder["pk"]).update(status="in_onderhoud")
            connection.close()
        stored["device"] = {**body, "meta": {"versionId": str(len(puts))}}
        return 201, {}, stored["device"]

    holder = {}
    server = ScriptedServer(handle)
    server.base_url, server.root = f"{server.url}/fhir/", server.url
    try:
        with override_settings(KT_FHIR_PUSH_AFTER_COMMIT=False):
            instance = _accept(make_fhir_domein(server, fhir_admin), fhir_admin)
        holder["pk"] = instance.pk
        push_device(instance_id=instance.pk)
    finally:
        server.close()
    assert puts == ["active", "inactive"]
    instance.refresh_from_db()
    assert instance.fhir_version == "2"
