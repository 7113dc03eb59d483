"""Which function delivers which kind of outbox row.

Other apps plug in without the outbox importing them: in their AppConfig.ready() they call
`register_handler("fhir_device_push", push_device)`. A handler is `func(delivery)` and either
returns (delivered) or raises `RetryableError` / `PermanentError` (see errors.py).

`on_give_up`, optional, is `func(delivery)` and is called once when the outbox marks a row of
that kind `mislukt`: out of attempts, a permanent error, or the worker stopped during the last
allowed attempt. `delivery.last_error` then holds the recorded error. It lets the caller retract
a "will be retried" promise it made (e.g. an instance shown as pending). It runs after the
outcome is recorded and outside any transaction; it must be idempotent, because support's
"Opnieuw proberen" can make the same row fail again. What it raises is logged, never propagated.
"""

from collections.abc import Callable

_HANDLERS: dict[str, Callable] = {}
_GIVE_UP: dict[str, Callable] = {}


def register_handler(kind: str, func: Callable, *, on_give_up: Callable | None = None) -> None:
    existing = _HANDLERS.get(kind)
    if existing is not None and existing is not func:
        raise RuntimeError(f"A handler for outbox kind {kind!r} is already registered")
    _HANDLERS[kind] = func
    if on_give_up is not None:
        _GIVE_UP[kind] = on_give_up


def get_handler(kind: str) -> Callable | None:
    return _HANDLERS.get(kind)


def get_give_up(kind: str) -> Callable | None:
    return _GIVE_UP.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)
