"""Writing the audit trail. Services call `record(...)` inside their own transaction, so a
change that rolls back leaves no record and a record never exists without its change."""

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from beheer.audit import context
from beheer.audit.models import AuditEvent, AuditRecord

SYSTEM = "systeem"
ANONYMOUS = "anoniem"
HIDDEN = "[verborgen]"

# A field whose name has one of these parts (split on "_") is never stored in clear: its
# before/after values become HIDDEN. Callers name further fields with `redact=`.
SECRET_NAME_PARTS = frozenset(
    {
        "password",
        "wachtwoord",
        "secret",
        "geheim",
        "token",
        "key",
        "sleutel",
        "hash",
        "link",
        "otp",
        "code",
        "codes",
    }
)


def is_secret_field(name: str) -> bool:
    return bool(SECRET_NAME_PARTS & set(name.lower().split("_")))


def _plain(value):
    """A JSON-safe, readable form of a field value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return str(value)


def clean_changes(changes: dict | None, *, redact: Iterable[str] = ()) -> dict:
    """{field: [before, after]} with secrets hidden and values made JSON-safe; fields whose
    before and after are equal are left out."""
    redact = set(redact)
    result = {}
    for name, pair in (changes or {}).items():
        before, after = (_plain(v) for v in pair)
        if before == after:
            continue
        if name in redact or is_secret_field(name):
            before = HIDDEN if before not in (None, "") else before
            after = HIDDEN if after not in (None, "") else after
        result[name] = [before, after]
    return result


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields of two snapshots that differ."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _actor(by) -> tuple[object | None, str]:
    credential = context.credential.get()
    if by is None:
        return None, credential or SYSTEM
    if not getattr(by, "is_authenticated", False):
        return None, credential or ANONYMOUS
    label = by.get_username()
    if credential:
        label = f"{label} ({credential})"
    return by, label[:200]


def _pk(value):
    if value is None:
        return None
    return value.pk if isinstance(value, models.Model) else int(value)


def record(
    *,
    event: str,
    obj=None,
    by=None,
    changes: dict | None = None,
    domein=None,
    applicatie=None,
    redact: Iterable[str] = (),
    object_label: str | None = None,
    object_type: str | None = None,
    object_id=None,
) -> AuditRecord:
    """Write one audit record.

    event       an AuditEvent (a stable code such as "domein.gewijzigd")
    obj         the object acted on (its kind, id and name are stored)
    by          the user who acted; None for the system (the worker, a command)
    changes     {field: [before, after]}; secrets are hidden (SECRET_NAME_PARTS, `redact`)
    domein, applicatie   the domain and application the record belongs to (object or id):
                their beheerders read it on the tab "Logboek"
    The client address and the API credential come from the request (beheer.audit.context).
    """
    if event not in AuditEvent.values:
        raise ValueError(f"unknown audit event {event!r}: add it to AuditEvent")
    user, label = _actor(by)
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk if object_id is None else object_id
        object_label = str(obj) if object_label is None else object_label
    return AuditRecord.objects.create(
        op=timezone.now(),
        door=user,
        door_label=label,
        ip_adres=context.client_ip.get() or None,
        gebeurtenis=str(event),
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id)[:64],
        object_label=(object_label or "")[:300],
        domein_id=_pk(domein),
        applicatie_id=_pk(applicatie),
        wijzigingen=clean_changes(changes, redact=redact),
    )


def purge_old_records(*, now=None, days: int | None = None) -> int:
    """Remove records older than KT_AUDIT_RETENTION_DAYS; the only way a record goes away."""
    days = settings.KT_AUDIT_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    with transaction.atomic():
        deleted, _rows = AuditRecord.objects.filter(op__lt=cutoff).delete()
    return deleted
