"""Pure builders: portal objects -> KT2 FHIR resources (dicts). No I/O, no database.

Tested without a network against the KT2Device StructureDefinition (tests/fhir/test_profile.py).
"""

KT2_DEVICE_PROFILE = "http://koppeltaal.nl/fhir/StructureDefinition/KT2Device"
CLIENT_ID_SYSTEM = "http://vzvz.nl/fhir/NamingSystem/koppeltaal-client-id"
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


def build_device(instance) -> dict:
    """The KT2Device for an Applicatieinstantie: Device/<client_id>, written only by the portal.

    Needs `instance.client_id`, `instance.status` and `instance.applicatie.naam`. The
    resource-origin extension is set by the FHIR server, never here.
    """
    client_id = str(instance.client_id)
    return {
        "resourceType": "Device",
        "id": client_id,
        "meta": {"profile": [KT2_DEVICE_PROFILE]},
        "identifier": [{"system": CLIENT_ID_SYSTEM, "value": client_id}],
        "status": device_status(instance.status),
        "deviceName": [{"name": instance.applicatie.naam, "type": USER_FRIENDLY_NAME}],
    }


def device_drift(expected: dict, actual: dict | None) -> list[str]:
    """What differs between the Device the portal would write and the one on the server.

    Returns short Dutch descriptions (empty list: in sync). Only the elements the portal owns
    are compared; meta.versionId/lastUpdated and the server's resource-origin are ignored.
    """
    if actual is None:
        return ["Device ontbreekt"]
    problems = []
    if actual.get("resourceType") != "Device" or actual.get("id") != expected["id"]:
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
    expected_names = [n["name"] for n in expected["deviceName"]]
    actual_names = [
        n.get("name") for n in actual.get("deviceName", []) if n.get("type") == USER_FRIENDLY_NAME
    ]
    if actual_names != expected_names:
        problems.append(f"naam is {actual_names!r}, verwacht {expected_names!r}")
    if KT2_DEVICE_PROFILE not in (actual.get("meta") or {}).get("profile", []):
        problems.append("meta.profile KT2Device ontbreekt")
    return problems
