"""Logins, failed logins, lockouts and logouts: the normalised username, the client address,
never the password."""

import pytest

from beheer.audit.models import AuditEvent, AuditRecord
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"


@pytest.fixture
def dora():
    return UserFactory(username="dora")


def _attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_successful_login_and_the_logout_are_recorded(client, dora):
    _attempt(client, " DoRa ", TEST_PASSWORD, ip="203.0.113.5")
    rec = AuditRecord.objects.get(gebeurtenis=AuditEvent.LOGIN_GESLAAGD)
    assert rec.door == dora and rec.object_label == "dora"
    assert rec.ip_adres == "203.0.113.5"
    client.post("/uitloggen/", REMOTE_ADDR="203.0.113.5")
    rec = AuditRecord.objects.get(gebeurtenis=AuditEvent.LOGOUT)
    assert rec.door == dora and rec.ip_adres == "203.0.113.5"


def test_failed_logins_and_the_lockout_record_the_normalised_username(client, dora, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, " DORA ", "fout-wachtwoord-geheim", ip=f"10.0.0.{i}")
    failed = AuditRecord.objects.filter(gebeurtenis=AuditEvent.LOGIN_MISLUKT)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert set(failed.values_list("object_label", flat=True)) == {"dora"}
    assert set(failed.values_list("door_label", flat=True)) == {"anoniem"}
    assert failed.filter(ip_adres="10.0.0.0").exists()
    locked = AuditRecord.objects.filter(gebeurtenis=AuditEvent.LOGIN_GEBLOKKEERD)
    assert locked.exists() and locked.first().object_label == "dora"
    for rec in AuditRecord.objects.all():
        assert "fout-wachtwoord-geheim" not in str(rec.wijzigingen) + rec.object_label
