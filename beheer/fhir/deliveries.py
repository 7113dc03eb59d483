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


def register_handler(kind: str, func: Callable[..., object]) -> None:
    """Register `func(**payload)` as the outbox handler for `kind`."""

    def handle(delivery):
        try:
            func(**delivery.payload)
        except PermanentFhirError as exc:
            raise PermanentError(exc.message) from exc
        except RetryableFhirError as exc:
            raise RetryableError(exc.message) from exc

    registry.register_handler(kind, handle)


def queue_delivery(*, kind: str, payload: dict, recipient: str = ""):
    return _queue_delivery(
        kind=kind,
        payload=payload,
        recipient=recipient,
        try_now=settings.KT_FHIR_PUSH_AFTER_COMMIT,
    )
