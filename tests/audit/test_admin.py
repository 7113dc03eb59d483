"""Support's admin: its own saves are recorded; the audit trail is read-only there and can be
exported as CSV."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beheer.audit.models import AuditEvent, AuditRecord
from beheer.audit.services import record
from rollen.models import Rol
from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_client(client, support_user):
    return login(client, support_user)


def last(event) -> AuditRecord:
    return AuditRecord.objects.filter(gebeurtenis=event).latest("op", "id")


def _domain_form(domein, **changes):
    data = {
        "naam": domein.naam,
        "zorgaanbieder": domein.zorgaanbieder,
        "omschrijving": domein.omschrijving,
        "fhir_base_url": domein.fhir_base_url,
        "token_endpoint": domein.token_endpoint,
        "fhir_auth": domein.fhir_auth,
        "portal_client_id": domein.portal_client_id or "kt-beheer-portaal",
        "fhir_auth_token_env": domein.fhir_auth_token_env,
        "fhir_device_creation": domein.fhir_device_creation,
        "contact_naam": domein.contact_naam,
        "contact_email": domein.contact_email,
        "contact_telefoon": domein.contact_telefoon,
        "beheerders": [u.pk for u in domein.beheerders.all()],
    }
    data.update(changes)
    return data


def test_admin_domain_change_records_the_new_beheerder(
    support_client, support_user, domein, domeinbeheerder
):
    extra = UserFactory(username="erbij")
    url = reverse("admin:domeinen_domein_change", args=[domein.pk])
    data = _domain_form(domein, beheerders=[domeinbeheerder.pk, extra.pk], omschrijving="nieuw")
    response = support_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rec = last(AuditEvent.DOMEIN_GEWIJZIGD)
    assert rec.door == support_user and rec.domein_id == domein.pk
    assert rec.wijzigingen["beheerders"] == [
        [str(domeinbeheerder)],
        sorted([str(domeinbeheerder), str(extra)]),
    ]
    assert rec.wijzigingen["omschrijving"][1] == "nieuw"


def test_admin_application_beheerders_change_is_recorded(
    support_client, support_user, applicatie, applicatiebeheerder
):
    extra = UserFactory(username="erbij")
    url = reverse("admin:applicaties_applicatie_change", args=[applicatie.pk])
    data = {
        "naam": applicatie.naam,
        "leverancier": applicatie.leverancier,
        "soort": applicatie.soort,
        "omschrijving": applicatie.omschrijving,
        "contact_naam": applicatie.contact_naam,
        "contact_email": applicatie.contact_email,
        "contact_telefoon": applicatie.contact_telefoon,
        "beheerders": [applicatiebeheerder.pk, extra.pk],
    }
    response = support_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rec = last(AuditEvent.APPLICATIE_BEHEERDERS)
    assert rec.door == support_user and rec.applicatie_id == applicatie.pk
    assert list(rec.wijzigingen) == ["beheerders"]


def test_admin_deactivating_a_user_and_group_changes_are_recorded(
    support_client, support_user, outsider
):
    url = reverse("admin:accounts_user_change", args=[outsider.pk])
    data = {
        "username": outsider.username,
        "full_name": outsider.full_name,
        "email": outsider.email,
        "phone": outsider.phone,
        "is_active": "",
        "is_staff": "on",
        "groups": [Group.objects.get(name="support").pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = support_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rec = last(AuditEvent.ACCOUNT_GEDEACTIVEERD)
    assert rec.door == support_user and rec.object_id == str(outsider.pk)
    assert rec.wijzigingen["is_active"] == [True, False]
    assert rec.wijzigingen["is_staff"] == [False, True]
    assert rec.wijzigingen["groups"] == [[], ["support"]]


def test_admin_role_permissions_change_is_recorded(client, support_user):
    from tests.factories import SupportUserFactory

    admin_user = SupportUserFactory(username="beheerder-root", is_superuser=True)
    login(client, admin_user)
    rol = Rol.objects.create(naam="Testrol", omschrijving="")
    url = reverse("admin:rollen_rol_change", args=[rol.pk])
    data = {
        "naam": "Testrol",
        "omschrijving": "",
        "permissies-TOTAL_FORMS": "1",
        "permissies-INITIAL_FORMS": "0",
        "permissies-0-resource_type": "Patient",
        "permissies-0-operatie": "read",
        "permissies-0-bereik": "ALL",
        "standaard_voor-TOTAL_FORMS": "0",
        "standaard_voor-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rec = last(AuditEvent.ROL_GEWIJZIGD)
    assert rec.door == admin_user
    assert rec.wijzigingen == {"permissies": [[], ["Patient read ALL"]]}


def test_audit_records_are_read_only_in_the_admin(support_client, domein):
    rec = record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=domein, changes={"naam": ["a", "b"]})
    changelist = reverse("admin:audit_auditrecord_changelist")
    assert support_client.get(changelist).status_code == 200
    assert (
        support_client.get(reverse("admin:audit_auditrecord_change", args=[rec.pk])).status_code
        == 200
    )
    assert support_client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    response = support_client.post(
        reverse("admin:audit_auditrecord_change", args=[rec.pk]), {"door_label": "iemand anders"}
    )
    assert response.status_code == 403
    delete = reverse("admin:audit_auditrecord_delete", args=[rec.pk])
    assert support_client.post(delete, {"post": "yes"}).status_code == 403
    response = support_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [rec.pk], "post": "yes"}
    )
    rec.refresh_from_db()
    assert rec.door_label == "systeem"
    assert AuditRecord.objects.filter(pk=rec.pk).exists()


def test_nobody_holds_a_permission_to_change_audit_records(support_user):
    from django.contrib.auth.models import Permission

    codenames = set(
        Permission.objects.filter(content_type__app_label="audit").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_auditrecord"}
    assert support_user.has_perm("audit.view_auditrecord")


def test_admin_exports_the_selection_as_csv(support_client, domein):
    rec = record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=domein, changes={"naam": ["a", "b"]})
    response = support_client.post(
        reverse("admin:audit_auditrecord_changelist"),
        {"action": "export_csv", "_selected_action": [rec.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffTijdstip;Gebeurtenis;")
    assert "domein.gewijzigd" in body and "naam: a → b" in body


def test_admin_changelist_search_filters_and_query_count_stay_flat(support_client, domein):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            response = support_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    base = reverse("admin:audit_auditrecord_changelist")
    urls = [
        base,
        f"{base}?q=ggz",
        f"{base}?gebeurtenis=domein.gewijzigd",
        f"{base}?object_type=domein",
    ]
    for _ in range(3):
        record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=domein, changes={"naam": ["a", "b"]})
    small = [count(u) for u in urls]
    for _ in range(60):
        record(event=AuditEvent.DOMEIN_GEWIJZIGD, obj=domein, changes={"naam": ["a", "b"]})
    assert [count(u) for u in urls] == small
