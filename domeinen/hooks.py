"""Work that higher apps add to domeinen's services, without domeinen importing them.

Imports run one way (docs/architecture.md): connectieaanvragen imports domeinen, never the
reverse. Yet closing an instance must end an open change request of it, which lives in
connectieaanvragen. So connectieaanvragen registers a function here in its
`AppConfig.ready()`, and `change_instance_status` calls every registered function inside its
own transaction, right after the instance is closed: one atomic step, no signal, no upward
import. A function raising ServiceError rolls the close back.
"""

from collections.abc import Callable

_ON_CLOSE: list[Callable] = []


def register_on_close(func: Callable) -> None:
    """`func(*, instance, by, reason)` runs when `instance` has just been closed."""
    if func not in _ON_CLOSE:
        _ON_CLOSE.append(func)


def run_on_close(*, instance, by, reason: str) -> None:
    for func in list(_ON_CLOSE):
        func(instance=instance, by=by, reason=reason)
