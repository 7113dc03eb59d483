"""Device writes against the Koppeltaal reference FHIR server's rules (the strict front before a
real sekmet server, tests/fhir/servers.py), with the server choosing the Device id: version-aware
updates that keep resource-origin, conditional creates that are never made twice, conflicts
retried, drift measured against the profile, traceable requests."""

import json

import pytest
import requests
from django.core.management import call_command

from applicaties.services import update_application
from beheer.fhir.builders import CLIENT_ID_SYSTEM, KT2_DEVICE_PROFILE
from connectieaanvragen.services import accept_request
from domeinen.devices import push_device
from domeinen.models import Applicatieinstantie, FhirStatus
from domeinen.services import change_instance_status
from tests.factories import ApplicatieFactory, UserFactory, make_request
from tests.fhir.conftest import make_fhir_domein
from tests.fhir.servers import FRONT_REQUESTER, RESOURCE_ORIGIN_URL

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [{"url": RESOURCE_ORIGIN_URL, "valueReference": {"reference": FRONT_REQUESTER}}]


def _accept(domein, admin, *, naam=None):
    applicatie = ApplicatieFactory(beheerders=[UserFactory()], **({"naam": naam} if naam else {}))
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    instance = accept_request(request_id=aanvraag.pk, by=admin).instantie
    instance.refresh_from_db()
    return instance


def _by_identifier(server, instance):
    return server.devices(identifier=f"{CLIENT_ID_SYSTEM}|{instance.client_id}")


def _portal_requests(server, method):
    return [r for r in server.portal_writes(method) if "X-Correlation-Id" in r["headers"]]


# --- the front itself ------------------------------------------------------------------------


def _send(server, method, path, body=None, headers=None):
    return requests.request(
        method,
        server.base_url + path,
        data=json.dumps(body) if body is not None else None,
        headers={"Content-Type": "application/fhir+json", **(headers or {})},
        timeout=5,
    )


def _device(**extra):
    return {
        "resourceType": "Device",
        "meta": {"profile": [KT2_DEVICE_PROFILE]},
        "identifier": [{"system": CLIENT_ID_SYSTEM, "value": "front-test"}],
        "status": "active",
        "deviceName": [{"name": "Front", "type": "user-friendly-name"}],
        **extra,
    }


def test_the_strict_front_applies_the_reference_servers_rules(strict_fhir_server):
    server = strict_fhir_server
    created = _send(server, "POST", "Device", _device(id="gekozen"))
    assert created.status_code == 201
    stored = created.json()
    assert stored["id"] != "gekozen"  # POST: the server assigns the id
    assert stored["extension"] == ORIGIN  # and sets resource-origin
    path = f"Device/{stored['id']}"

    refused = _send(server, "POST", "Device", _device(extension=ORIGIN))
    assert refused.status_code == 400
    assert _send(server, "PUT", "Device/onbekend", _device(id="onbekend")).status_code == 404
    no_if_match = _send(server, "PUT", path, stored)
    assert no_if_match.status_code == 412
    assert "If-Match header is required on updates" in no_if_match.text
    dropped = {k: v for k, v in stored.items() if k != "extension"}
    assert _send(server, "PUT", path, dropped, {"If-Match": 'W/"1"'}).status_code == 400
    changed = {**stored, "extension": [{**ORIGIN[0], "valueReference": {"reference": "Device/x"}}]}
    assert _send(server, "PUT", path, changed, {"If-Match": 'W/"1"'}).status_code == 400
    assert _send(server, "PUT", path, stored, {"If-Match": 'W/"1"'}).status_code == 200
    assert _send(server, "PUT", path, stored, {"If-Match": 'W/"1"'}).status_code == 412  # stale


# --- the portal against it -------------------------------------------------------------------


def test_accept_creates_one_device_with_a_server_assigned_id(
    strict_fhir_server, fhir_admin, settings
):
    settings.KT_FHIR_META_SOURCE = "https://beheer.acc21.koppeltaal.test"
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    instance = _accept(domein, fhir_admin, naam="Zorgportaal Plus")

    (device,) = _by_identifier(strict_fhir_server, instance)
    assert instance.device_id == device["id"] != str(instance.client_id)
    assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD
    assert instance.fhir_version == device["meta"]["versionId"] == "1"
    assert device["extension"] == ORIGIN
    assert device["meta"]["source"] == "https://beheer.acc21.koppeltaal.test"
    assert device["deviceName"] == [{"name": "Zorgportaal Plus", "type": "user-friendly-name"}]
    (post,) = _portal_requests(strict_fhir_server, "POST")
    assert post["headers"]["If-None-Exist"] == (
        f"identifier={CLIENT_ID_SYSTEM}|{instance.client_id}"
    )
    assert not _portal_requests(strict_fhir_server, "PUT")


def test_status_changes_and_a_rename_update_with_if_match_and_keep_resource_origin(
    strict_fhir_server, fhir_admin, superuser
):
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    instance = _accept(domein, fhir_admin, naam="Oude naam")
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="Onderhoud", by=fhir_admin
    )
    update_application(applicatie_id=instance.applicatie_id, by=superuser, naam="Nieuwe naam")
    change_instance_status(
        instance_id=instance.pk, new_status="actief", reason="Klaar", by=fhir_admin
    )

    (device,) = _by_identifier(strict_fhir_server, instance)
    assert device["status"] == "active"
    assert device["deviceName"] == [{"name": "Nieuwe naam", "type": "user-friendly-name"}]
    assert device["extension"] == ORIGIN
    assert device["meta"]["versionId"] == "4"
    puts = _portal_requests(strict_fhir_server, "PUT")
    assert [p["headers"]["If-Match"] for p in puts] == ['W/"1"', 'W/"2"', 'W/"3"']
    instance.refresh_from_db()
    assert (instance.fhir_status, instance.fhir_version) == (FhirStatus.GESYNCHRONISEERD, "4")


def test_each_request_has_its_own_request_id_and_each_change_its_correlation_id(
    strict_fhir_server, fhir_admin
):
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    instance = _accept(domein, fhir_admin)
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="x", by=fhir_admin
    )

    sent = [r["headers"] for r in strict_fhir_server.requests if "X-Correlation-Id" in r["headers"]]
    assert len(sent) == 4  # accept: search + POST; status change: read + PUT
    assert len({h["X-Request-Id"] for h in sent}) == len(sent)
    by_change = {}
    for headers in sent:
        by_change.setdefault(headers["X-Correlation-Id"], []).append(headers)
    assert len(by_change) == 2


def test_a_change_on_the_server_between_read_and_write_is_read_again_and_kept(
    strict_fhir_server, fhir_admin
):
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    instance = _accept(domein, fhir_admin)
    owner = {"reference": "Organization/ggz-noord"}

    def someone_else_writes_first(record):
        if record["method"] == "PUT" and not strict_fhir_server.before_forward_done:
            strict_fhir_server.before_forward_done = True
            current = strict_fhir_server.get(f"Device/{instance.device_id}").json()
            strict_fhir_server.put({**current, "owner": owner})  # behind the portal's back

    strict_fhir_server.before_forward_done = False
    strict_fhir_server.before_forward = someone_else_writes_first
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="x", by=fhir_admin
    )
    strict_fhir_server.before_forward = None

    (device,) = _by_identifier(strict_fhir_server, instance)
    assert device["status"] == "inactive"
    assert device["owner"] == owner  # the other writer's change survives
    assert device["extension"] == ORIGIN
    puts = _portal_requests(strict_fhir_server, "PUT")
    assert [p["headers"]["If-Match"] for p in puts] == ['W/"1"', 'W/"2"']  # 412, then again
    instance.refresh_from_db()
    assert (instance.fhir_status, instance.fhir_version) == (FhirStatus.GESYNCHRONISEERD, "3")


def test_conflicts_that_keep_coming_are_recorded_with_the_servers_message(
    strict_fhir_server, fhir_admin
):
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    instance = _accept(domein, fhir_admin)

    def always_first(record):
        if record["method"] == "PUT":
            current = strict_fhir_server.get(f"Device/{instance.device_id}").json()
            strict_fhir_server.put(current)

    strict_fhir_server.before_forward = always_first
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="x", by=fhir_admin
    )
    strict_fhir_server.before_forward = None

    instance.refresh_from_db()
    assert len(_portal_requests(strict_fhir_server, "PUT")) == 3
    assert instance.fhir_status == FhirStatus.MISLUKT
    assert "HTTP 412" in instance.fhir_error and "Version conflict" in instance.fhir_error
    # "Opnieuw synchroniseren" starts from a fresh read and succeeds once the other writer stops.
    push_device(instance_id=instance.pk)
    instance.refresh_from_db()
    assert (instance.fhir_status, instance.fhir_error) == (FhirStatus.GESYNCHRONISEERD, "")
    assert _by_identifier(strict_fhir_server, instance)[0]["status"] == "inactive"


def test_five_accepts_while_the_server_is_down_make_exactly_five_devices(
    strict_fhir_server, fhir_admin, settings
):
    """The server is down during 5 accepts; when it is back, the first answer to each create
    is lost on the way back (the Device was made, the portal hears 502) and the portal tries
    again: the conditional create finds the Device instead of making a second one."""
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    strict_fhir_server.stop()
    instances = [_accept(domein, fhir_admin) for _ in range(5)]
    assert {i.fhir_status for i in instances} == {FhirStatus.WACHTEND}

    strict_fhir_server.start()
    lost = set()

    def lose_first_answer(record):
        if record["method"] == "POST" and record["headers"]["If-None-Exist"] not in lost:
            lost.add(record["headers"]["If-None-Exist"])
            return True
        return False

    strict_fhir_server.lose_answer = lose_first_answer
    call_command("run_outbox", "--once")  # every create is made, every answer lost
    assert len(lost) == 5
    call_command("run_outbox", "--once")  # tried again: found, not made again
    strict_fhir_server.lose_answer = None

    devices = [
        d
        for d in strict_fhir_server.devices()
        if any(i.get("system") == CLIENT_ID_SYSTEM for i in d.get("identifier", []))
    ]
    assert len(devices) == 5
    assert sorted(d["identifier"][0]["value"] for d in devices) == sorted(
        str(i.client_id) for i in instances
    )
    assert len(_portal_requests(strict_fhir_server, "POST")) == 5
    for instance in instances:
        instance.refresh_from_db()
        assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD
        assert instance.device_id in {d["id"] for d in devices}


def test_a_create_that_races_another_create_adopts_the_device_instead_of_a_second_one(
    strict_fhir_server, fhir_admin
):
    """Between the portal's search (nothing yet) and its POST, another push of the same
    instance made the Device: the conditional create answers with that one."""
    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    applicatie = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=applicatie, domein=domein)

    def the_other_push_wins(record):
        if record["method"] == "POST":
            client_id = record["headers"]["If-None-Exist"].rsplit("|", 1)[1]
            body = _device(identifier=[{"system": CLIENT_ID_SYSTEM, "value": client_id}])
            requests.post(
                f"{strict_fhir_server.inner.base_url}Device",
                json={**body, "status": "inactive"},
                headers={"Content-Type": "application/fhir+json"},
                timeout=5,
            )

    strict_fhir_server.before_forward = the_other_push_wins
    instance = accept_request(request_id=aanvraag.pk, by=fhir_admin).instantie
    strict_fhir_server.before_forward = None

    instance.refresh_from_db()
    (device,) = _by_identifier(strict_fhir_server, instance)
    assert instance.device_id == device["id"]
    assert device["status"] == "active"  # then updated to what the portal says
    assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD


def test_portal_chosen_ids_on_a_server_that_does_not_allow_them_fail_with_a_hint(
    strict_fhir_server, fhir_admin
):
    domein = make_fhir_domein(strict_fhir_server, fhir_admin, fhir_device_creation="client_id")
    instance = _accept(domein, fhir_admin)

    assert instance.fhir_status == FhirStatus.MISLUKT
    assert "HTTP 404" in instance.fhir_error
    assert "De FHIR-server kiest het id" in instance.fhir_error
    assert not _by_identifier(strict_fhir_server, instance)


def test_fhir_sync_removes_prohibited_elements_and_keeps_a_closed_instances_name(
    strict_fhir_server, fhir_admin, superuser
):
    import io

    domein = make_fhir_domein(strict_fhir_server, fhir_admin)
    altered = _accept(domein, fhir_admin)
    closed = _accept(domein, fhir_admin, naam="Oude naam")
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(instance_id=closed.pk, new_status=status, reason="x", by=fhir_admin)
    update_application(applicatie_id=closed.applicatie_id, by=superuser, naam="Nieuwe naam")
    current = strict_fhir_server.get(f"Device/{altered.device_id}").json()
    strict_fhir_server.put(
        {**current, "url": "https://elders.test", "note": [{"text": "niet van het portaal"}]}
    )

    out = io.StringIO()
    with pytest.raises(Exception) as excinfo:
        call_command("fhir_sync", "--check", "--domein", domein.naam, stdout=out)
    assert excinfo.value.returncode == 2
    report = out.getvalue()
    assert "Device.url is prohibited" in report and "Device.note is prohibited" in report
    assert f"Device/{closed.device_id}" not in report  # a closed instance's old name is no drift
    assert "2 gecontroleerd, 1 in orde, 1 afwijkend" in report

    out = io.StringIO()
    call_command("fhir_sync", "--domein", domein.naam, stdout=out)
    assert "1 afwijkend, 1 hersteld, 0 fout" in out.getvalue()
    (device,) = _by_identifier(strict_fhir_server, altered)
    assert "url" not in device and "note" not in device
    assert device["extension"] == ORIGIN
    (closed_device,) = _by_identifier(strict_fhir_server, closed)
    assert closed_device["deviceName"][0]["name"] == "Oude naam"
    assert closed_device["status"] == "inactive"
    assert Applicatieinstantie.objects.get(pk=altered.pk).fhir_status == (
        FhirStatus.GESYNCHRONISEERD
    )
