"""SMART scope rendering: one pure function, no database."""

import random
import uuid

import pytest

from rollen.models import ResourceType
from rollen.scopes import Permission, render_scopes

ME = "11111111-1111-1111-1111-111111111111"
A = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
B = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"


def P(rtype, op, scope, granted=()):
    return Permission(rtype, op, scope, tuple(granted))


def test_all_with_every_operation_renders_cruds():
    perms = [P("Patient", op, "ALL") for op in ("delete", "update", "read", "create")]
    assert render_scopes(perms, client_id=ME) == ["system/Patient.cruds"]


def test_read_implies_search():
    assert render_scopes([P("Task", "read", "ALL")], client_id=ME) == ["system/Task.rs"]


def test_letters_follow_smart_v2_order():
    perms = [P("Task", "delete", "ALL"), P("Task", "create", "ALL")]
    assert render_scopes(perms, client_id=ME) == ["system/Task.cd"]


def test_own_filters_on_the_instances_own_device():
    perms = [P("Task", op, "OWN") for op in ("create", "read", "update", "delete")]
    assert render_scopes(perms, client_id=ME) == [f"system/Task.cruds?resource-origin=Device/{ME}"]


def test_granted_lists_the_granted_devices_comma_separated():
    perms = [P("Task", "read", "GRANTED", [B, A])]
    assert render_scopes(perms, client_id=ME) == [
        f"system/Task.rs?resource-origin=Device/{A},Device/{B}"
    ]


def test_granted_without_any_device_in_the_domain_gives_no_scope():
    # An empty resource-origin filter must never appear: it could be read as "everything".
    assert render_scopes([P("Task", "read", "GRANTED", [])], client_id=ME) == []


def test_granted_never_lists_the_instance_itself():
    perms = [P("Task", "update", "GRANTED", [ME, A])]
    assert render_scopes(perms, client_id=ME) == [f"system/Task.u?resource-origin=Device/{A}"]


def test_combination_of_all_own_and_granted_per_type():
    perms = [
        P("Task", "read", "ALL"),
        P("Task", "create", "OWN"),
        P("Task", "update", "OWN"),
        P("Task", "delete", "GRANTED", [A]),
        P("Patient", "read", "ALL"),
        P("Device", "read", "ALL"),
    ]
    assert render_scopes(perms, client_id=ME) == [
        "system/Device.rs",
        "system/Patient.rs",
        "system/Task.rs",
        f"system/Task.cu?resource-origin=Device/{ME}",
        f"system/Task.d?resource-origin=Device/{A}",
    ]


def test_operations_already_granted_with_all_are_left_out_of_narrower_scopes():
    perms = [
        P("Task", "read", "ALL"),
        P("Task", "read", "OWN"),
        P("Task", "read", "GRANTED", [A]),
        P("Task", "update", "OWN"),
    ]
    assert render_scopes(perms, client_id=ME) == [
        "system/Task.rs",
        f"system/Task.u?resource-origin=Device/{ME}",
    ]


def test_granted_permissions_with_different_device_sets_stay_apart():
    perms = [P("Task", "read", "GRANTED", [A]), P("Task", "update", "GRANTED", [A, B])]
    assert render_scopes(perms, client_id=ME) == [
        f"system/Task.rs?resource-origin=Device/{A}",
        f"system/Task.u?resource-origin=Device/{A},Device/{B}",
    ]


def test_no_permissions_no_scopes():
    assert render_scopes([], client_id=ME) == []


def test_unknown_scope_is_a_programming_error():
    with pytest.raises(ValueError):
        render_scopes([P("Task", "read", "SOME")], client_id=ME)


def _reference_scopes(permissions, *, client_id):
    """The renderer as first written (sets of operations per type): the rules, spelled out."""
    letters_of = {"create": "c", "read": "r", "update": "u", "delete": "d"}

    def letters(ops):
        found = {letters_of[op] for op in ops} | ({"s"} if "read" in ops else set())
        return "".join(x for x in "cruds" if x in found)

    all_ops, own_ops, granted = {}, {}, {}
    for p in permissions:
        if p.bereik == "ALL":
            all_ops.setdefault(p.resource_type, set()).add(p.operatie)
        elif p.bereik == "OWN":
            own_ops.setdefault(p.resource_type, set()).add(p.operatie)
        else:
            devices = tuple(sorted(set(p.granted_client_ids) - {client_id}))
            if devices:
                granted.setdefault((p.resource_type, devices), set()).add(p.operatie)
    order = {t: i for i, t in enumerate(ResourceType.values)}
    scopes = [(order[t], 0, f"system/{t}.{letters(ops)}") for t, ops in all_ops.items()]
    for t, ops in own_ops.items():
        if ops := ops - all_ops.get(t, set()):
            scopes.append((order[t], 1, f"system/{t}.{letters(ops)}?resource-origin=Device/{ME}"))
    for (t, devices), ops in granted.items():
        if ops := ops - all_ops.get(t, set()):
            origin = ",".join(f"Device/{d}" for d in devices)
            scopes.append((order[t], 2, f"system/{t}.{letters(ops)}?resource-origin={origin}"))
    return [scope for *_key, scope in sorted(scopes)]


def _random_roles(count: int):
    """`count` random roles: types, operations, scopes, granted devices incl. the instance ME."""
    rng = random.Random(20261129)
    types = ResourceType.values[:5]
    for _ in range(count):
        yield [
            P(
                rng.choice(types),
                rng.choice(["create", "read", "update", "delete"]),
                rng.choice(["ALL", "OWN", "GRANTED"]),
                rng.sample([ME, A, B], rng.randint(0, 3)),
            )
            for _ in range(rng.randint(0, 12))
        ]


def test_every_combination_renders_as_the_rules_say():
    """Random roles against the rules written out with sets."""
    for perms in _random_roles(2000):
        assert render_scopes(perms, client_id=ME) == _reference_scopes(perms, client_id=ME)


def test_an_instance_that_is_granted_itself_is_left_out_of_its_granted_scope():
    perms = [P("Task", "read", "GRANTED", [ME, A]), P("Task", "update", "OWN")]
    assert render_scopes(perms, client_id=ME) == [
        f"system/Task.u?resource-origin=Device/{ME}",
        f"system/Task.rs?resource-origin=Device/{A}",
    ]
    assert render_scopes(perms, client_id=B) == [
        f"system/Task.u?resource-origin=Device/{B}",
        f"system/Task.rs?resource-origin=Device/{ME},Device/{A}",
    ]
    # A client_id as the model gives it (a UUID).
    assert render_scopes(perms, client_id=uuid.UUID(A)) == render_scopes(perms, client_id=A)
