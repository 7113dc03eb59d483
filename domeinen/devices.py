"""The KT2Device of each Applicatieinstantie on its domain's FHIR server.

Decisions (accept, status change, rename) call `queue_device_push(instance)` inside their
transaction: it marks the instance `wachtend` and queues a delivery. The push itself,
`push_device(instance_id=...)`, runs after commit, outside any decision: it reads the instance
as it is now, PUTs Device/<client_id>, and records the outcome on the instance in a short
write of its own. A FHIR server that is down, slow or refusing therefore never blocks or undoes
a decision; what is not in sync stays visible (fhir_status, fhir_error) and is repaired by the
retry path (`run_outbox`, support's "Opnieuw synchroniseren", `manage.py fhir_sync`). When the
outbox gives a push up, `give_up_device_push` turns `wachtend` into `mislukt`, so the portal
stops promising a retry that will not come.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from beheer.errors import ServiceError
from beheer.fhir import DEVICE_PUSH
from beheer.fhir.auth import client_for_domain
from beheer.fhir.builders import build_device, device_drift
from beheer.fhir.client import FhirError
from beheer.fhir.deliveries import queue_delivery
from beheer.outbox.models import Delivery, DeliveryStatus
from domeinen.models import Applicatieinstantie, FhirStatus, InstantieStatus

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
# A push reads the instance, PUTs, and re-reads it; if a decision changed it meanwhile (two
# pushes racing), it pushes again so the server ends with the latest state.
MAX_CATCH_UP = 3
# Shown when the outbox gave a push up before any attempt recorded a FHIR error.
GIVEN_UP_MESSAGE = "De verzending is na herhaalde pogingen opgegeven."


def queue_device_push(instance: Applicatieinstantie) -> None:
    """Call inside the deciding transaction: mark pending and queue the push in the outbox."""
    Applicatieinstantie.objects.filter(pk=instance.pk).update(fhir_status=FhirStatus.WACHTEND)
    instance.fhir_status = FhirStatus.WACHTEND
    queue_delivery(
        kind=DEVICE_PUSH,
        payload={"instance_id": instance.pk},
        recipient=f"Device/{instance.client_id}",
    )


def _state(instance: Applicatieinstantie) -> tuple:
    return (instance.status, instance.applicatie.naam)


def _load(instance_id: int) -> Applicatieinstantie:
    return Applicatieinstantie.objects.select_related("applicatie", "domein").get(pk=instance_id)


def _record(instance_id: int, **fields) -> None:
    # A short write of its own (autocommit): the push never holds a lock across the HTTP call.
    Applicatieinstantie.objects.filter(pk=instance_id).update(**fields)


def push_device(*, instance_id: int) -> dict:
    """PUT the instance's Device and record the result. Returns the stored Device.

    Raises the FhirError (RetryableFhirError / PermanentFhirError) after recording it, so a
    delivery worker can decide to retry. Must not run inside an atomic block.
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("push_device must run outside the deciding transaction")
    instance = _load(instance_id)
    for _attempt in range(MAX_CATCH_UP):
        pushed_state = _state(instance)
        try:
            stored = client_for_domain(instance.domein).put(build_device(instance))
        except FhirError as exc:
            message = exc.message
            if getattr(exc, "retry_after", None):
                message += f" (de server vraagt over {int(exc.retry_after)} s opnieuw te proberen)"
            _record(
                instance_id,
                fhir_status=FhirStatus.WACHTEND if exc.retryable else FhirStatus.MISLUKT,
                fhir_error=message[:MAX_ERROR_LENGTH],
            )
            log.warning("Device push for instance %s failed: %s", instance_id, exc.message)
            raise
        instance = _load(instance_id)
        if _state(instance) == pushed_state:
            break
    version = str((stored.get("meta") or {}).get("versionId", ""))[:64]
    _record(
        instance_id,
        fhir_status=FhirStatus.GESYNCHRONISEERD,
        fhir_version=version,
        fhir_error="",
        fhir_synced_at=timezone.now(),
    )
    return stored


def give_up_device_push(*, delivery_id: int, instance_id: int) -> bool:
    """Give-up hook for DEVICE_PUSH (see domeinen.apps): the outbox marked this push failed.

    Sets the instance `mislukt`, keeping the FHIR error the last attempt recorded, but only
    while it is still `wachtend` for this push: not when a push succeeded meanwhile
    (`gesynchroniseerd`), and not while another push for it is queued or running (support's
    "Opnieuw synchroniseren", a newer decision); that push records its own outcome. The
    instance row is locked while checking, so a decision queueing a push cannot slip between
    the check and the write. Idempotent; returns whether it changed the instance.
    """
    with transaction.atomic():
        instance = (
            Applicatieinstantie.objects.select_for_update()
            .filter(pk=instance_id, fhir_status=FhirStatus.WACHTEND)
            .only("pk", "fhir_error")
            .first()
        )
        if instance is None:
            return False
        # This delivery is recorded `mislukt` before the hook runs; if support has put it back
        # in the queue meanwhile ("Opnieuw proberen"), it counts as pending like any other.
        push_pending = Delivery.objects.filter(
            kind=DEVICE_PUSH,
            status__in=[DeliveryStatus.WACHTEND, DeliveryStatus.BEZIG],
            payload__instance_id=instance_id,
        ).exists()
        if push_pending:
            return False
        _record(
            instance_id,
            fhir_status=FhirStatus.MISLUKT,
            fhir_error=(instance.fhir_error or GIVEN_UP_MESSAGE)[:MAX_ERROR_LENGTH],
        )
    log.warning("Device push for instance %s given up (delivery %s)", instance_id, delivery_id)
    return True


def push_application_devices(*, applicatie_id: int) -> None:
    """Handler for APPLICATION_DEVICES_PUSH, queued by applicaties.services.update_application
    when an application is renamed: mark its open instances pending and queue a push for
    each, so each Device is retried on its own. A closed instance keeps its Device as it was."""
    with transaction.atomic():
        instances = Applicatieinstantie.objects.filter(applicatie_id=applicatie_id).exclude(
            status=InstantieStatus.AFGESLOTEN
        )
        for instance in instances:
            queue_device_push(instance)


@transaction.atomic
def request_device_sync(*, instance_ids, by) -> int:
    """Support's "Opnieuw synchroniseren": queue a fresh push for these instances."""
    if not (by.is_authenticated and by.is_active and by.is_support):
        raise ServiceError("Alleen support kan opnieuw synchroniseren.", code="not_support")
    count = 0
    for instance in Applicatieinstantie.objects.select_for_update().filter(pk__in=instance_ids):
        queue_device_push(instance)
        count += 1
    return count


@dataclass
class SyncReport:
    checked: int = 0
    in_sync: int = 0
    drifted: list[tuple[Applicatieinstantie, list[str]]] = field(default_factory=list)
    repaired: list[Applicatieinstantie] = field(default_factory=list)
    failed: list[tuple[Applicatieinstantie, str]] = field(default_factory=list)


def compare_device(instance: Applicatieinstantie) -> tuple[list[str], dict | None]:
    """What differs between the instance and its Device on the server (empty: in sync),
    and the Device as the server has it (None when missing)."""
    actual = client_for_domain(instance.domein).read("Device", str(instance.client_id))
    return device_drift(build_device(instance), actual), actual


def sync_devices(*, domein_naam: str | None = None, repair: bool = True) -> SyncReport:
    """Compare every instance with its Device; repair drift unless `repair` is False.

    Also the retry path for pushes that failed while a FHIR server was down.
    """
    report = SyncReport()
    qs = Applicatieinstantie.objects.select_related("applicatie", "domein").order_by("pk")
    if domein_naam:
        qs = qs.filter(domein__naam=domein_naam)
    for instance in qs.iterator(chunk_size=200):
        report.checked += 1
        try:
            problems, actual = compare_device(instance)
        except FhirError as exc:
            report.failed.append((instance, exc.message))
            continue
        if not problems:
            report.in_sync += 1
            if repair and instance.fhir_status != FhirStatus.GESYNCHRONISEERD:
                # In sync on the server but not recorded (e.g. the push's answer was lost).
                _record(
                    instance.pk,
                    fhir_status=FhirStatus.GESYNCHRONISEERD,
                    fhir_version=str((actual.get("meta") or {}).get("versionId", ""))[:64],
                    fhir_error="",
                    fhir_synced_at=timezone.now(),
                )
            continue
        report.drifted.append((instance, problems))
        if repair:
            _try_push(instance, report)
    return report


def _try_push(instance, report: SyncReport) -> None:
    try:
        push_device(instance_id=instance.pk)
    except FhirError as exc:
        report.failed.append((instance, exc.message))
    else:
        report.repaired.append(instance)
