"""CSV of the audit trail, made for Excel in Dutch: semicolons, UTF-8 with a BOM, Dutch dates
(dd-mm-jjjj uu:mm:ss, local time), one header row."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"
HEADER = (
    "Tijdstip",
    "Gebeurtenis",
    "Code",
    "Door",
    "IP-adres",
    "Soort object",
    "Object-id",
    "Object",
    "Domein-id",
    "Applicatie-id",
    "Wijzigingen",
)
CHUNK = 2000


def dutch_datetime(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M:%S")


def format_value(value) -> str:
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(leeg)"
    return str(value)


def changes_text(changes: dict) -> str:
    """ "veld: voor → na; veld: voor → na"."""
    return "; ".join(
        f"{name}: {format_value(before)} → {format_value(after)}"
        for name, (before, after) in changes.items()
    )


def row(record) -> list[str]:
    return [
        dutch_datetime(record.op),
        record.gebeurtenis_label,
        record.gebeurtenis,
        record.door_label,
        record.ip_adres or "",
        record.object_type,
        record.object_id,
        record.object_label,
        "" if record.domein_id is None else str(record.domein_id),
        "" if record.applicatie_id is None else str(record.applicatie_id),
        changes_text(record.wijzigingen or {}),
    ]


class _Echo:
    def write(self, value):
        return value


def _lines(queryset):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow(HEADER)
    for record in queryset.iterator(chunk_size=CHUNK):
        yield writer.writerow(row(record))


def csv_response(queryset, *, filename: str) -> StreamingHttpResponse:
    """Streamed, so a large export does not sit in memory."""
    response = StreamingHttpResponse(_lines(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
