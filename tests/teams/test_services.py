"""Team management services: invite, remove, the last beheerder, deactivation, mails."""

import pytest
from django.core import mail

from beheer.accounts.models import User
from beheer.errors import ServiceError
from teams.services import (
    invite_application_beheerder,
    invite_domain_beheerder,
    remove_application_beheerder,
    remove_domain_beheerder,
)
from tests.factories import ApplicatieFactory, DomeinFactory, SupportUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(django_capture_on_commit_callbacks):
    dora = UserFactory(username="dora", full_name="Dora Domein", email="dora@zorg.example")
    daan = UserFactory(username="daan", full_name="Daan Domein", email="daan@zorg.example")
    domein = DomeinFactory(naam="ggz-noord", beheerders=[dora, daan])

    def run(func, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return {"dora": dora, "daan": daan, "domein": domein, "run": run}


def _by_recipient():
    return {m.to[0]: m.subject for m in mail.outbox}


def test_inviting_an_unknown_address_makes_an_account_and_mails_the_invitation(team):
    result = team["run"](
        invite_domain_beheerder,
        domein_id=team["domein"].pk,
        by=team["dora"],
        full_name="Nina  Nieuw",
        email="nina@zorg.example",
    )
    assert result.created
    nina = User.objects.get(email="nina@zorg.example")
    assert nina.full_name == "Nina Nieuw"
    assert nina.username == "nina"
    assert not nina.has_usable_password() and nina.must_change_password
    assert team["domein"].beheerders.filter(pk=nina.pk).exists()
    assert _by_recipient() == {
        "nina@zorg.example": "Uitnodiging voor KT Beheer (lokaal)",
        "daan@zorg.example": "Nina Nieuw is beheerder van domein ggz-noord (lokaal)",
    }
    invitation = next(m for m in mail.outbox if m.to == ["nina@zorg.example"])
    assert "beheerder van domein ggz-noord" in invitation.body
    assert "/wachtwoord-instellen/" in invitation.body


def test_inviting_an_existing_account_with_the_same_name_adds_it(team):
    anna = UserFactory(full_name="Anna Applicatie", email="anna@lev.example")
    result = team["run"](
        invite_domain_beheerder,
        domein_id=team["domein"].pk,
        by=team["dora"],
        full_name="anna applicatie",
        email="ANNA@lev.example",
    )
    assert result.user == anna and not result.created
    assert User.objects.filter(email__iexact="anna@lev.example").count() == 1
    assert _by_recipient() == {
        "anna@lev.example": "U bent beheerder van domein ggz-noord (lokaal)",
        "daan@zorg.example": "Anna Applicatie is beheerder van domein ggz-noord (lokaal)",
    }


def test_an_address_of_an_account_with_another_name_asks_for_confirmation(team):
    anna = UserFactory(full_name="Anna Applicatie", email="anna@lev.example")
    with pytest.raises(ServiceError) as exc:
        team["run"](
            invite_domain_beheerder,
            domein_id=team["domein"].pk,
            by=team["dora"],
            full_name="Iemand Anders",
            email="anna@lev.example",
        )
    assert exc.value.code == "confirm_existing"
    assert "Anna Applicatie" in exc.value.message
    assert not team["domein"].beheerders.filter(pk=anna.pk).exists()
    assert mail.outbox == []
    team["run"](
        invite_domain_beheerder,
        domein_id=team["domein"].pk,
        by=team["dora"],
        full_name="Iemand Anders",
        email="anna@lev.example",
        confirm_existing=True,
    )
    anna.refresh_from_db()
    assert anna.full_name == "Anna Applicatie"  # never renamed, never merged silently
    assert team["domein"].beheerders.filter(pk=anna.pk).exists()


def test_inviting_someone_who_is_already_on_the_team_is_refused(team):
    with pytest.raises(ServiceError) as exc:
        invite_domain_beheerder(
            domein_id=team["domein"].pk,
            by=team["dora"],
            full_name="Daan Domein",
            email="daan@zorg.example",
        )
    assert exc.value.code == "already_member"


def test_a_beheerder_of_another_domain_cannot_invite_or_remove(team):
    other = UserFactory()
    DomeinFactory(beheerders=[other])
    with pytest.raises(ServiceError) as exc:
        invite_domain_beheerder(
            domein_id=team["domein"].pk, by=other, full_name="X", email="x@example.org"
        )
    assert exc.value.code == "not_domain_admin"
    with pytest.raises(ServiceError):
        remove_domain_beheerder(domein_id=team["domein"].pk, user_id=team["daan"].pk, by=other)
    assert team["domein"].beheerders.count() == 2
    assert not User.objects.filter(email="x@example.org").exists()


def test_removing_a_beheerder_mails_them_and_the_others(team):
    sam = UserFactory(full_name="Sam Samen", email="sam@zorg.example")
    team["domein"].beheerders.add(sam)
    ApplicatieFactory(beheerders=[team["daan"]])
    result = team["run"](
        remove_domain_beheerder,
        domein_id=team["domein"].pk,
        user_id=team["daan"].pk,
        by=team["dora"],
    )
    assert not result.deactivated
    assert User.objects.get(pk=team["daan"].pk).is_active
    assert not team["domein"].beheerders.filter(pk=team["daan"].pk).exists()
    assert _by_recipient() == {
        "daan@zorg.example": "U bent geen beheerder meer van domein ggz-noord (lokaal)",
        "sam@zorg.example": "Daan Domein is geen beheerder meer van domein ggz-noord (lokaal)",
    }


def test_removing_someone_from_their_last_domain_and_application_deactivates_them(team):
    ApplicatieFactory(beheerders=[team["dora"]])
    result = team["run"](
        remove_domain_beheerder,
        domein_id=team["domein"].pk,
        user_id=team["daan"].pk,
        by=team["dora"],
    )
    assert result.deactivated
    assert not User.objects.get(pk=team["daan"].pk).is_active
    assert "gedeactiveerd" in next(m for m in mail.outbox if m.to == ["daan@zorg.example"]).body
    # dora still has an application: removing her from the domain keeps her account
    team["domein"].beheerders.add(UserFactory())
    result = team["run"](
        remove_domain_beheerder,
        domein_id=team["domein"].pk,
        user_id=team["dora"].pk,
        by=team["dora"],
    )
    assert not result.deactivated
    assert User.objects.get(pk=team["dora"].pk).is_active


def test_someone_removed_and_invited_again_is_active_again(team):
    team["run"](
        remove_domain_beheerder,
        domein_id=team["domein"].pk,
        user_id=team["daan"].pk,
        by=team["dora"],
    )
    team["run"](
        invite_domain_beheerder,
        domein_id=team["domein"].pk,
        by=team["dora"],
        full_name="Daan Domein",
        email="daan@zorg.example",
    )
    assert User.objects.get(pk=team["daan"].pk).is_active


def test_the_last_beheerder_cannot_be_removed_not_even_by_themselves_or_support(team):
    team["run"](
        remove_domain_beheerder,
        domein_id=team["domein"].pk,
        user_id=team["daan"].pk,
        by=team["dora"],
    )
    with pytest.raises(ServiceError) as exc:
        remove_domain_beheerder(
            domein_id=team["domein"].pk, user_id=team["dora"].pk, by=team["dora"]
        )
    assert exc.value.code == "last_beheerder"
    assert "uzelf" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        remove_domain_beheerder(
            domein_id=team["domein"].pk, user_id=team["dora"].pk, by=SupportUserFactory()
        )
    assert exc.value.code == "last_beheerder"
    assert list(team["domein"].beheerders.all()) == [team["dora"]]


def test_support_and_staff_accounts_are_never_deactivated_by_a_removal(team):
    staff = SupportUserFactory()
    team["domein"].beheerders.add(staff)
    result = remove_domain_beheerder(domein_id=team["domein"].pk, user_id=staff.pk, by=staff)
    assert not result.deactivated
    assert User.objects.get(pk=staff.pk).is_active


def test_application_teams_work_the_same(django_capture_on_commit_callbacks):
    anna = UserFactory(full_name="Anna Applicatie", email="anna@lev.example")
    app = ApplicatieFactory(naam="Zorgportaal", beheerders=[anna])
    with django_capture_on_commit_callbacks(execute=True):
        result = invite_application_beheerder(
            applicatie_id=app.pk, by=anna, full_name="Bram Bouwer", email="bram@lev.example"
        )
    assert result.created
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        "bram@lev.example": "Uitnodiging voor KT Beheer (lokaal)",
    }  # anna did it herself: no mail to her
    with pytest.raises(ServiceError) as exc:
        remove_application_beheerder(applicatie_id=app.pk, user_id=anna.pk, by=UserFactory())
    assert exc.value.code == "not_application_admin"
    remove_application_beheerder(applicatie_id=app.pk, user_id=anna.pk, by=anna)
    assert list(app.beheerders.all()) == [result.user]
    with pytest.raises(ServiceError) as exc:
        remove_application_beheerder(applicatie_id=app.pk, user_id=result.user.pk, by=result.user)
    assert exc.value.code == "last_beheerder"


def test_team_changes_are_recorded_in_the_domains_audit_trail(team):
    from beheer.audit.models import AuditEvent, AuditRecord

    team["run"](
        invite_domain_beheerder,
        domein_id=team["domein"].pk,
        by=team["dora"],
        full_name="Nina Nieuw",
        email="nina@zorg.example",
    )
    added = AuditRecord.objects.get(gebeurtenis=AuditEvent.TEAM_TOEGEVOEGD)
    assert added.door == team["dora"] and added.domein_id == team["domein"].pk
    assert added.object_label == "Nina Nieuw"
    team["run"](
        remove_domain_beheerder,
        domein_id=team["domein"].pk,
        user_id=team["daan"].pk,
        by=team["dora"],
    )
    removed = AuditRecord.objects.get(gebeurtenis=AuditEvent.TEAM_VERWIJDERD)
    assert removed.domein_id == team["domein"].pk
    assert removed.wijzigingen == {"domein": [None, "ggz-noord"], "is_active": [True, False]}
