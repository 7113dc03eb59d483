"""The links in the team mails open the team's page for their recipients."""

import pytest
from django.core import mail

from teams.services import invite_domain_beheerder, remove_application_beheerder
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory
from tests.outbox.test_mail_links import BASE, _open_every_link, _users

pytestmark = pytest.mark.django_db


def test_team_mails_link_to_the_team_pages(settings, django_capture_on_commit_callbacks):
    settings.KT_BASE_URL = BASE
    settings.ALLOWED_HOSTS = ["testserver"]
    dora = UserFactory(email="dora@zorg.example")
    daan = UserFactory(email="daan@zorg.example")
    anna = UserFactory(email="anna@lev.example", full_name="Anna Applicatie")
    bram = UserFactory(email="bram@lev.example")
    DomeinFactory(naam="ggz-noord", beheerders=[dora, daan])
    app = ApplicatieFactory(beheerders=[anna, bram, dora])
    with django_capture_on_commit_callbacks(execute=True):
        invite_domain_beheerder(
            domein_id=dora.beheerde_domeinen.get().pk,
            by=dora,
            full_name="Anna Applicatie",
            email="anna@lev.example",
        )
    for message in mail.outbox:
        assert "teams:domein" in _open_every_link(message, _users(anna, daan))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remove_application_beheerder(applicatie_id=app.pk, user_id=dora.pk, by=anna)
    (to_bram,) = [m for m in mail.outbox if m.to == ["bram@lev.example"]]
    assert "teams:applicatie" in _open_every_link(to_bram, _users(bram))
