"""Stand-in for the durable outbox until it is merged: same shape, no durability.

`queue_delivery(kind=..., payload=...)` must be called inside the deciding transaction; the
handler registered for `kind` runs after commit, outside that transaction, and whatever it
raises is logged, never propagated: a FHIR server that is down cannot block or undo a decision.
What failed stays visible on the instance (fhir_status) and is retried by `manage.py fhir_sync`.

MERGE NOTE: the outbox branch provides `beheer.outbox` with `register_handler(kind, func)` and
`queue_delivery(kind=..., payload=...)` (a row in the same transaction, an attempt on commit,
`run_outbox` retrying with backoff). At merge, replace the two functions below by re-exports
of those, or change the two call sites (domeinen/apps.py, domeinen/devices.py).
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)
_handlers: dict[str, Callable[[dict], object]] = {}


def register_handler(kind: str, func: Callable[[dict], object]) -> None:
    _handlers[kind] = func


def _run(kind: str, payload: dict) -> None:
    from beheer.fhir.client import FhirError

    try:
        _handlers[kind](payload)
    except FhirError as exc:  # recorded on the instance by the handler
        log.warning("Delivery %s %s failed after commit: %s", kind, payload, exc.message)
    except Exception:
        log.exception("Delivery %s %s failed after commit", kind, payload)


def queue_delivery(*, kind: str, payload: dict) -> None:
    if kind not in _handlers:
        raise LookupError(f"no handler registered for delivery kind {kind!r}")
    if settings.KT_FHIR_PUSH_AFTER_COMMIT:
        transaction.on_commit(lambda: _run(kind, payload))
