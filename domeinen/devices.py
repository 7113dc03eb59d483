"""The KT2Device of each Applicatieinstantie on its domain's FHIR server.

Decisions (accept, status change, rename) call `queue_device_push(instance)` inside their
transaction: it marks the instance `wachtend` and queues a delivery with a new correlation id
(X-Correlation-Id of every request the push makes). The push itself,
`push_device(instance_id=...)`, runs after commit, outside any decision: it reads the instance
as it is now, reads the Device from the server, and writes it (docs/fhir.md): a missing
Device is created the way the domain says (`PUT Device/<client_id>`, or `POST Device` with
If-None-Exist when the server assigns ids); an existing one is updated read-modify-write with
If-Match, re-read and retried on 412. The outcome (Device id, version, or the server's
message) is recorded on the instance in a short write of its own. A FHIR server that is
down, slow or refusing therefore never blocks or undoes a decision; what is not in sync stays
visible (fhir_status, fhir_error) and is repaired by the retry path (`run_outbox`, support's
"Opnieuw synchroniseren", `manage.py fhir_sync`). When the outbox gives a push up,
`give_up_device_push` turns `wachtend` into `mislukt`, so the portal stops promising a retry
that will not come.
"""

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from beheer.audit.models import AuditEvent
from beheer.audit.services import record
from beheer.errors import ServiceError
from beheer.fhir import DEVICE_PUSH
from beheer.fhir.auth import client_for_domain
from beheer.fhir.builders import (
    CLIENT_ID_SYSTEM,
    USER_FRIENDLY_NAME,
    build_device,
    device_drift,
    if_none_exist,
    merge_device,
)
from beheer.fhir.client import FhirClient, FhirError, PermanentFhirError
from beheer.fhir.deliveries import queue_delivery
from beheer.outbox.models import Delivery, DeliveryStatus
from domeinen.models import Applicatieinstantie, DeviceCreation, FhirStatus, InstantieStatus

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
# A push reads the instance, PUTs, and re-reads it; if a decision changed it meanwhile (two
# pushes racing), it pushes again so the server ends with the latest state.
MAX_CATCH_UP = 3
# An update whose If-Match is stale (412: changed on the server between read and write) is
# read again and retried this many times in all, then recorded as failed with the message.
MAX_VERSION_CONFLICTS = 3
# Shown when the outbox gave a push up before any attempt recorded a FHIR error.
GIVEN_UP_MESSAGE = "De verzending is na herhaalde pogingen opgegeven."


def queue_device_push(instance: Applicatieinstantie) -> None:
    """Call inside the deciding transaction: mark pending and queue the push in the outbox."""
    Applicatieinstantie.objects.filter(pk=instance.pk).update(fhir_status=FhirStatus.WACHTEND)
    instance.fhir_status = FhirStatus.WACHTEND
    queue_delivery(
        kind=DEVICE_PUSH,
        payload={"instance_id": instance.pk, "correlation_id": str(uuid.uuid4())},
        recipient=instance.device_reference,
    )


def _state(instance: Applicatieinstantie) -> tuple:
    return (instance.status, instance.applicatie.naam)


def _load(instance_id: int) -> Applicatieinstantie:
    return Applicatieinstantie.objects.select_related("applicatie", "domein").get(pk=instance_id)


def _record(instance_id: int, **fields) -> None:
    # A short write of its own (autocommit): the push never holds a lock across the HTTP call.
    Applicatieinstantie.objects.filter(pk=instance_id).update(**fields)


def _creates_with_server_id(instance: Applicatieinstantie) -> bool:
    return instance.domein.fhir_device_creation == DeviceCreation.SERVER


def find_device(client: FhirClient, instance: Applicatieinstantie) -> dict | None:
    """The instance's Device as the server has it now, or None.

    By its id (`device_logical_id`); when the server assigns ids and that finds nothing (not
    created yet, or deleted), by the client-id identifier."""
    if instance.device_id or not _creates_with_server_id(instance):
        found = client.read("Device", instance.device_logical_id)
        if found is not None or not _creates_with_server_id(instance):
            return found
    matches = client.search("Device", {"identifier": f"{CLIENT_ID_SYSTEM}|{instance.client_id}"})
    if len(matches) > 1:
        ids = ", ".join(f"Device/{m.get('id')}" for m in matches)
        raise PermanentFhirError(
            f"Er zijn meerdere Devices met client-Id {instance.client_id}: {ids}. "
            "Verwijder de overbodige op de FHIR-server."
        )
    return matches[0] if matches else None


def _owned(device: dict) -> tuple:
    return (
        [
            i.get("value")
            for i in device.get("identifier", [])
            if i.get("system") == CLIENT_ID_SYSTEM
        ],
        device.get("status"),
        [
            n.get("name")
            for n in device.get("deviceName", [])
            if n.get("type") == USER_FRIENDLY_NAME
        ],
    )


def write_device(client: FhirClient, instance: Applicatieinstantie) -> dict:
    """Read the Device, then create it or update it version-aware; returns it as stored."""
    source = settings.KT_FHIR_META_SOURCE
    for attempt in range(1, MAX_VERSION_CONFLICTS + 1):
        current = find_device(client, instance)
        if current is None:
            if _creates_with_server_id(instance):
                stored = client.create(
                    build_device(instance, source=source, with_id=False),
                    if_none_exist=if_none_exist(instance),
                )
                # A conditional create answers with the Device an earlier attempt made, which
                # may carry an older state: then it is updated like any other.
                instance.device_id = stored["id"]
                if _owned(stored) == _owned(merge_device(stored, instance, source=source)):
                    return stored
                continue
            try:
                return client.put(build_device(instance, source=source))
            except PermanentFhirError as exc:
                if exc.status in (404, 405, 409, 422):
                    exc.message += (
                        " (Staat deze FHIR-server door de client gekozen id's toe? Zo niet, "
                        "kies bij het domein 'De FHIR-server kiest het id'.)"
                    )
                raise
        version = str((current.get("meta") or {}).get("versionId") or "")
        if not version:
            raise PermanentFhirError(
                f"Device/{current.get('id')} heeft geen meta.versionId; het portaal werkt een "
                "Device alleen bij met If-Match."
            )
        try:
            return client.update(merge_device(current, instance, source=source), version=version)
        except PermanentFhirError as exc:
            if exc.status != 412 or attempt == MAX_VERSION_CONFLICTS:
                raise
            log.info(
                "Device/%s changed on the server before the update (412); reading it again "
                "(X-Correlation-Id %s)",
                current.get("id"),
                client.correlation_id,
            )
    raise PermanentFhirError("Het Device kon niet worden bijgewerkt.")  # pragma: no cover


def push_device(*, instance_id: int, correlation_id: str | None = None) -> dict:
    """Write the instance's Device and record the result. Returns the stored Device.

    Raises the FhirError (RetryableFhirError / PermanentFhirError) after recording it, so a
    delivery worker can decide to retry. Must not run inside an atomic block.
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("push_device must run outside the deciding transaction")
    instance = _load(instance_id)
    client = client_for_domain(instance.domein, correlation_id=correlation_id)
    for _attempt in range(MAX_CATCH_UP):
        pushed_state = _state(instance)
        try:
            stored = write_device(client, instance)
        except FhirError as exc:
            message = exc.message
            if getattr(exc, "retry_after", None):
                message += f" (de server vraagt over {int(exc.retry_after)} s opnieuw te proberen)"
            fields = {
                "fhir_status": FhirStatus.WACHTEND if exc.retryable else FhirStatus.MISLUKT,
                "fhir_error": message[:MAX_ERROR_LENGTH],
            }
            if instance.device_id:
                fields["device_id"] = instance.device_id
            _record(instance_id, **fields)
            log.warning(
                "Device push for instance %s failed (X-Correlation-Id %s): %s",
                instance_id,
                client.correlation_id,
                exc.message,
            )
            raise
        if stored.get("id") and stored["id"] != _load(instance_id).device_id:
            _record(instance_id, device_id=str(stored["id"])[:64])
        instance = _load(instance_id)
        if _state(instance) == pushed_state:
            break
    version = str((stored.get("meta") or {}).get("versionId", ""))[:64]
    _record(
        instance_id,
        device_id=str(stored.get("id") or instance.device_logical_id)[:64],
        fhir_status=FhirStatus.GESYNCHRONISEERD,
        fhir_version=version,
        fhir_error="",
        fhir_synced_at=timezone.now(),
    )
    log.info(
        "Device push for instance %s: Device/%s version %s (X-Correlation-Id %s)",
        instance_id,
        stored.get("id"),
        version,
        client.correlation_id,
    )
    return stored


def give_up_device_push(
    *, delivery_id: int, instance_id: int, correlation_id: str | None = None
) -> bool:
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
    log.warning(
        "Device push for instance %s given up (delivery %s, X-Correlation-Id %s)",
        instance_id,
        delivery_id,
        correlation_id,
    )
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
        record(
            event=AuditEvent.INSTANTIE_SYNC,
            obj=instance,
            by=by,
            domein=instance.domein_id,
            applicatie=instance.applicatie_id,
        )
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
    """What is wrong with the instance's Device on the server (empty: in order): the elements
    the portal owns, and the KT2Device profile. Also returns the Device as the server has it
    (None when missing). A closed instance's name is not compared: its Device keeps the name
    it had (a later rename of the application does not reach it)."""
    actual = find_device(client_for_domain(instance.domein), instance)
    expected = build_device(instance, with_id=False)
    if actual is not None:
        expected["id"] = instance.device_id or actual.get("id")
    return device_drift(expected, actual, check_name=not instance.is_closed), actual


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
                    device_id=str(actual.get("id", ""))[:64],
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
        instance.refresh_from_db(fields=["device_id"])  # a Device created anew has a new id
        report.repaired.append(instance)
