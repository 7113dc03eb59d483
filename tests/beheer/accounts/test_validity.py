"""Account validity end to end, on a frozen clock: reminders 30 and 7 days before (once each,
to the person and their fellow beheerders), login refused after the date with a message that
points to support, and "Verlengen" by a fellow beheerder or support."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api.services import create_personal_token
from beheer.accounts.models import User
from beheer.accounts.services import extend_validity
from beheer.errors import ServiceError
from tests.auth_helpers import login
from tests.factories import (
    TEST_PASSWORD,
    ApplicatieFactory,
    DomeinFactory,
    SupportUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class Clock:
    """`django.utils.timezone.now` (and so `localdate`) frozen at noon of a chosen day."""

    def __init__(self):
        self.now = None

    def day(self, when: date) -> None:
        self.now = datetime(
            when.year, when.month, when.day, 12, tzinfo=ZoneInfo(settings.TIME_ZONE)
        )


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    c.day(date(2026, 3, 2))
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


@pytest.fixture
def people(clock, settings):
    settings.KT_ACCOUNT_VALIDITY_DAYS = 365
    settings.KT_SUPPORT_EMAIL = "support@koppeltaal.example"
    dora = UserFactory(username="dora", full_name="Dora Domein", email="dora@zorg.example")
    daan = UserFactory(username="daan", full_name="Daan Domein", email="daan@zorg.example")
    anna = UserFactory(username="anna", full_name="Anna Applicatie", email="anna@lev.example")
    outsider = UserFactory(username="olga", email="olga@elders.example")
    DomeinFactory(naam="ggz-noord", beheerders=[dora, daan])
    ApplicatieFactory(naam="Zorgportaal", beheerders=[dora, anna])
    DomeinFactory(naam="ggz-zuid", beheerders=[outsider])
    return {"dora": dora, "daan": daan, "anna": anna, "olga": outsider}


def _remind(django_capture_on_commit_callbacks) -> dict:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_validity_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {m.to[0]: m.subject for m in mail.outbox}


def _login(username):
    return Client().post("/inloggen/", {"username": username, "password": TEST_PASSWORD})


def test_a_new_account_is_valid_for_the_configured_number_of_days(clock, settings):
    settings.KT_ACCOUNT_VALIDITY_DAYS = 30
    assert UserFactory().geldig_tot == date(2026, 4, 1)


def test_reminders_refusal_and_extension_on_a_frozen_clock(
    people, clock, django_capture_on_commit_callbacks
):
    end = date(2027, 3, 2)
    assert User.objects.get(username="dora").geldig_tot == end
    assert _remind(django_capture_on_commit_callbacks) == {}

    clock.day(end - timedelta(days=31))
    assert _remind(django_capture_on_commit_callbacks) == {}

    clock.day(end - timedelta(days=30))
    sent = _remind(django_capture_on_commit_callbacks)
    # Everyone's accounts end the same day: each person gets their own reminder, and the
    # fellow beheerders of their domain or application one per colleague.
    assert sorted(m.to[0] for m in mail.outbox if "Uw account" in m.subject) == [
        "anna@lev.example",
        "daan@zorg.example",
        "dora@zorg.example",
        "olga@elders.example",
    ]
    assert sent["dora@zorg.example"] in {
        "Uw account in KT Beheer verloopt op 2 maart 2027 (lokaal)",
        "Account van Daan Domein verloopt op 2 maart 2027 (lokaal)",
        "Account van Anna Applicatie verloopt op 2 maart 2027 (lokaal)",
    }
    to_dora = sorted(m.subject for m in mail.outbox if m.to == ["dora@zorg.example"])
    assert to_dora == [
        "Account van Anna Applicatie verloopt op 2 maart 2027 (lokaal)",
        "Account van Daan Domein verloopt op 2 maart 2027 (lokaal)",
        "Uw account in KT Beheer verloopt op 2 maart 2027 (lokaal)",
    ]
    to_olga = [m.subject for m in mail.outbox if m.to == ["olga@elders.example"]]
    assert to_olga == ["Uw account in KT Beheer verloopt op 2 maart 2027 (lokaal)"]
    own = next(m for m in mail.outbox if m.to == ["daan@zorg.example"] and "Uw" in m.subject)
    assert "nog 30 dagen" in own.body
    assert "support@koppeltaal.example" in own.body  # the footer names support

    # once each: the same day again, and the days after, send nothing
    assert _remind(django_capture_on_commit_callbacks) == {}
    clock.day(end - timedelta(days=20))
    assert _remind(django_capture_on_commit_callbacks) == {}

    clock.day(end - timedelta(days=7))
    _remind(django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if "Uw account" in m.subject]) == 4
    assert "nog 7 dagen" in next(m for m in mail.outbox if m.to == ["olga@elders.example"]).body
    assert _remind(django_capture_on_commit_callbacks) == {}

    # valid through the date itself
    clock.day(end)
    assert _login("daan").status_code == 302

    # the day after: refused with a clear message; nothing else about the account changes
    clock.day(end + timedelta(days=1))
    response = _login("daan")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Uw account is verlopen: het was geldig tot en met 2 maart 2027" in page
    assert "support@koppeltaal.example" in page
    daan = User.objects.get(username="daan")
    assert daan.is_active and daan.has_usable_password()
    assert _remind(django_capture_on_commit_callbacks) == {}  # no reminders after the date

    # a fellow beheerder extends (though her own account has expired too: support could as well)
    with django_capture_on_commit_callbacks(execute=True):
        extend_validity(user_id=daan.pk, by=User.objects.get(username="dora"))
    daan.refresh_from_db()
    assert daan.geldig_tot == end + timedelta(days=366)
    assert mail.outbox[-1].subject == (
        "Uw account in KT Beheer is verlengd tot 2 maart 2028 (lokaal)"
    )
    assert mail.outbox[-1].to == ["daan@zorg.example"]
    assert _login("daan").status_code == 302

    # and the reminders start over for the new date
    clock.day(daan.geldig_tot - timedelta(days=30))
    assert "daan@zorg.example" in _remind(django_capture_on_commit_callbacks)


def test_a_missed_day_sends_only_the_closest_reminder(
    people, clock, django_capture_on_commit_callbacks
):
    clock.day(date(2027, 3, 2) - timedelta(days=5))
    _remind(django_capture_on_commit_callbacks)
    own = [m for m in mail.outbox if m.to == ["olga@elders.example"]]
    assert len(own) == 1 and "nog 5 dagen" in own[0].body
    assert _remind(django_capture_on_commit_callbacks) == {}


def test_who_may_extend(people):
    daan = people["daan"]
    for by in (daan, people["olga"]):  # themselves; a beheerder of another domain
        with pytest.raises(ServiceError) as exc:
            extend_validity(user_id=daan.pk, by=by)
        assert exc.value.code == "not_allowed"
    extend_validity(user_id=daan.pk, by=people["dora"])  # same domain
    extend_validity(user_id=people["anna"].pk, by=people["dora"])  # same application
    extend_validity(user_id=daan.pk, by=SupportUserFactory())
    from beheer.audit.models import AuditEvent, AuditRecord

    extended = AuditRecord.objects.filter(gebeurtenis=AuditEvent.ACCOUNT_VERLENGD)
    # the refusals recorded nothing; each extension one record with the old and new date
    assert extended.count() == 3
    assert extended.filter(door=people["dora"], object_id=str(daan.pk)).exists()


def test_support_extends_with_the_button_on_the_users_page(
    people, clock, client, django_capture_on_commit_callbacks
):
    support = SupportUserFactory()
    User.objects.filter(pk=support.pk).update(geldig_tot=date(2027, 3, 2))
    login(client, support)
    olga = people["olga"]
    User.objects.filter(pk=olga.pk).update(geldig_tot=date(2026, 1, 1))
    change = client.get(f"/admin/accounts/user/{olga.pk}/change/").content.decode()
    assert f"/admin/accounts/user/{olga.pk}/verlengen/" in change
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/accounts/user/{olga.pk}/verlengen/")
    assert response.status_code == 302
    assert User.objects.get(pk=olga.pk).geldig_tot == date(2027, 3, 2)
    listed = client.get("/admin/accounts/user/?geldigheid=verlopen").content.decode()
    assert "olga" not in listed


def test_a_session_ends_when_the_account_expires(people, clock, client):
    login(client, people["daan"])
    assert client.get("/").status_code == 200
    User.objects.filter(pk=people["daan"].pk).update(geldig_tot=date(2026, 3, 1))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/inloggen/")
    assert "Uw account is verlopen" in response.content.decode()


def test_an_api_token_of_an_expired_account_is_refused(people, clock, client):
    _row, secret = create_personal_token(gebruiker=people["dora"], naam="x", by=people["dora"])
    assert client.get("/api/v1/domeinen/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    User.objects.filter(pk=people["dora"].pk).update(geldig_tot=date(2026, 3, 1))
    response = client.get("/api/v1/domeinen/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert "verlopen" in response.json()["detail"]


def test_the_server_operator_extends_an_account_with_a_command(people, clock):
    support = SupportUserFactory(username="enige-support")
    User.objects.filter(pk=support.pk).update(geldig_tot=date(2026, 1, 1))
    call_command("extend_validity", "Enige-Support", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.get(pk=support.pk).geldig_tot == date(2027, 3, 2)
