import uuid

import pytest

from beheer.errors import ServiceError
from connectieaanvragen.models import AanvraagStatus, AanvraagStatuswijziging, Connectieaanvraag
from connectieaanvragen.services import accept_request, file_request, refuse_request
from domeinen.models import Applicatieinstantie, InstantieStatus
from domeinen.services import change_instance_status
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    keys_in_order,
    make_request,
)

pytestmark = pytest.mark.django_db


# --- filing ---------------------------------------------------------------------------------


def test_applicatiebeheerder_files_a_request(applicatie, domein, applicatiebeheerder):
    aanvraag = file_request(
        applicatie_id=applicatie.pk,
        domein_id=domein.pk,
        jwks_uri=" https://keys.example.org/jwks.json ",
        redirect_uris="https://app.example.org/launch\n\nhttps://app.example.org/launch",
        toelichting="Graag koppelen.",
        by=applicatiebeheerder,
        check_keys=keys_in_order,
    )
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD
    assert aanvraag.jwks_uri == "https://keys.example.org/jwks.json"
    assert aanvraag.redirect_uris == ["https://app.example.org/launch"]
    assert aanvraag.aangevraagd_door == applicatiebeheerder
    assert aanvraag.instantie is None
    history = list(aanvraag.historie.values_list("van_status", "naar_status", "door"))
    assert history == [("", "aangevraagd", applicatiebeheerder.pk)]


def test_support_may_file_for_any_application(applicatie, domein, support_user):
    aanvraag = make_request(applicatie=applicatie, domein=domein, by=support_user)
    assert aanvraag.aangevraagd_door == support_user


@pytest.mark.parametrize("who", ["domeinbeheerder", "outsider"])
def test_only_application_admins_may_file(request, applicatie, domein, who):
    user = request.getfixturevalue(who)
    with pytest.raises(ServiceError) as err:
        make_request(applicatie=applicatie, domein=domein, by=user)
    assert err.value.code == "not_application_admin"
    assert "beheerder van deze applicatie" in err.value.message
    assert not Connectieaanvraag.objects.exists()


@pytest.mark.parametrize(
    ("uri", "code"),
    [
        ("", "jwks_uri_required"),
        ("niet-een-url", "jwks_uri_invalid"),
        ("http://keys.example.org/jwks.json", "jwks_uri_not_https"),
        ("ftp://keys.example.org/jwks.json", "jwks_uri_invalid"),
        ("https://user:secret@keys.example.org/jwks.json", "jwks_uri_invalid"),
    ],
)
def test_bad_jwks_uri_is_refused_and_nothing_is_written(applicatie, domein, uri, code):
    with pytest.raises(ServiceError) as err:
        make_request(applicatie=applicatie, domein=domein, jwks_uri=uri)
    assert err.value.code == code
    assert not Connectieaanvraag.objects.exists()
    assert not AanvraagStatuswijziging.objects.exists()


@pytest.mark.parametrize(
    "uris",
    [["javascript:alert(1)"], ["http://app.example.org/cb"], ["https://app.example.org/cb#x"]],
)
def test_bad_redirect_uris_are_refused(applicatie, domein, uris):
    with pytest.raises(ServiceError) as err:
        make_request(applicatie=applicatie, domein=domein, redirect_uris=uris)
    assert err.value.code.startswith("redirect_uri")
    assert not Connectieaanvraag.objects.exists()


def test_http_redirect_to_localhost_is_allowed(applicatie, domein):
    aanvraag = make_request(
        applicatie=applicatie, domein=domein, redirect_uris=["http://127.0.0.1:3000/cb"]
    )
    assert aanvraag.redirect_uris == ["http://127.0.0.1:3000/cb"]


def test_second_open_request_for_the_same_pair_is_refused(applicatie, domein):
    make_request(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        make_request(applicatie=applicatie, domein=domein)
    assert err.value.code == "open_request_exists"
    assert Connectieaanvraag.objects.count() == 1


def test_same_application_may_request_another_domain(applicatie, domein, domeinbeheerder):
    other = DomeinFactory(beheerders=[domeinbeheerder])
    make_request(applicatie=applicatie, domein=domein)
    make_request(applicatie=applicatie, domein=other)
    assert Connectieaanvraag.objects.count() == 2


def test_no_request_while_a_non_closed_instance_exists(applicatie, domein, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    instance = accept_request(request_id=aanvraag.pk, by=domeinbeheerder).instantie
    with pytest.raises(ServiceError) as err:
        make_request(applicatie=applicatie, domein=domein)
    assert err.value.code == "instance_exists"
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="Onderhoud", by=domeinbeheerder
    )
    with pytest.raises(ServiceError):
        make_request(applicatie=applicatie, domein=domein)


def test_after_closing_a_new_request_yields_a_new_client_id(applicatie, domein, domeinbeheerder):
    first = accept_request(
        request_id=make_request(applicatie=applicatie, domein=domein).pk, by=domeinbeheerder
    ).instantie
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=first.pk, new_status=status, reason="Contract beëindigd", by=domeinbeheerder
        )
    again = make_request(applicatie=applicatie, domein=domein)
    second = accept_request(request_id=again.pk, by=domeinbeheerder).instantie
    assert second.pk != first.pk
    assert second.client_id != first.client_id
    assert second.status == InstantieStatus.ACTIEF


def test_too_long_remarks_are_refused(applicatie, domein):
    with pytest.raises(ServiceError) as err:
        make_request(applicatie=applicatie, domein=domein, toelichting="x" * 4001)
    assert err.value.code == "remarks_too_long"


def test_unknown_domain_is_refused(applicatie):
    with pytest.raises(ServiceError) as err:
        file_request(
            applicatie_id=applicatie.pk,
            domein_id=999999,
            jwks_uri="https://keys.example.org/jwks.json",
            by=applicatie.beheerders.first(),
        )
    assert err.value.code == "domain_not_found"


# --- accepting ------------------------------------------------------------------------------


def test_accepting_creates_an_active_instance_with_a_new_client_id(
    applicatie, domein, domeinbeheerder
):
    aanvraag = make_request(applicatie=applicatie, domein=domein, redirect_uris=["https://a.nl/cb"])
    accepted = accept_request(request_id=aanvraag.pk, by=domeinbeheerder)
    accepted.refresh_from_db()
    instance = accepted.instantie
    assert accepted.status == AanvraagStatus.GEACCEPTEERD
    assert accepted.besloten_door == domeinbeheerder
    assert accepted.besloten_op is not None
    assert instance.status == InstantieStatus.ACTIEF
    assert isinstance(instance.client_id, uuid.UUID)
    assert instance.client_id.version == 4
    assert instance.applicatie == applicatie and instance.domein == domein
    assert instance.jwks_uri == aanvraag.jwks_uri
    assert instance.redirect_uris == ["https://a.nl/cb"]
    assert instance.connectieaanvraag == accepted
    assert list(instance.historie.values_list("van_status", "naar_status")) == [("", "actief")]
    assert list(accepted.historie.order_by("op", "id").values_list("naar_status", flat=True)) == [
        "aangevraagd",
        "geaccepteerd",
    ]


def test_support_may_accept(applicatie, domein, support_user):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    assert accept_request(request_id=aanvraag.pk, by=support_user).status == "geaccepteerd"


@pytest.mark.parametrize("who", ["applicatiebeheerder", "outsider", "other_domain_admin"])
def test_only_admins_of_that_domain_may_decide(request, applicatie, domein, who):
    if who == "other_domain_admin":
        user = UserFactory()
        DomeinFactory(beheerders=[user])
    else:
        user = request.getfixturevalue(who)
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        accept_request(request_id=aanvraag.pk, by=user)
    assert err.value.code == "not_domain_admin"
    with pytest.raises(ServiceError):
        refuse_request(request_id=aanvraag.pk, reason="Nee", by=user)
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD
    assert not Applicatieinstantie.objects.exists()


@pytest.mark.parametrize("first", ["accept", "refuse"])
@pytest.mark.parametrize("second", ["accept", "refuse"])
def test_a_decided_request_is_final(applicatie, domein, domeinbeheerder, first, second):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    actions = {
        "accept": lambda: accept_request(request_id=aanvraag.pk, by=domeinbeheerder),
        "refuse": lambda: refuse_request(
            request_id=aanvraag.pk, reason="Zwaarwegend", by=domeinbeheerder
        ),
    }
    actions[first]()
    aanvraag.refresh_from_db()
    before = (aanvraag.status, aanvraag.besloten_op, aanvraag.besluit_reden, aanvraag.instantie_id)
    with pytest.raises(ServiceError) as err:
        actions[second]()
    assert err.value.code == "transition_not_allowed"
    assert "besluit staat vast" in err.value.message
    aanvraag.refresh_from_db()
    after = (aanvraag.status, aanvraag.besloten_op, aanvraag.besluit_reden, aanvraag.instantie_id)
    assert before == after
    assert Applicatieinstantie.objects.count() == (1 if first == "accept" else 0)


def test_unknown_request_gives_a_clear_error(domeinbeheerder):
    with pytest.raises(ServiceError) as err:
        accept_request(request_id=424242, by=domeinbeheerder)
    assert err.value.code == "not_found"


def test_accept_is_all_or_nothing(applicatie, domein, domeinbeheerder, monkeypatch):
    """A failure after the instance is created rolls back the instance and the decision."""
    aanvraag = make_request(applicatie=applicatie, domein=domein)

    def broken_history(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(AanvraagStatuswijziging.objects, "create", broken_history)
    with pytest.raises(RuntimeError):
        accept_request(request_id=aanvraag.pk, by=domeinbeheerder)
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD
    assert aanvraag.instantie is None
    assert not Applicatieinstantie.objects.exists()


# --- refusing -------------------------------------------------------------------------------


def test_refusing_records_the_reason(applicatie, domein, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    refused = refuse_request(
        request_id=aanvraag.pk, reason="  Geen verwerkersovereenkomst.  ", by=domeinbeheerder
    )
    refused.refresh_from_db()
    assert refused.status == AanvraagStatus.GEWEIGERD
    assert refused.besluit_reden == "Geen verwerkersovereenkomst."
    assert refused.besloten_door == domeinbeheerder
    assert refused.historie.filter(naar_status="geweigerd", reden__contains="verwerkers").exists()
    assert not Applicatieinstantie.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_refusing_needs_a_reason(applicatie, domein, domeinbeheerder, reason):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        refuse_request(request_id=aanvraag.pk, reason=reason, by=domeinbeheerder)
    assert err.value.code == "reason_required"
    aanvraag.refresh_from_db()
    assert aanvraag.status == AanvraagStatus.AANGEVRAAGD


def test_after_refusal_the_pair_may_request_again(applicatie, domein, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    refuse_request(request_id=aanvraag.pk, reason="Nog niet", by=domeinbeheerder)
    again = make_request(applicatie=applicatie, domein=domein)
    assert again.status == AanvraagStatus.AANGEVRAAGD


def test_user_of_both_roles_only_decides_in_own_domain():
    both = UserFactory()
    own_domain = DomeinFactory(beheerders=[both])
    foreign_domain = DomeinFactory(beheerders=[UserFactory()])
    app = ApplicatieFactory(beheerders=[both])
    other_app = ApplicatieFactory(beheerders=[UserFactory()])
    others = make_request(applicatie=other_app, domein=own_domain)
    theirs = make_request(applicatie=app, domein=foreign_domain, by=both)
    assert accept_request(request_id=others.pk, by=both).status == "geaccepteerd"
    with pytest.raises(ServiceError):
        accept_request(request_id=theirs.pk, by=both)
