"""Pure builders: portal objects -> KT2 FHIR resources (dicts). No I/O, no database.

Tested without a network against the KT2Device StructureDefinition (tests/fhir/test_profile.py).

Two shapes of write (docs/fhir.md):
- `build_device(instance)`: the whole Device the portal would create.
- `merge_device(current, instance)`: the read-modify-write body of an update: the Device as the
  server has it, with only the elements the portal owns replaced (the client-id identifier,
  status, deviceName, meta.profile, meta.source) and what the profile does not allow removed;
  everything else the server keeps (the resource-origin extension, meta, owner, type, ...)
  goes back unchanged.
"""

import copy
from functools import cache

from beheer.fhir.profile import check_resource, load_structure_definition

KT2_DEVICE_PROFILE = "http://koppeltaal.nl/fhir/StructureDefinition/KT2Device"
CLIENT_ID_SYSTEM = "http://vzvz.nl/fhir/NamingSystem/koppeltaal-client-id"
RESOURCE_ORIGIN_URL = "http://koppeltaal.nl/fhir/StructureDefinition/resource-origin"
USER_FRIENDLY_NAME = "user-friendly-name"

# Applicatieinstantie status -> Device.status. Only an active instance may act in the domain;
# in onderhoud and afgesloten both make the Device inactive (afgesloten is final in the portal).
DEVICE_STATUS = {
    "actief": "active",
    "in_onderhoud": "inactive",
    "afgesloten": "inactive",
}


def device_status(instance_status: str) -> str:
    try:
        return DEVICE_STATUS[instance_status]
    except KeyError as exc:
        raise ValueError(f"unknown instance status {instance_status!r}") from exc


def client_id_identifier(instance) -> dict:
    return {"system": CLIENT_ID_SYSTEM, "value": str(instance.client_id)}


def if_none_exist(instance) -> str:
    """The conditional-create criterion: the Device whose client-id identifier is ours."""
    return f"identifier={CLIENT_ID_SYSTEM}|{instance.client_id}"


def _names(device: dict | None) -> list[str]:
    return [
        n.get("name")
        for n in (device or {}).get("deviceName", [])
        if isinstance(n, dict) and n.get("type") == USER_FRIENDLY_NAME and n.get("name")
    ]


def device_name(instance, current: dict | None = None) -> str:
    """The name the Device should carry: the application's name; a closed instance keeps the
    name its Device has (a later rename of the application does not reach it)."""
    if instance.status == "afgesloten":
        kept = _names(current)
        if kept:
            return kept[0]
    return instance.applicatie.naam


def _meta(meta: dict | None, source: str) -> dict:
    meta = dict(meta or {})
    meta["profile"] = [KT2_DEVICE_PROFILE]
    if source:
        meta["source"] = source
    return meta


def build_device(instance, *, source: str = "", with_id: bool = True) -> dict:
    """The KT2Device for an Applicatieinstantie, written only by the portal.

    Needs `instance.client_id`, `instance.status` and `instance.applicatie.naam`; the id is the
    instance's Device id (`device_id`, else the client_id); `with_id=False` for a create where
    the server assigns the id. The resource-origin extension is set by the FHIR server, never
    here.
    """
    device = {"resourceType": "Device"}
    if with_id:
        device["id"] = getattr(instance, "device_id", "") or str(instance.client_id)
    device.update(
        {
            "meta": _meta(None, source),
            "identifier": [client_id_identifier(instance)],
            "status": device_status(instance.status),
            "deviceName": [{"name": device_name(instance), "type": USER_FRIENDLY_NAME}],
        }
    )
    return device


@cache
def _not_allowed_top_level() -> frozenset[str]:
    """Top-level Device elements the profile prohibits (max 0)."""
    sd = load_structure_definition("KT2Device")
    return frozenset(
        e["path"].split(".")[1]
        for e in sd["snapshot"]["element"]
        if e["path"].count(".") == 1 and ":" not in e["id"] and e.get("max") == "0"
    )


@cache
def _known_top_level() -> frozenset[str]:
    sd = load_structure_definition("KT2Device")
    return frozenset(
        e["path"].split(".")[1].removesuffix("[x]")
        for e in sd["snapshot"]["element"]
        if e["path"].count(".") == 1
    )


def merge_device(current: dict, instance, *, source: str = "") -> dict:
    """The update body: `current` (as read from the server) with the portal's elements set.

    Kept as the server has them: id, meta (but profile and source), extensions (the
    resource-origin the server stored, exactly), owner, type, text and the other elements the
    profile allows. Removed: elements the profile prohibits (max 0) or does not know, and
    identifiers/deviceNames the profile's fixed values do not allow (another identifier
    system, another name type).
    """
    body = copy.deepcopy(current)
    for name in list(body):
        if name == "resourceType":
            continue
        if name in _not_allowed_top_level() or name not in _known_top_level():
            del body[name]
    body["meta"] = _meta(current.get("meta"), source)
    body["identifier"] = [client_id_identifier(instance)]
    body["status"] = device_status(instance.status)
    body["deviceName"] = [{"name": device_name(instance, current), "type": USER_FRIENDLY_NAME}]
    return body


def device_drift(expected: dict, actual: dict | None, *, check_name: bool = True) -> list[str]:
    """What is wrong with the Device on the server: what differs from the Device the portal
    would write (the elements it owns), and what the KT2Device profile does not allow.

    Returns short descriptions (empty list: in order). meta.versionId/lastUpdated and the
    server's resource-origin are not compared. `check_name=False` for a closed instance,
    whose Device keeps the name it had when it was closed.
    """
    if actual is None:
        return ["Device ontbreekt"]
    problems = []
    if actual.get("resourceType") != "Device" or (
        expected.get("id") and actual.get("id") != expected["id"]
    ):
        problems.append("verkeerd resourcetype of id")
    ours = expected["identifier"][0]
    theirs = [i for i in actual.get("identifier", []) if i.get("system") == ours["system"]]
    if [i.get("value") for i in theirs] != [ours["value"]]:
        problems.append(
            f"identifier {ours['system']} is "
            f"{', '.join(str(i.get('value')) for i in theirs) or 'afwezig'}, "
            f"verwacht {ours['value']}"
        )
    if actual.get("status") != expected["status"]:
        problems.append(f"status is {actual.get('status')!r}, verwacht {expected['status']!r}")
    if check_name:
        expected_names = [n["name"] for n in expected["deviceName"]]
        actual_names = [
            n.get("name")
            for n in actual.get("deviceName", [])
            if n.get("type") == USER_FRIENDLY_NAME
        ]
        if actual_names != expected_names:
            problems.append(f"naam is {actual_names!r}, verwacht {expected_names!r}")
    if KT2_DEVICE_PROFILE not in (actual.get("meta") or {}).get("profile", []):
        problems.append("meta.profile KT2Device ontbreekt")
    problems.extend(
        f"profiel: {violation}"
        for violation in check_resource(actual, load_structure_definition("KT2Device"))
    )
    return problems
