"""Writes for the outbox: queue a delivery, claim and deliver due ones, retry a failed one.

Queueing inserts the row in the caller's transaction, so a rolled-back change sends nothing.
After commit the committing process tries the row at once (OUTBOX_SEND_ON_COMMIT); whatever
fails there is left for `manage.py run_outbox`, which retries with exponential backoff up to
OUTBOX_MAX_ATTEMPTS and then marks the row failed and calls the kind's give-up hook, if it
registered one (see registry.py), so a caller can retract a "will be retried" it showed.

Claiming: a worker moves due rows to `bezig` (attempts + 1, claim until now +
OUTBOX_CLAIM_TIMEOUT_SECONDS) in a short transaction that selects them with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL. Each row is then moved by a conditional
UPDATE (`WHERE status is still due`), which is also the whole guard on SQLite (there the
IMMEDIATE transaction serialises writers). The outcome is written with the attempt number as a
fence, so a worker whose claim ran out cannot overwrite a newer claim. Delivery is therefore
at-least-once only when a worker dies between sending and recording; never twice otherwise.
"""

import logging
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from beheer.errors import ServiceError
from beheer.outbox.email import KIND as EMAIL_KIND
from beheer.outbox.email import REDACTED, clean_recipient, render_email
from beheer.outbox.errors import PermanentError, RetryableError
from beheer.outbox.models import Delivery, DeliveryStatus
from beheer.outbox.registry import get_give_up, get_handler

logger = logging.getLogger(__name__)

MAX_ERROR = 2000


# --- queueing -----------------------------------------------------------------------------


def queue_delivery(
    *,
    kind: str,
    payload: dict,
    recipient: str = "",
    subject: str = "",
    dedupe_key: str | None = None,
    try_now: bool = True,
) -> Delivery:
    """Insert a delivery in the current transaction and try it right after commit.

    With `dedupe_key`, a second call with the same key returns the first row unchanged.
    With `try_now=False` only the worker delivers it.
    """
    try:
        with transaction.atomic():  # savepoint: a duplicate key leaves the caller's work intact
            delivery = Delivery.objects.create(
                kind=kind,
                payload=payload,
                recipient=recipient[:500],
                subject=subject[:500],
                dedupe_key=dedupe_key or None,
            )
    except IntegrityError:
        if dedupe_key:
            existing = Delivery.objects.filter(dedupe_key=dedupe_key).first()
            if existing is not None:
                return existing
        raise
    if try_now:
        _try_after_commit(delivery.pk)
    return delivery


def queue_email(
    *,
    to: str,
    template: str,
    context: dict,
    dedupe_key: str | None = None,
    sensitive: bool = False,
) -> Delivery:
    """Render `emails/<template>*` now and queue one message to one address.

    `sensitive=True` (a password link): the body is removed from the row once it is sent.
    """
    address = clean_recipient(to)
    rendered = render_email(template, context)
    payload = {"to": address, "template": template, **rendered}
    if sensitive:
        payload["sensitive"] = True
    return queue_delivery(
        kind=EMAIL_KIND,
        payload=payload,
        recipient=address,
        subject=rendered["subject"],
        dedupe_key=dedupe_key,
    )


def mail_recipients(users) -> list:
    """The users who can receive mail: active, with an address; each address once."""
    seen, result = set(), []
    for user in users:
        address = (user.email or "").strip()
        if not user.is_active or not address or address.lower() in seen:
            continue
        try:
            clean_recipient(address)
        except ValueError:
            logger.warning("Skipping user %s: unusable e-mail address", user.pk)
            continue
        seen.add(address.lower())
        result.append(user)
    return result


def queue_email_to_users(*, users, template: str, context: dict) -> list[Delivery]:
    """One message per user (nobody sees another's address); `recipient` is in the context."""
    return [
        queue_email(to=user.email, template=template, context={**context, "recipient": user})
        for user in mail_recipients(users)
    ]


def _try_after_commit(delivery_id: int) -> None:
    if settings.OUTBOX_SEND_ON_COMMIT:
        transaction.on_commit(lambda: try_delivery_now(delivery_id), robust=True)


def try_delivery_now(delivery_id: int) -> None:
    """Called after commit: deliver this row if no worker has it. Never raises."""
    try:
        for delivery in _claim(Q(pk=delivery_id), limit=1):
            _deliver(delivery)
    except Exception:
        logger.exception("Outbox: immediate attempt of delivery %s failed", delivery_id)


# --- the worker -----------------------------------------------------------------------------


def _due(now) -> Q:
    return Q(status__in=[DeliveryStatus.WACHTEND, DeliveryStatus.BEZIG], next_attempt_at__lte=now)


def _claim(extra: Q, *, limit: int) -> list[Delivery]:
    now = timezone.now()
    claim_until = now + timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    claimed = []
    with transaction.atomic():
        candidates = list(
            Delivery.objects.filter(_due(now) & extra)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        for pk in candidates:
            moved = Delivery.objects.filter(_due(now), pk=pk).update(
                status=DeliveryStatus.BEZIG,
                attempts=F("attempts") + 1,
                next_attempt_at=claim_until,
            )
            if moved:
                claimed.append(pk)
    return list(Delivery.objects.filter(pk__in=claimed).order_by("next_attempt_at", "id"))


def backoff_delay(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: base * 2^(n-1), capped."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _record(delivery: Delivery, **changes) -> bool:
    """Write the outcome only if this attempt still owns the row."""
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.BEZIG, attempts=delivery.attempts
        ).update(**changes)
    )


def _deliver(delivery: Delivery) -> str:
    """Run the handler for one claimed row and record the outcome; returns the new status."""
    max_attempts = settings.OUTBOX_MAX_ATTEMPTS
    if delivery.attempts > max_attempts:
        # The previous (last allowed) attempt's worker stopped before it recorded anything.
        error = "Het verwerkende proces stopte tijdens de laatste poging."
        if _record(delivery, status=DeliveryStatus.MISLUKT, last_error=error):
            _give_up(delivery, error)
        return DeliveryStatus.MISLUKT
    handler = get_handler(delivery.kind)
    try:
        if handler is None:
            raise RetryableError(f"Geen handler voor soort {delivery.kind!r}.")
        handler(delivery)
    except Exception as exc:
        permanent = isinstance(exc, PermanentError)
        error = str(exc) if isinstance(exc, PermanentError | RetryableError) else repr(exc)
        give_up = permanent or delivery.attempts >= max_attempts
        status = DeliveryStatus.MISLUKT if give_up else DeliveryStatus.WACHTEND
        logger.warning(
            "Outbox: delivery %s (%s) attempt %s failed (%s): %s",
            delivery.pk,
            delivery.kind,
            delivery.attempts,
            status,
            error[:200],
        )
        recorded = _record(
            delivery,
            status=status,
            last_error=error[:MAX_ERROR],
            next_attempt_at=timezone.now() + backoff_delay(delivery.attempts),
        )
        if recorded and give_up:
            _give_up(delivery, error[:MAX_ERROR])
        return status
    changes = {"status": DeliveryStatus.VERZONDEN, "sent_at": timezone.now()}
    if delivery.payload.get("sensitive"):
        changes["payload"] = {**delivery.payload, "text": REDACTED, "html": REDACTED}
    _record(delivery, **changes)
    return DeliveryStatus.VERZONDEN


def _give_up(delivery: Delivery, error: str) -> None:
    """Tell the kind's give-up hook (if any) that this row is now `mislukt`. Never raises:
    the outcome is already recorded, and a broken hook must not stop the worker."""
    hook = get_give_up(delivery.kind)
    if hook is None:
        return
    delivery.status = DeliveryStatus.MISLUKT
    delivery.last_error = error
    try:
        hook(delivery)
    except Exception as exc:
        # Not logger.exception: the exception's message may quote the payload (a password
        # link in a mail). Its type and where it was raised are enough to find the bug.
        logger.error(
            "Outbox: give-up hook for delivery %s (%s) failed: %s\n%s",
            delivery.pk,
            delivery.kind,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
        )


def process_due(*, batch_size: int = 10, stop=None) -> int:
    """Deliver due rows until none is left (or `stop` is set); returns how many were tried."""
    done = 0
    while stop is None or not stop.is_set():
        batch = _claim(Q(), limit=batch_size)
        if not batch:
            break
        for delivery in batch:
            _deliver(delivery)
            done += 1
    return done


# --- support ------------------------------------------------------------------------------


@transaction.atomic
def retry_delivery(*, delivery_id: int) -> Delivery:
    """Support's "Opnieuw proberen": a failed row gets a fresh set of attempts, due now."""
    try:
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    except Delivery.DoesNotExist as exc:
        raise ServiceError("Deze bezorging bestaat niet.", code="not_found") from exc
    if delivery.status != DeliveryStatus.MISLUKT:
        raise ServiceError(
            "Alleen een mislukte bezorging kan opnieuw worden geprobeerd.", code="not_failed"
        )
    delivery.status = DeliveryStatus.WACHTEND
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    _try_after_commit(delivery.pk)
    return delivery
