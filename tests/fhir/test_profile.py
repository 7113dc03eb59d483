"""Every Device the portal builds conforms to KT2Device, checked by reading the
StructureDefinition snapshot (beheer/fhir/profiles), not by rules retyped here."""

import copy
import uuid
from types import SimpleNamespace

import pytest

from beheer.fhir.builders import CLIENT_ID_SYSTEM, build_device, device_drift, merge_device
from beheer.fhir.profile import check_resource, load_structure_definition

SD = load_structure_definition("KT2Device")
STATUSES = ["actief", "in_onderhoud", "afgesloten"]


def _instance(status="actief", naam="Zorgportaal Plus"):
    return SimpleNamespace(
        client_id=uuid.uuid4(), status=status, applicatie=SimpleNamespace(naam=naam)
    )


def test_the_vendored_profile_is_kt2device_with_a_snapshot():
    assert SD["url"] == "http://koppeltaal.nl/fhir/StructureDefinition/KT2Device"
    assert SD["snapshot"]["element"]


@pytest.mark.parametrize("status", STATUSES)
def test_built_device_conforms_to_kt2device(status):
    assert check_resource(build_device(_instance(status)), SD) == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [("actief", "active"), ("in_onderhoud", "inactive"), ("afgesloten", "inactive")],
)
def test_instance_status_maps_to_device_status(status, expected):
    assert build_device(_instance(status))["status"] == expected


def test_device_id_and_identifier_are_the_client_id():
    instance = _instance()
    device = build_device(instance)
    assert device["id"] == str(instance.client_id)
    assert device["identifier"][0]["value"] == str(instance.client_id)


def test_portal_never_sets_the_resource_origin_extension():
    assert "extension" not in build_device(_instance())


def test_unknown_instance_status_is_refused():
    with pytest.raises(ValueError):
        build_device(_instance("verzonnen"))


# The checker itself must catch violations, or the conformance tests above prove nothing.
PROHIBITED = [
    e["path"].split(".")[1]
    for e in SD["snapshot"]["element"]
    if e.get("max") == "0" and e["path"].count(".") == 1
]


def test_the_profile_prohibits_the_elements_the_manual_lists():
    assert {"udiCarrier", "manufacturer", "serialNumber", "patient", "note", "parent"} <= set(
        PROHIBITED
    )


@pytest.mark.parametrize("element", PROHIBITED)
def test_checker_reports_each_prohibited_element(element):
    device = build_device(_instance())
    device[element] = [{"x": "y"}] if element in ("udiCarrier", "note") else "x"
    assert any("prohibited" in e for e in check_resource(device, SD))


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.pop("identifier"), "Device.identifier occurs 0 times, min 1"),
        (lambda d: d.pop("status"), "Device.status occurs 0 times, min 1"),
        (lambda d: d.pop("deviceName"), "Device.deviceName occurs 0 times, min 1"),
        (lambda d: d["deviceName"][0].pop("name"), "Device.deviceName.name occurs 0 times"),
        (lambda d: d["deviceName"][0].update(type="model-name"), "fixed value"),
        (lambda d: d["identifier"][0].update(system="urn:other"), "fixed value"),
        (lambda d: d.update(status="kapot"), "not in http://hl7.org/fhir/ValueSet/device-status"),
        (lambda d: d.update(status=["active", "inactive"]), "Device.status occurs 2 times"),
        (lambda d: d.update(bogus=1), "Device.bogus is not an element"),
    ],
)
def test_checker_reports_violations_read_from_the_profile(mutate, fragment):
    device = copy.deepcopy(build_device(_instance()))
    mutate(device)
    errors = check_resource(device, SD)
    assert any(fragment in e for e in errors), errors


def test_drift_is_empty_for_the_built_device():
    device = build_device(_instance())
    server_copy = {**device, "meta": {**device["meta"], "versionId": "3"}}
    assert device_drift(device, server_copy) == []


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.update(status="inactive"), "status"),
        (lambda d: d["deviceName"][0].update(name="Anders"), "naam"),
        (lambda d: d["identifier"][0].update(value="iets-anders"), "identifier"),
        (lambda d: d.update(identifier=[]), "afwezig"),
    ],
)
def test_drift_names_what_differs(mutate, fragment):
    device = build_device(_instance())
    altered = copy.deepcopy(device)
    mutate(altered)
    assert any(fragment in p for p in device_drift(device, altered))


def test_drift_reports_a_missing_device():
    assert device_drift(build_device(_instance()), None) == ["Device ontbreekt"]


# --- the update body (read-modify-write) -----------------------------------------------------

RESOURCE_ORIGIN = {
    "url": "http://koppeltaal.nl/fhir/StructureDefinition/resource-origin",
    "valueReference": {"reference": "Device/portaal"},
}


def _on_server(instance, **extra):
    device = build_device(instance, with_id=False)
    return {
        **device,
        "id": "42",
        "meta": {**device["meta"], "versionId": "3", "source": "https://elders.test"},
        "extension": [RESOURCE_ORIGIN],
        "owner": {"reference": "Organization/ggz"},
        **extra,
    }


def test_merge_changes_only_what_the_portal_owns():
    instance = _instance(status="in_onderhoud", naam="Nieuw")
    current = _on_server(_instance())
    body = merge_device(current, instance, source="https://beheer.test")

    assert body["id"] == "42"
    assert body["extension"] == [RESOURCE_ORIGIN]
    assert body["owner"] == {"reference": "Organization/ggz"}
    assert body["meta"]["versionId"] == "3"
    assert body["meta"]["source"] == "https://beheer.test"
    assert body["status"] == "inactive"
    assert body["deviceName"] == [{"name": "Nieuw", "type": "user-friendly-name"}]
    assert body["identifier"] == [{"system": CLIENT_ID_SYSTEM, "value": str(instance.client_id)}]
    assert check_resource(body, SD) == []


def test_merge_removes_what_the_profile_does_not_allow():
    instance = _instance()
    current = _on_server(
        instance,
        url="https://elders.test",
        note=[{"text": "x"}],
        bogus=1,
        identifier=[
            {"system": CLIENT_ID_SYSTEM, "value": "iets-anders"},
            {"system": "urn:other", "value": "y"},
        ],
    )
    body = merge_device(current, instance)
    assert not {"url", "note", "bogus"} & set(body)
    assert body["identifier"] == [{"system": CLIENT_ID_SYSTEM, "value": str(instance.client_id)}]
    assert check_resource(body, SD) == []


def test_a_closed_instance_keeps_the_name_its_device_has():
    current = _on_server(_instance(naam="Oude naam"))
    body = merge_device(current, _instance(status="afgesloten", naam="Nieuwe naam"))
    assert body["deviceName"] == [{"name": "Oude naam", "type": "user-friendly-name"}]
    assert body["status"] == "inactive"


def test_drift_includes_what_the_profile_prohibits():
    instance = _instance()
    device = build_device(instance)
    problems = device_drift(device, {**device, "url": "https://x.test"})
    assert problems == ["profiel: Device.url is prohibited (max 0) but present"]


def test_drift_ignores_the_name_when_told_to():
    device = build_device(_instance())
    renamed = copy.deepcopy(device)
    renamed["deviceName"][0]["name"] = "Oude naam"
    assert device_drift(device, renamed, check_name=False) == []
    assert device_drift(device, renamed)


def test_a_create_with_a_server_assigned_id_has_no_id():
    device = build_device(_instance(), with_id=False)
    assert "id" not in device
    assert check_resource(device, SD) == []
