"""The searches on application name, vendor, JWKS URI and the audit trail's person and object
have trigram indexes on PostgreSQL (applicaties/migrations/0002, connectieaanvragen/migrations/
0005, beheer/audit/migrations/0004) that answer Django's `icontains` exactly as the ORM writes
it."""

import pytest
from django.db import connection

from applicaties.models import Applicatie
from beheer.audit.models import AuditRecord
from connectieaanvragen.models import Connectieaanvraag


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The tables are tiny in a test, and once other tests have filled and analysed them
        # the planner may walk a B-tree index whole and filter. Only a bitmap scan is left, which
        # needs an index that answers the LIKE itself: the question is whether the trigram index
        # matches the ORM's expression, not which plan is cheapest at this size.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.django_db
def test_icontains_on_name_vendor_and_jwks_uri_uses_the_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%trgm_idx'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "applicatie_naam_trgm_idx",
        "applicatie_leverancier_trgm_idx",
        "aanvraag_jwks_uri_trgm_idx",
        "audit_door_label_trgm_idx",
        "audit_object_label_trgm_idx",
    }
    plan = _plan(Applicatie.objects.filter(naam__icontains="zorgportaal"))
    assert "applicatie_naam_trgm_idx" in plan, plan
    plan = _plan(Applicatie.objects.filter(leverancier__icontains="zorg"))
    assert "applicatie_leverancier_trgm_idx" in plan, plan
    plan = _plan(Connectieaanvraag.objects.filter(jwks_uri__icontains="jwks.json"))
    assert "aanvraag_jwks_uri_trgm_idx" in plan, plan
    plan = _plan(AuditRecord.objects.filter(door_label__icontains="jansen"))
    assert "audit_door_label_trgm_idx" in plan, plan
    plan = _plan(AuditRecord.objects.filter(object_label__icontains="ggz-noord"))
    assert "audit_object_label_trgm_idx" in plan, plan
