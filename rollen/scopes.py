"""SMART on FHIR v2 scopes from a role's permissions: one pure function, no database.

    system/<Type>.<letters>                                    scope ALL
    system/<Type>.<letters>?resource-origin=Device/<own id>    scope OWN
    system/<Type>.<letters>?resource-origin=Device/a,Device/b  scope GRANTED

Letters follow SMART v2 order c r u d s; read implies search (`s`). An operation already
granted with ALL is left out of the narrower OWN/GRANTED scopes of the same type. A GRANTED
permission that resolves to no Device in the domain yields no scope at all: an empty
resource-origin filter could be read as "no filter", i.e. ALL.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from rollen.models import Bereik, Operatie, ResourceType

LETTERS = {
    Operatie.CREATE: "c",
    Operatie.READ: "r",
    Operatie.UPDATE: "u",
    Operatie.DELETE: "d",
}
LETTER_ORDER = "cruds"
TYPE_ORDER = {value: index for index, value in enumerate(ResourceType.values)}


@dataclass(frozen=True)
class Permission:
    """A permission as the renderer needs it; GRANTED carries the resolved Device ids."""

    resource_type: str
    operatie: str
    bereik: str
    granted_client_ids: tuple[str, ...] = field(default=())


def _letters(operations: set[str]) -> str:
    letters = {LETTERS[op] for op in operations}
    if Operatie.READ in operations:
        letters.add("s")
    return "".join(letter for letter in LETTER_ORDER if letter in letters)


def _origin(client_ids: Iterable[str]) -> str:
    return ",".join(f"Device/{cid}" for cid in client_ids)


def render_scopes(permissions: Iterable[Permission], *, client_id: str) -> list[str]:
    """Render permissions of the instance with `client_id` as a sorted list of scope strings."""
    own_id = str(client_id)
    all_ops: dict[str, set[str]] = {}
    own_ops: dict[str, set[str]] = {}
    granted: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for perm in permissions:
        if perm.bereik == Bereik.ALL:
            all_ops.setdefault(perm.resource_type, set()).add(perm.operatie)
        elif perm.bereik == Bereik.OWN:
            own_ops.setdefault(perm.resource_type, set()).add(perm.operatie)
        elif perm.bereik == Bereik.GRANTED:
            devices = tuple(sorted({str(c) for c in perm.granted_client_ids} - {own_id}))
            if devices:
                granted.setdefault((perm.resource_type, devices), set()).add(perm.operatie)
        else:
            raise ValueError(f"unknown scope {perm.bereik!r}")

    scopes: list[tuple[int, int, str]] = []
    for rtype, ops in all_ops.items():
        scopes.append((TYPE_ORDER[rtype], 0, f"system/{rtype}.{_letters(ops)}"))
    for rtype, ops in own_ops.items():
        ops = ops - all_ops.get(rtype, set())
        if ops:
            scopes.append(
                (
                    TYPE_ORDER[rtype],
                    1,
                    f"system/{rtype}.{_letters(ops)}?resource-origin={_origin([own_id])}",
                )
            )
    for (rtype, devices), ops in granted.items():
        ops = ops - all_ops.get(rtype, set())
        if ops:
            scopes.append(
                (
                    TYPE_ORDER[rtype],
                    2,
                    f"system/{rtype}.{_letters(ops)}?resource-origin={_origin(devices)}",
                )
            )
    return [scope for *_key, scope in sorted(scopes)]
