"""Issue 18's moves: withdrawing a request, change requests for a live instance (legal and
illegal), and closing an instance ending its open change."""

import pytest

from beheer.errors import ServiceError
from connectieaanvragen.change_services import (
    accept_change,
    file_change,
    refuse_change,
    request_change,
    withdraw_change,
)
from connectieaanvragen.models import (
    AanvraagStatus,
    Connectieaanvraag,
    WijzigingStatus,
    Wijzigingsverzoek,
)
from connectieaanvragen.selectors import requests_for_domain
from connectieaanvragen.services import accept_request, refuse_request, withdraw_request
from domeinen.models import InstantieStatus, SleutelStatus, WijzigingSoort
from domeinen.services import change_instance_status
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    SupportUserFactory,
    UserFactory,
    make_change,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    anna, dora = UserFactory(), UserFactory()
    return {
        "anna": anna,
        "dora": dora,
        "app": ApplicatieFactory(beheerders=[anna]),
        "domein": DomeinFactory(beheerders=[dora]),
    }


# --- withdrawing a request ------------------------------------------------------------------


def test_an_applicatiebeheerder_withdraws_an_open_request_with_history(pair):
    aanvraag = make_request(applicatie=pair["app"], domein=pair["domein"])
    withdrawn = withdraw_request(request_id=aanvraag.pk, by=pair["anna"], reason="typefout")
    assert withdrawn.status == AanvraagStatus.INGETROKKEN
    assert withdrawn.besloten_door == pair["anna"]
    assert withdrawn.besluit_reden == "typefout"
    row = withdrawn.historie.first()
    assert (row.van_status, row.naar_status, row.reden, row.door) == (
        "aangevraagd",
        "ingetrokken",
        "typefout",
        pair["anna"],
    )


def test_the_reason_for_withdrawing_is_optional(pair):
    aanvraag = make_request(applicatie=pair["app"], domein=pair["domein"])
    assert withdraw_request(request_id=aanvraag.pk, by=pair["anna"]).besluit_reden == ""


def test_the_pair_is_free_for_a_new_request_at_once(pair):
    first = make_request(applicatie=pair["app"], domein=pair["domein"])
    withdraw_request(request_id=first.pk, by=pair["anna"])
    second = make_request(applicatie=pair["app"], domein=pair["domein"])
    assert second.is_open and second.pk != first.pk


def test_a_domeinbeheerder_cannot_withdraw_a_request(pair):
    aanvraag = make_request(applicatie=pair["app"], domein=pair["domein"])
    with pytest.raises(ServiceError) as exc:
        withdraw_request(request_id=aanvraag.pk, by=pair["dora"])
    assert exc.value.code == "not_application_admin"
    assert Connectieaanvraag.objects.get(pk=aanvraag.pk).is_open


def test_support_can_withdraw_on_behalf_of_the_vendor(pair):
    aanvraag = make_request(applicatie=pair["app"], domein=pair["domein"])
    support = SupportUserFactory()
    assert withdraw_request(request_id=aanvraag.pk, by=support).status == "ingetrokken"


@pytest.mark.parametrize("decide", ["accept", "refuse", "withdraw"])
def test_a_decided_request_cannot_be_withdrawn(pair, decide):
    aanvraag = make_request(applicatie=pair["app"], domein=pair["domein"])
    if decide == "accept":
        accept_request(request_id=aanvraag.pk, by=pair["dora"])
    elif decide == "refuse":
        refuse_request(request_id=aanvraag.pk, reason="nee", by=pair["dora"])
    else:
        withdraw_request(request_id=aanvraag.pk, by=pair["anna"])
    before = Connectieaanvraag.objects.values().get(pk=aanvraag.pk)
    with pytest.raises(ServiceError) as exc:
        withdraw_request(request_id=aanvraag.pk, by=pair["anna"])
    assert exc.value.code == "transition_not_allowed"
    assert Connectieaanvraag.objects.values().get(pk=aanvraag.pk) == before


def test_a_withdrawn_request_cannot_be_decided_by_a_stale_tab(pair):
    aanvraag = make_request(applicatie=pair["app"], domein=pair["domein"])
    withdraw_request(request_id=aanvraag.pk, by=pair["anna"])
    with pytest.raises(ServiceError) as exc:
        accept_request(request_id=aanvraag.pk, by=pair["dora"])
    assert exc.value.message == (
        "Deze connectieaanvraag is al ingetrokken; het besluit staat vast."
    )
    with pytest.raises(ServiceError):
        refuse_request(request_id=aanvraag.pk, reason="nee", by=pair["dora"])
    assert Connectieaanvraag.objects.get(pk=aanvraag.pk).instantie is None


def test_the_domain_list_shows_a_withdrawn_request_after_the_open_ones(pair):
    other = ApplicatieFactory(beheerders=[pair["anna"]])
    withdrawn = make_request(applicatie=pair["app"], domein=pair["domein"])
    withdraw_request(request_id=withdrawn.pk, by=pair["anna"])
    still_open = make_request(applicatie=other, domein=pair["domein"])
    rows = list(requests_for_domain(domein=pair["domein"]))
    assert [r.pk for r in rows] == [still_open.pk, withdrawn.pk]
    assert rows[1].get_status_display() == "Ingetrokken"


# --- change requests ------------------------------------------------------------------------


@pytest.fixture
def live(pair):
    instance = make_instance(applicatie=pair["app"], domein=pair["domein"])
    return {**pair, "instance": instance}


def _change(live, **kwargs):
    kwargs.setdefault("redirect_uris", ["https://app.example.org/terug"])
    return make_change(instance_id=live["instance"].pk, by=live["anna"], **kwargs)


def test_filing_a_change_keeps_the_old_values_and_writes_history(live):
    old_jwks = live["instance"].jwks_uri
    verzoek = _change(live, jwks_uri="https://keys.example.org/nieuw.json", toelichting="rotatie")
    assert verzoek.status == WijzigingStatus.AANGEVRAAGD
    assert verzoek.oude_jwks_uri == old_jwks
    assert verzoek.oude_redirect_uris == []
    assert verzoek.jwks_uri == "https://keys.example.org/nieuw.json"
    assert verzoek.redirect_uris == ["https://app.example.org/terug"]
    assert verzoek.historie.get().naar_status == "aangevraagd"
    live["instance"].refresh_from_db()
    assert live["instance"].jwks_uri == old_jwks  # nothing changes before it is accepted


def test_a_change_that_changes_nothing_is_refused(live):
    with pytest.raises(ServiceError) as exc:
        make_change(
            instance_id=live["instance"].pk,
            by=live["anna"],
            jwks_uri=live["instance"].jwks_uri,
            redirect_uris=[],
        )
    assert exc.value.code == "nothing_changed"
    assert not Wijzigingsverzoek.objects.exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"jwks_uri": "http://keys.example.org/jwks"}, "De JWKS URI moet met https:// beginnen."),
        ({"jwks_uri": "geen url"}, "De JWKS URI is geen geldige URL."),
        (
            {"redirect_uris": ["https://app.example.org/#x"]},
            "De redirect URI 'https://app.example.org/#x' mag geen fragment (#...) bevatten.",
        ),
    ],
)
def test_a_change_refuses_what_filing_refuses_with_the_same_message(live, kwargs, message):
    with pytest.raises(ServiceError) as exc:
        make_change(instance_id=live["instance"].pk, by=live["anna"], **kwargs)
    assert exc.value.message == message


def test_only_one_open_change_per_instance(live):
    _change(live)
    with pytest.raises(ServiceError) as exc:
        _change(live, redirect_uris=["https://app.example.org/ander"])
    assert exc.value.code == "open_change_exists"


def test_a_domeinbeheerder_cannot_file_a_change(live):
    with pytest.raises(ServiceError) as exc:
        make_change(
            instance_id=live["instance"].pk, by=live["dora"], redirect_uris=["https://a.nl/x"]
        )
    assert exc.value.code == "not_application_admin"


def test_a_closed_instance_cannot_be_changed(live):
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=live["instance"].pk, new_status=status, reason="stop", by=live["dora"]
        )
    with pytest.raises(ServiceError) as exc:
        _change(live)
    assert exc.value.code == "instance_closed"


def test_an_instance_in_maintenance_can_be_changed(live):
    change_instance_status(
        instance_id=live["instance"].pk, new_status="in_onderhoud", reason="x", by=live["dora"]
    )
    assert _change(live).is_open


def test_accepting_changes_the_instance_in_place(live):
    instance = live["instance"]
    old = {"jwks_uri": instance.jwks_uri, "redirect_uris": []}
    verzoek = _change(live, jwks_uri="https://keys.example.org/nieuw.json")
    accept_change(change_id=verzoek.pk, by=live["dora"])
    fresh = type(instance).objects.get(pk=instance.pk)
    assert fresh.client_id == instance.client_id
    assert fresh.status == instance.status and fresh.rol_id == instance.rol_id
    assert fresh.jwks_uri == "https://keys.example.org/nieuw.json"
    assert fresh.redirect_uris == ["https://app.example.org/terug"]
    assert fresh.sleutels_status == SleutelStatus.ONBEKEND
    row = fresh.historie.first()
    assert row.soort == WijzigingSoort.URIS
    assert row.van_waarden == old
    assert row.naar_waarden == {
        "jwks_uri": "https://keys.example.org/nieuw.json",
        "redirect_uris": ["https://app.example.org/terug"],
    }
    assert row.door == live["dora"]
    verzoek.refresh_from_db()
    assert verzoek.status == "geaccepteerd" and verzoek.besloten_door == live["dora"]


def test_an_applicatiebeheerder_cannot_decide_a_change(live):
    verzoek = _change(live)
    with pytest.raises(ServiceError) as exc:
        accept_change(change_id=verzoek.pk, by=live["anna"])
    assert exc.value.code == "not_domain_admin"
    with pytest.raises(ServiceError):
        refuse_change(change_id=verzoek.pk, reason="nee", by=live["anna"])
    assert Wijzigingsverzoek.objects.get(pk=verzoek.pk).is_open


def test_refusing_needs_a_reason_and_leaves_the_instance(live):
    verzoek = _change(live)
    with pytest.raises(ServiceError) as exc:
        refuse_change(change_id=verzoek.pk, reason="  ", by=live["dora"])
    assert exc.value.code == "reason_required"
    refuse_change(change_id=verzoek.pk, reason="Niet nodig", by=live["dora"])
    verzoek.refresh_from_db()
    assert (verzoek.status, verzoek.besluit_reden) == ("geweigerd", "Niet nodig")
    live["instance"].refresh_from_db()
    assert live["instance"].redirect_uris == []


@pytest.mark.parametrize("first", ["accept", "refuse", "withdraw"])
def test_a_decided_change_cannot_be_decided_again(live, first):
    verzoek = _change(live)
    moves = {
        "accept": lambda: accept_change(change_id=verzoek.pk, by=live["dora"]),
        "refuse": lambda: refuse_change(change_id=verzoek.pk, reason="nee", by=live["dora"]),
        "withdraw": lambda: withdraw_change(change_id=verzoek.pk, by=live["anna"]),
    }
    moves[first]()
    before = Wijzigingsverzoek.objects.values().get(pk=verzoek.pk)
    for name, move in moves.items():
        with pytest.raises(ServiceError) as exc:
            move()
        assert exc.value.code == "transition_not_allowed", name
    assert Wijzigingsverzoek.objects.values().get(pk=verzoek.pk) == before


def test_withdrawing_a_change_frees_the_instance_for_another(live):
    verzoek = _change(live)
    withdraw_change(change_id=verzoek.pk, by=live["anna"], reason="vergissing")
    verzoek.refresh_from_db()
    assert verzoek.status == "ingetrokken"
    assert _change(live, redirect_uris=["https://app.example.org/ander"]).is_open


def test_a_domeinbeheerder_cannot_withdraw_a_change(live):
    verzoek = _change(live)
    with pytest.raises(ServiceError) as exc:
        withdraw_change(change_id=verzoek.pk, by=live["dora"])
    assert exc.value.code == "not_application_admin"


def test_closing_the_instance_ends_its_open_change(live):
    verzoek = _change(live)
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=live["instance"].pk,
            new_status=status,
            reason="contract op",
            by=live["dora"],
        )
    verzoek.refresh_from_db()
    assert verzoek.status == WijzigingStatus.VERVALLEN
    assert verzoek.historie.first().naar_status == "vervallen"
    with pytest.raises(ServiceError) as exc:
        accept_change(change_id=verzoek.pk, by=live["dora"])
    assert exc.value.code == "transition_not_allowed"
    assert live["instance"].__class__.objects.get(pk=live["instance"].pk).status == (
        InstantieStatus.AFGESLOTEN
    )


# --- file_change: the keys are checked as at filing ------------------------------------------


def test_a_new_jwks_uri_with_bad_keys_is_refused_with_the_filing_message(live, jwks_server):
    uri = jwks_server.serve(document={"keys": []})
    with pytest.raises(ServiceError) as exc:
        file_change(instance_id=live["instance"].pk, by=live["anna"], jwks_uri=uri)
    assert exc.value.message == "De JWK Set bevat geen sleutels."
    assert not Wijzigingsverzoek.objects.exists()


def test_a_new_jwks_uri_with_good_keys_is_filed_with_its_check(live, jwks_server):
    uri = jwks_server.serve()
    verzoek = file_change(instance_id=live["instance"].pk, by=live["anna"], jwks_uri=uri)
    assert verzoek.jwks_uri == uri
    assert verzoek.jwks_resultaat["ok"] is True
    assert {k["kid"] for k in verzoek.jwks_resultaat["sleutels"]} == {"rsa-1", "ec-1"}


# --- separation of duties and the key check, as for requests ---------------------------------


def test_nobody_decides_a_change_of_an_application_they_administer(live):
    live["app"].beheerders.add(live["dora"])  # dora now also administers the application
    verzoek = _change(live)
    with pytest.raises(ServiceError) as exc:
        accept_change(change_id=verzoek.pk, by=live["dora"])
    assert exc.value.code == "own_request"
    assert Wijzigingsverzoek.objects.get(pk=verzoek.pk).is_open


def test_accepting_a_change_whose_keys_are_not_in_orde_needs_a_reason(live):
    # Filed without a key check (request_change directly): not "in orde".
    verzoek = request_change(
        instance_id=live["instance"].pk, by=live["anna"], redirect_uris=["https://a.nl/t"]
    )
    with pytest.raises(ServiceError) as exc:
        accept_change(change_id=verzoek.pk, by=live["dora"])
    assert exc.value.code == "key_check_not_ok"
    assert Wijzigingsverzoek.objects.get(pk=verzoek.pk).is_open
    accept_change(change_id=verzoek.pk, by=live["dora"], key_check_reason="Sleutels bekend.")
    row = Wijzigingsverzoek.objects.get(pk=verzoek.pk).historie.first()
    assert row.naar_status == "geaccepteerd"
    assert row.reden == (
        "Geaccepteerd hoewel de sleutelcontrole niet in orde was: Sleutels bekend."
    )
