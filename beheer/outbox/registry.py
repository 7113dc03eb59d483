"""Which function delivers which kind of outbox row.

Other apps plug in without the outbox importing them: in their AppConfig.ready() they call
`register_handler("fhir_device_push", push_device)`. A handler is `func(delivery)` and either
returns (delivered) or raises `RetryableError` / `PermanentError` (see errors.py).
"""

from collections.abc import Callable

_HANDLERS: dict[str, Callable] = {}


def register_handler(kind: str, func: Callable) -> None:
    existing = _HANDLERS.get(kind)
    if existing is not None and existing is not func:
        raise RuntimeError(f"A handler for outbox kind {kind!r} is already registered")
    _HANDLERS[kind] = func


def get_handler(kind: str) -> Callable | None:
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)
