"""Separation of duties: nobody decides a request they filed or one for an application they
administer; accepting without a good key check needs a confirmed reason, kept in history."""

import pytest
from django.urls import reverse

from beheer.errors import ServiceError
from connectieaanvragen.models import AanvraagStatus, Connectieaanvraag
from connectieaanvragen.services import accept_request, refuse_request
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    SupportUserFactory,
    UserFactory,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def both():
    """Domeinbeheerder of the domain and applicatiebeheerder of the application."""
    return UserFactory(username="sam")


@pytest.fixture
def fellow():
    return UserFactory(username="fellow")


@pytest.fixture
def own_request(both, fellow):
    domein = DomeinFactory(beheerders=[both, fellow])
    app = ApplicatieFactory(beheerders=[both])
    return make_request(applicatie=app, domein=domein, by=both)


def test_the_filer_who_administers_the_domain_may_not_accept_nor_refuse(own_request, both):
    with pytest.raises(ServiceError) as info:
        accept_request(request_id=own_request.pk, by=both)
    assert info.value.code == "own_request"
    assert "andere domeinbeheerder van dit domein of support" in info.value.message
    with pytest.raises(ServiceError):
        refuse_request(request_id=own_request.pk, reason="nee", by=both)
    assert Connectieaanvraag.objects.get(pk=own_request.pk).status == AanvraagStatus.AANGEVRAAGD


def test_a_beheerder_of_the_application_may_not_decide_a_request_a_colleague_filed(both, fellow):
    domein = DomeinFactory(beheerders=[both, fellow])
    colleague = UserFactory()
    app = ApplicatieFactory(beheerders=[both, colleague])
    aanvraag = make_request(applicatie=app, domein=domein, by=colleague)
    with pytest.raises(ServiceError) as info:
        accept_request(request_id=aanvraag.pk, by=both)
    assert "U beheert de applicatie" in info.value.message


def test_a_fellow_domeinbeheerder_decides_instead(own_request, fellow):
    assert accept_request(request_id=own_request.pk, by=fellow).status == "geaccepteerd"


def test_support_who_filed_may_not_decide_but_other_support_may(both, fellow):
    domein = DomeinFactory(beheerders=[fellow])
    app = ApplicatieFactory(beheerders=[both])
    filer, other = SupportUserFactory(), SupportUserFactory()
    aanvraag = make_request(applicatie=app, domein=domein, by=filer)
    with pytest.raises(ServiceError):
        accept_request(request_id=aanvraag.pk, by=filer)
    assert accept_request(request_id=aanvraag.pk, by=other).status == "geaccepteerd"


def test_the_review_page_says_why_and_who_else_decides(client, own_request, both, fellow):
    login(client, both)
    url = reverse("connectieaanvragen:beoordelen", args=[own_request.domein.naam, own_request.pk])
    page = client.get(url)
    blokkade = page.context["besluit_blokkade"]
    assert "U hebt deze connectieaanvraag zelf ingediend" in blokkade
    assert "andere domeinbeheerder van dit domein of support" in blokkade
    # The page says so instead of offering the decision.
    html = page.content.decode()
    assert "U hebt deze connectieaanvraag zelf ingediend" in html
    assert (
        reverse("connectieaanvragen:accepteren", args=[own_request.domein.naam, own_request.pk])
        not in html
    )
    response = client.post(
        reverse("connectieaanvragen:accepteren", args=[own_request.domein.naam, own_request.pk]),
        follow=True,
    )
    assert "U hebt deze connectieaanvraag zelf ingediend" in response.content.decode()
    assert Connectieaanvraag.objects.get(pk=own_request.pk).status == AanvraagStatus.AANGEVRAAGD
    client.logout()
    login(client, fellow)
    assert client.get(url).context["besluit_blokkade"] == ""


def test_the_api_answers_403_with_the_same_message(client, own_request, both):
    from api.services import create_personal_token

    _row, secret = create_personal_token(gebruiker=both, naam="t", by=both)
    response = client.post(
        f"/api/v1/aanvragen/{own_request.pk}/accepteren/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "own_request"


# --- accepting without a good key check -------------------------------------------------------


@pytest.fixture
def unchecked(fellow):
    domein = DomeinFactory(beheerders=[fellow])
    app = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=app, domein=domein)
    Connectieaanvraag.objects.filter(pk=aanvraag.pk).update(
        jwks_resultaat={"uri": aanvraag.jwks_uri, "ok": False, "fout": "Niet bereikbaar."}
    )
    return aanvraag


def test_accepting_a_request_whose_key_check_failed_needs_a_reason(unchecked, fellow):
    with pytest.raises(ServiceError) as info:
        accept_request(request_id=unchecked.pk, by=fellow)
    assert info.value.code == "key_check_not_ok"
    aanvraag = accept_request(
        request_id=unchecked.pk, by=fellow, key_check_reason="Leverancier zet de sleutels morgen."
    )
    assert aanvraag.status == "geaccepteerd"
    reden = aanvraag.historie.get(naar_status="geaccepteerd").reden
    assert "sleutelcontrole niet in orde" in reden
    assert "Leverancier zet de sleutels morgen." in reden


def test_a_check_of_another_uri_does_not_count(unchecked, fellow):
    Connectieaanvraag.objects.filter(pk=unchecked.pk).update(
        jwks_resultaat={"uri": "https://elders.example.org/jwks.json", "ok": True}
    )
    with pytest.raises(ServiceError):
        accept_request(request_id=unchecked.pk, by=fellow)


def test_the_review_form_asks_for_confirmation_and_reason(client, unchecked, fellow):
    login(client, fellow)
    args = [unchecked.domein.naam, unchecked.pk]
    page = client.get(reverse("connectieaanvragen:beoordelen", args=args))
    assert page.context["sleutels_in_orde"] is False
    assert "sleutels_reden" in page.context["accept_form"].fields
    html = page.content.decode()
    assert 'name="accepteren-sleutels_bevestigd"' in html
    assert 'name="accepteren-sleutels_reden"' in html
    assert "niet in orde" in html
    url = reverse("connectieaanvragen:accepteren", args=args)
    response = client.post(url, {"accepteren-sleutels_bevestigd": "on"})
    assert "sleutels_reden" in response.context["accept_form"].errors
    response = client.post(url, {})
    assert "sleutels_bevestigd" in response.context["accept_form"].errors
    assert Connectieaanvraag.objects.get(pk=unchecked.pk).status == AanvraagStatus.AANGEVRAAGD
    client.post(
        url,
        {"accepteren-sleutels_bevestigd": "on", "accepteren-sleutels_reden": "Bekend probleem."},
    )
    aanvraag = Connectieaanvraag.objects.get(pk=unchecked.pk)
    assert aanvraag.status == AanvraagStatus.GEACCEPTEERD
    assert "Bekend probleem." in aanvraag.historie.get(naar_status="geaccepteerd").reden


def test_the_api_wants_the_reason_too(client, unchecked, fellow):
    from api.services import create_personal_token

    _row, secret = create_personal_token(gebruiker=fellow, naam="t", by=fellow)
    url = f"/api/v1/aanvragen/{unchecked.pk}/accepteren/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.post(url, {}, content_type="application/json", **headers)
    assert response.status_code == 409
    assert response.json()["code"] == "key_check_not_ok"
    response = client.post(
        url, {"sleutelcontrole_reden": "Bekend."}, content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert response.json()["status"] == "geaccepteerd"


def test_the_admin_bulk_action_skips_requests_without_a_good_key_check(client, unchecked):
    support = SupportUserFactory()
    login(client, support)
    client.post(
        reverse("admin:connectieaanvragen_connectieaanvraag_changelist"),
        {"action": "accept_selected", "_selected_action": [unchecked.pk]},
    )
    assert Connectieaanvraag.objects.get(pk=unchecked.pk).status == AanvraagStatus.AANGEVRAAGD


def test_the_demo_leaves_sams_own_request_to_someone_else():
    from django.core.management import call_command

    from beheer.accounts.models import User

    call_command("demo")
    sam = User.objects.get(username="sam")
    own = Connectieaanvraag.objects.get(applicatie__naam="EPD Horizon", domein__naam="ggz-west")
    with pytest.raises(ServiceError):
        accept_request(request_id=own.pk, by=sam)
    anna_in_west = Connectieaanvraag.objects.get(
        applicatie__naam="Zorgportaal Plus", domein__naam="ggz-west"
    )
    assert accept_request(request_id=anna_in_west.pk, by=sam).status == "geaccepteerd"
