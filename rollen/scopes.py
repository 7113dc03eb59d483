"""SMART on FHIR v2 scopes from a role's permissions: one pure function, no database.

    system/<Type>.<letters>                                    scope ALL
    system/<Type>.<letters>?resource-origin=Device/<own id>    scope OWN
    system/<Type>.<letters>?resource-origin=Device/a,Device/b  scope GRANTED

Letters follow SMART v2 order c r u d s; read implies search (`s`). An operation already
granted with ALL is left out of the narrower OWN/GRANTED scopes of the same type. A GRANTED
permission that resolves to no Device in the domain yields no scope at all: an empty
resource-origin filter could be read as "no filter", i.e. ALL.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from rollen.models import Bereik, Operatie, ResourceType

LETTERS = {
    Operatie.CREATE: "c",
    Operatie.READ: "r",
    Operatie.UPDATE: "u",
    Operatie.DELETE: "d",
}
LETTER_ORDER = "cruds"
TYPE_ORDER = {value: index for index, value in enumerate(ResourceType.values)}

# The letters of an operation: read also grants search.
_LETTERS = {**LETTERS, Operatie.READ: "rs"}


class Permission(NamedTuple):
    """A permission as the renderer needs it; GRANTED carries the resolved Device ids."""

    resource_type: str
    operatie: str
    bereik: str
    granted_client_ids: tuple[str, ...] = ()


def _origin(client_ids: Iterable[str]) -> str:
    return ",".join(f"Device/{cid}" for cid in client_ids)


def _in_order(letters: set[str]) -> str:
    return "".join(letter for letter in LETTER_ORDER if letter in letters)


def render_scopes(permissions: Iterable[Permission], *, client_id: str) -> list[str]:
    """Render permissions of the instance with `client_id` as a sorted list of scope strings:
    by type, then ALL, OWN, GRANTED, then text. The instance's own Device is left out of the
    GRANTED devices."""
    own_id = str(client_id)
    all_ops: dict[str, set[str]] = defaultdict(set)
    own_ops: dict[str, set[str]] = defaultdict(set)
    granted: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    for resource_type, operatie, bereik, granted_client_ids in permissions:
        letters = _LETTERS[operatie]
        if bereik == Bereik.ALL:
            all_ops[resource_type].update(letters)
        elif bereik == Bereik.OWN:
            own_ops[resource_type].update(letters)
        elif bereik == Bereik.GRANTED:
            devices = tuple(sorted({str(c) for c in granted_client_ids} - {own_id}))
            if devices:
                granted[(resource_type, devices)].update(letters)
        else:
            raise ValueError(f"unknown scope {bereik!r}")

    scopes: list[tuple[int, int, str]] = []
    for rtype, letters in all_ops.items():
        scopes.append((TYPE_ORDER[rtype], 0, f"system/{rtype}.{_in_order(letters)}"))
    for rtype, letters in own_ops.items():
        if narrower := letters - all_ops.get(rtype, set()):
            origin = f"resource-origin=Device/{own_id}"
            scopes.append((TYPE_ORDER[rtype], 1, f"system/{rtype}.{_in_order(narrower)}?{origin}"))
    for (rtype, devices), letters in granted.items():
        if narrower := letters - all_ops.get(rtype, set()):
            origin = f"resource-origin={_origin(devices)}"
            scopes.append((TYPE_ORDER[rtype], 2, f"system/{rtype}.{_in_order(narrower)}?{origin}"))
    scopes.sort()
    return [text for _type, _kind, text in scopes]
