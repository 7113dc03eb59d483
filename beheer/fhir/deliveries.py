"""FHIR pushes leave through the durable outbox (`beheer.outbox`).

`queue_delivery(kind=..., payload=...)` is called inside the deciding transaction: the outbox row
commits with the decision, is tried right after commit (when KT_FHIR_PUSH_AFTER_COMMIT) and is
retried by `manage.py run_outbox` with backoff. A FHIR server that is down never blocks or undoes
a decision. The handlers translate the FHIR client's errors into the outbox's: a retryable one
(down, timeout, 5xx, 429) is tried again later; a permanent one (a 4xx with an OperationOutcome)
is recorded with the server's message and not retried blindly.
"""

from collections.abc import Callable

from django.conf import settings

from beheer.fhir.client import PermanentFhirError, RetryableFhirError
from beheer.outbox import registry
from beheer.outbox.errors import PermanentError, RetryableError
from beheer.outbox.services import queue_delivery as _queue_delivery


def register_handler(
    kind: str,
    func: Callable[..., object],
    *,
    on_give_up: Callable[..., object] | None = None,
) -> None:
    """Register `func(**payload)` as the outbox handler for `kind`, and optionally
    `on_give_up(delivery_id=..., **payload)`, called once when the outbox marks the delivery
    failed (see beheer.outbox.registry). The delivery's error is not passed: for an unexpected
    exception it is a repr meant for support, not for the portal."""

    def handle(delivery):
        try:
            func(**delivery.payload)
        except PermanentFhirError as exc:
            raise PermanentError(exc.message) from exc
        except RetryableFhirError as exc:
            raise RetryableError(exc.message) from exc

    def give_up(delivery):
        on_give_up(delivery_id=delivery.pk, **delivery.payload)

    registry.register_handler(kind, handle, on_give_up=give_up if on_give_up else None)


def queue_delivery(*, kind: str, payload: dict, recipient: str = ""):
    return _queue_delivery(
        kind=kind,
        payload=payload,
        recipient=recipient,
        try_now=settings.KT_FHIR_PUSH_AFTER_COMMIT,
    )
