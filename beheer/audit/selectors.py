"""Reads of the audit trail, always scoped by domain or application ids the caller may see."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from beheer.audit.models import AuditRecord


@dataclass(frozen=True)
class RecordFilter:
    """The filters of the three views (tab, admin export, API): period, kind, person."""

    van: datetime.date | None = None
    tot: datetime.date | None = None
    gebeurtenis: str = ""
    persoon: str = ""


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_records(queryset: QuerySet[AuditRecord], f: RecordFilter) -> QuerySet[AuditRecord]:
    """Dates are whole local days: `tot` includes the day itself."""
    if f.van:
        queryset = queryset.filter(op__gte=_start_of(f.van))
    if f.tot:
        queryset = queryset.filter(op__lt=_start_of(f.tot + datetime.timedelta(days=1)))
    if f.gebeurtenis:
        # A code ("instantie.status") or a group ("instantie"): everything about that object.
        if "." in f.gebeurtenis or f.gebeurtenis == "logout":
            queryset = queryset.filter(gebeurtenis=f.gebeurtenis)
        else:
            queryset = queryset.filter(gebeurtenis__startswith=f"{f.gebeurtenis}.")
    if f.persoon:
        # LOWER(...) LIKE, not `icontains` (UPPER(...) LIKE): the admin's search has a trigram
        # index on exactly UPPER(door_label) (audit/0004), which PostgreSQL would pick here too
        # and which costs 100 ms when many records share parts of a name; within a domain or an
        # application the (domein_id | applicatie_id, -op) index answers this in a few ms.
        queryset = queryset.alias(door_lower=Lower("door_label")).filter(
            door_lower__contains=f.persoon.strip().lower()
        )
    return queryset


def records_for_domain(*, domein_id: int) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(domein_id=domein_id).order_by("-op", "-id")


def records_for_application(*, applicatie_id: int) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(applicatie_id=applicatie_id).order_by("-op", "-id")


def records_in_scope(*, all_records: bool, domein_ids, applicatie_ids) -> QuerySet[AuditRecord]:
    """Support (`all_records`) reads everything; anyone else the records of the domains and
    applications given (lists of ids, read first by the caller: an OR of two IN-lists is
    answered from the two indexes, an OR of two subqueries scans the table)."""
    queryset = AuditRecord.objects.all()
    if not all_records:
        queryset = queryset.filter(
            Q(domein_id__in=domein_ids) | Q(applicatie_id__in=applicatie_ids)
        )
    return queryset.order_by("-op", "-id")
