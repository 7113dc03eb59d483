"""The tab "Logboek" on domains and applications: scoped, filtered, paginated, CSV export."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from beheer.audit.models import AuditEvent, AuditRecord
from beheer.audit.services import record
from domeinen.services import change_instance_status
from tests.auth_helpers import login
from tests.factories import DomeinFactory, make_instance

pytestmark = pytest.mark.django_db


def _csv(response) -> str:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel reads it as UTF-8
    return raw.decode("utf-8")


def test_domain_log_shows_the_domains_records_only(client, domein, domeinbeheerder, applicatie):
    instance = make_instance(applicatie=applicatie, domein=domein)
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="Storing", by=domeinbeheerder
    )
    other = DomeinFactory(naam="ander-domein")
    record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=other, domein=other, object_label="GEHEIM-ANDER")
    login(client, domeinbeheerder)
    response = client.get(f"/domeinen/{domein.naam}/logboek/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Status van applicatieinstantie gewijzigd" in body
    assert "in_onderhoud" in body and "Storing" in body
    assert "GEHEIM-ANDER" not in body
    assert 'aria-current="page">Logboek' in body


def test_application_log_shows_the_applications_records(
    client, domein, applicatie, applicatiebeheerder
):
    make_instance(applicatie=applicatie, domein=domein)
    login(client, applicatiebeheerder)
    response = client.get(f"/applicaties/{applicatie.pk}/logboek/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Connectieaanvraag ingediend" in body and "Connectieaanvraag geaccepteerd" in body


def test_filters_by_period_event_and_person(client, domein, domeinbeheerder, support_user):
    old = record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=domein, by=support_user, domein=domein)
    AuditRecord.objects.filter(pk=old.pk).update(
        op=timezone.make_aware(datetime.datetime(2025, 3, 1, 12, 0))
    )
    record(event=AuditEvent.INSTANTIE_SYNC, obj=domein, by=domeinbeheerder, domein=domein)
    login(client, domeinbeheerder)
    url = f"/domeinen/{domein.naam}/logboek/"

    def shown(query):
        page = client.get(url + query).context["page"]
        return {r.gebeurtenis for r in page}

    assert shown("") == {"domein.gewijzigd", "instantie.sync"}
    assert shown("?van=2025-02-01&tot=2025-03-01") == {"domein.gewijzigd"}
    assert shown(f"?van={timezone.localdate().isoformat()}") == {"instantie.sync"}
    assert shown("?gebeurtenis=instantie") == {"instantie.sync"}
    assert shown("?gebeurtenis=domein.gewijzigd") == {"domein.gewijzigd"}
    assert shown(f"?persoon={support_user.username.upper()}") == {"domein.gewijzigd"}
    assert shown("?van=geen-datum") == {"domein.gewijzigd", "instantie.sync"}


def test_the_log_is_paginated(client, domein, domeinbeheerder):
    for _ in range(30):
        record(event=AuditEvent.INSTANTIE_SYNC, obj=domein, domein=domein)
    login(client, domeinbeheerder)
    first = client.get(f"/domeinen/{domein.naam}/logboek/")
    assert len(first.context["page"].object_list) == 25
    second = client.get(f"/domeinen/{domein.naam}/logboek/?page=2")
    assert len(second.context["page"].object_list) == 5


def test_csv_export_has_header_semicolons_bom_and_dutch_dates(client, domein, domeinbeheerder):
    rec = record(
        event=AuditEvent.DOMEIN_GEWIJZIGD,
        obj=domein,
        by=domeinbeheerder,
        domein=domein,
        changes={"contact_naam": ["Jan; de Vries", "Ëlla"]},
    )
    AuditRecord.objects.filter(pk=rec.pk).update(
        op=datetime.datetime(2026, 7, 1, 10, 5, 9, tzinfo=datetime.UTC)
    )
    record(event=AuditEvent.INSTANTIE_SYNC, obj=domein, domein=domein)
    login(client, domeinbeheerder)
    response = client.get(
        f"/domeinen/{domein.naam}/logboek/?formaat=csv&gebeurtenis=domein.gewijzigd"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="logboek-ggz-noord-')
    lines = _csv(response).lstrip("\ufeff").split("\r\n")
    assert lines[0].split(";") == [
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
    ]
    assert len([line for line in lines[1:] if line]) == 1  # the filter applies to the export
    # 10:05:09 UTC is 12:05:09 in Amsterdam (summer time), day first.
    assert lines[1].startswith("01-07-2026 12:05:09;Domein gewijzigd;domein.gewijzigd;")
    assert '"contact_naam: Jan; de Vries → Ëlla"' in lines[1]  # quoted: it holds a semicolon


def test_purge_audit_removes_only_records_older_than_the_retention(domein, settings):
    settings.KT_AUDIT_RETENTION_DAYS = 30
    old = record(event=AuditEvent.INSTANTIE_SYNC, obj=domein)
    recent = record(event=AuditEvent.INSTANTIE_SYNC, obj=domein)
    AuditRecord.objects.filter(pk=old.pk).update(op=timezone.now() - datetime.timedelta(days=31))
    AuditRecord.objects.filter(pk=recent.pk).update(op=timezone.now() - datetime.timedelta(days=29))
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert out.getvalue().startswith("1 logboekregel(s)")
    assert list(AuditRecord.objects.values_list("pk", flat=True)) == [recent.pk]


def test_retention_defaults_to_two_years():
    from django.conf import settings

    assert settings.KT_AUDIT_RETENTION_DAYS == 730
