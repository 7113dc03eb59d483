"""The tab "Beheerders": the list, inviting with confirmation, removing, extending."""

import pytest
from django.core import mail

from beheer.accounts.models import User
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, DomeinFactory, SupportUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    dora = UserFactory(username="dora", full_name="Dora Domein", email="dora@zorg.example")
    daan = UserFactory(username="daan", full_name="Daan Domein", email="daan@zorg.example")
    other = UserFactory(username="olga", full_name="Olga Ander")
    return {
        "dora": dora,
        "daan": daan,
        "other": other,
        "A": DomeinFactory(naam="ggz-noord", beheerders=[dora, daan]),
        "B": DomeinFactory(naam="ggz-zuid", beheerders=[other]),
        "X": ApplicatieFactory(naam="Zorgportaal", beheerders=[dora]),
    }


def test_the_domain_tab_lists_the_team_with_their_validity(client, world):
    login(client, world["dora"])
    page = client.get("/domeinen/ggz-noord/beheerders/").content.decode()
    assert 'aria-current="page">Beheerders' in page
    assert "Dora Domein" in page and "Daan Domein" in page
    assert "Olga Ander" not in page
    assert f"/domeinen/ggz-noord/beheerders/{world['daan'].pk}/verlengen/" in page
    assert f"/domeinen/ggz-noord/beheerders/{world['dora'].pk}/verlengen/" not in page  # self


def test_the_tabs_link_to_the_team_pages(client, world):
    login(client, world["dora"])
    assert "/domeinen/ggz-noord/beheerders/" in client.get("/domeinen/ggz-noord/").content.decode()
    app = world["X"]
    assert (
        f"/applicaties/{app.pk}/beheerders/"
        in client.get(f"/applicaties/{app.pk}/").content.decode()
    )


def test_inviting_through_the_page_asks_to_confirm_another_name(client, world):
    login(client, world["dora"])
    url = "/domeinen/ggz-noord/beheerders/"
    data = {"full_name": "Iemand Anders", "email": world["other"].email}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Olga Ander" in page and "Bevestig" in page
    assert 'type="checkbox" name="confirm_existing"' in page
    assert not world["A"].beheerders.filter(pk=world["other"].pk).exists()
    response = client.post(url, {**data, "confirm_existing": "on"})
    assert response.status_code == 302
    assert world["A"].beheerders.filter(pk=world["other"].pk).exists()


def test_inviting_a_new_person_through_the_page(client, world, django_capture_on_commit_callbacks):
    login(client, world["dora"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/domeinen/ggz-noord/beheerders/",
            {"full_name": "Nina Nieuw", "email": "nina@zorg.example"},
            follow=True,
        )
    assert "de uitnodiging is gemaild" in response.content.decode()
    assert User.objects.get(email="nina@zorg.example").beheerde_domeinen.get() == world["A"]
    assert sorted(m.to[0] for m in mail.outbox) == ["daan@zorg.example", "nina@zorg.example"]


def test_bad_input_gives_messages_not_errors(client, world):
    login(client, world["dora"])
    response = client.post("/domeinen/ggz-noord/beheerders/", {"full_name": "", "email": "x"})
    assert response.status_code == 200
    assert "Vul de naam in." in response.content.decode()


def test_removing_the_last_beheerder_through_the_page_is_refused_with_a_message(client, world):
    login(client, world["other"])
    response = client.post(
        f"/domeinen/ggz-zuid/beheerders/{world['other'].pk}/verwijderen/", follow=True
    )
    assert response.status_code == 200
    assert "laatste beheerder" in response.content.decode()
    assert world["B"].beheerders.count() == 1


def test_removing_yourself_leads_back_to_the_start(client, world):
    login(client, world["daan"])
    response = client.post(f"/domeinen/ggz-noord/beheerders/{world['daan'].pk}/verwijderen/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not world["A"].beheerders.filter(pk=world["daan"].pk).exists()


def test_a_fellow_beheerder_extends_an_account_but_not_their_own(client, world):
    User.objects.filter(pk=world["daan"].pk).update(geldig_tot="2000-01-01")
    login(client, world["dora"])
    response = client.post(
        f"/domeinen/ggz-noord/beheerders/{world['daan'].pk}/verlengen/", follow=True
    )
    assert "is verlengd tot en met" in response.content.decode()
    assert not User.objects.get(pk=world["daan"].pk).is_expired
    before = User.objects.get(pk=world["dora"].pk).geldig_tot
    response = client.post(
        f"/domeinen/ggz-noord/beheerders/{world['dora'].pk}/verlengen/", follow=True
    )
    assert "niet verlengen" in response.content.decode()
    assert User.objects.get(pk=world["dora"].pk).geldig_tot == before


def test_a_beheerder_of_another_domain_cannot_extend_or_remove_through_their_own_url(client, world):
    login(client, world["other"])
    for action in ("verlengen", "verwijderen"):
        # Daan is not on ggz-zuid: a 404, even on the other's own domain URL
        url = f"/domeinen/ggz-zuid/beheerders/{world['daan'].pk}/{action}/"
        assert client.post(url).status_code == 404
        url = f"/domeinen/ggz-noord/beheerders/{world['daan'].pk}/{action}/"
        assert client.post(url).status_code == 404
    assert world["A"].beheerders.count() == 2


def test_support_sees_and_changes_every_team(client, world):
    login(client, SupportUserFactory())
    assert client.get("/domeinen/ggz-zuid/beheerders/").status_code == 200
    response = client.post(f"/domeinen/ggz-noord/beheerders/{world['daan'].pk}/verwijderen/")
    assert response.status_code == 302
    assert world["A"].beheerders.count() == 1
