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

# The operations of a type as bits, one per letter in LETTER_ORDER (read sets `r` and `s`), so
# that "the operations not already granted with ALL" is `mask & ~all_mask` and the letters are
# looked up: a page of 25 instances renders ~700 permissions.
_BIT = {letter: 1 << i for i, letter in enumerate(LETTER_ORDER)}
_BITS = {op: _BIT[letter] for op, letter in LETTERS.items()}
_BITS[Operatie.READ] |= _BIT["s"]
_LETTERS_OF = [
    "".join(letter for letter in LETTER_ORDER if mask & _BIT[letter])
    for mask in range(1 << len(LETTER_ORDER))
]


class Permission(NamedTuple):
    """A permission as the renderer needs it; GRANTED carries the resolved Device ids."""

    resource_type: str
    operatie: str
    bereik: str
    granted_client_ids: tuple[str, ...] = ()


def _origin(client_ids: Iterable[str]) -> str:
    return ",".join(f"Device/{cid}" for cid in client_ids)


def render_scopes(permissions: Iterable[Permission], *, client_id: str) -> list[str]:
    """Render permissions of the instance with `client_id` as a sorted list of scope strings."""
    own_id = str(client_id)
    return [
        text + own_id if ends_with_own else text
        for text, ends_with_own in _scope_parts(permissions, own_id)
    ]


class ScopeRenderer:
    """`render_scopes` for many instances with the same permissions (one role; its GRANTED
    permissions resolved in one domain): the permissions are merged and sorted once, and each
    instance only adds its own Device id to its OWN scopes. An application's instance list
    renders 25 instances of a few roles; merging every instance's ~20 permissions again cost a
    tenth of that page.

    The same result as `render_scopes(permissions, client_id=...)` for every client_id: an
    instance whose own Device is among the GRANTED devices (which must leave it out) is
    rendered in full."""

    __slots__ = ("_granted_ids", "_parts", "_permissions")

    def __init__(self, permissions: Iterable[Permission]):
        self._permissions = [
            Permission(resource_type, operatie, bereik, tuple(granted))
            for resource_type, operatie, bereik, granted in permissions
        ]
        self._granted_ids = {
            str(c)
            for p in self._permissions
            if p.bereik == Bereik.GRANTED
            for c in p.granted_client_ids
        }
        self._parts = _scope_parts(self._permissions, None)

    def __call__(self, client_id: str) -> list[str]:
        own_id = str(client_id)
        if own_id in self._granted_ids:
            return render_scopes(self._permissions, client_id=own_id)
        return [text + own_id if ends_with_own else text for text, ends_with_own in self._parts]


def _scope_parts(permissions: Iterable[Permission], own_id: str | None) -> list[tuple[str, bool]]:
    """The sorted scopes as (text, ends with the instance's own Device id): an OWN scope's text
    stops at `Device/`. `own_id` is left out of the GRANTED devices (None: nothing is).

    Sorted by type, then ALL, OWN, GRANTED, then text; a type has at most one OWN scope, so
    the own id (left out of the text) never decides the order."""
    all_ops: dict[str, int] = {}
    own_ops: dict[str, int] = {}
    granted: dict[tuple[str, tuple[str, ...]], int] = {}
    for resource_type, operatie, bereik, granted_client_ids in permissions:
        bits = _BITS[operatie]
        if bereik == Bereik.ALL:
            all_ops[resource_type] = all_ops.get(resource_type, 0) | bits
        elif bereik == Bereik.OWN:
            own_ops[resource_type] = own_ops.get(resource_type, 0) | bits
        elif bereik == Bereik.GRANTED:
            devices = tuple(sorted({str(c) for c in granted_client_ids} - {own_id}))
            if devices:
                key = (resource_type, devices)
                granted[key] = granted.get(key, 0) | bits
        else:
            raise ValueError(f"unknown scope {bereik!r}")

    scopes: list[tuple[int, int, str, bool]] = []
    for rtype, mask in all_ops.items():
        scopes.append((TYPE_ORDER[rtype], 0, f"system/{rtype}.{_LETTERS_OF[mask]}", False))
    for rtype, mask in own_ops.items():
        mask &= ~all_ops.get(rtype, 0)
        if mask:
            scopes.append(
                (
                    TYPE_ORDER[rtype],
                    1,
                    f"system/{rtype}.{_LETTERS_OF[mask]}?resource-origin=Device/",
                    True,
                )
            )
    for (rtype, devices), mask in granted.items():
        mask &= ~all_ops.get(rtype, 0)
        if mask:
            scopes.append(
                (
                    TYPE_ORDER[rtype],
                    2,
                    f"system/{rtype}.{_LETTERS_OF[mask]}?resource-origin={_origin(devices)}",
                    False,
                )
            )
    scopes.sort()
    return [(text, ends_with_own) for _type, _kind, text, ends_with_own in scopes]
