"""The services of identity providers and of the instances' IdP lists."""

import pytest

from beheer.errors import ServiceError
from domeinen.models import InstantieStatuswijziging, WijzigingSoort
from domeinen.services import change_instance_status
from identiteit.models import IdentityProvider, IdpActie, IdpWijziging, InstantieIdp
from identiteit.selectors import idp_lists, instances_using, served_idps
from identiteit.services import (
    add_instance_idp,
    delete_identity_provider,
    move_instance_idp,
    remove_instance_idp,
    update_identity_provider,
)
from tests.factories import DomeinFactory, make_idp, make_instance


@pytest.fixture
def instance(domein, applicatie):
    return make_instance(applicatie=applicatie, domein=domein)


@pytest.fixture
def idps(domein, domeinbeheerder):
    return [
        make_idp(domein=domein, logische_id=name, by=domeinbeheerder)
        for name in ("digid", "eherkenning", "azure")
    ]


def _order(instance, kind="Patient"):
    return [
        idp.logische_id
        for value, _label, found in idp_lists(instance=instance)
        if value == kind
        for idp in found
    ]


def _update(idp, by, **changes):
    values = {
        "naam": idp.naam,
        "logische_id": idp.logische_id,
        "discovery_url": idp.discovery_url,
        "client_id": idp.client_id,
        "gebruikersnaam_claim": idp.gebruikersnaam_claim,
        "ingeschakeld": idp.ingeschakeld,
    } | changes
    return update_identity_provider(idp_id=idp.pk, by=by, **values)


def test_creating_records_who_and_what_but_not_the_secret(domein, domeinbeheerder):
    idp = make_idp(domein=domein, client_secret="geheim-123", by=domeinbeheerder)
    row = IdpWijziging.objects.get()
    assert (row.actie, row.door, row.identity_provider) == (
        IdpActie.AANGEMAAKT,
        domeinbeheerder,
        idp,
    )
    assert row.wijzigingen["client_secret"] == [None, "gewijzigd"]
    assert row.wijzigingen["logische_id"] == [None, "digid"]
    assert "geheim-123" not in str(row.wijzigingen)


def test_a_logical_id_in_use_in_the_domain_is_refused(domein, idps, domeinbeheerder):
    with pytest.raises(ServiceError) as exc:
        make_idp(domein=domein, logische_id="digid", by=domeinbeheerder)
    assert exc.value.code == "logische_id_taken"
    assert exc.value.message == "De logische id 'digid' is in dit domein al in gebruik."
    # Another domain may use the same logical id.
    assert make_idp(domein=DomeinFactory(), logische_id="digid").logische_id == "digid"


def test_renaming_onto_a_logical_id_in_use_is_refused(idps, domeinbeheerder):
    with pytest.raises(ServiceError, match="al in gebruik"):
        _update(idps[1], domeinbeheerder, logische_id="digid")


@pytest.mark.parametrize(
    ("logische_id", "message"),
    [("Met Hoofdletters", "Een logische id bestaat uit"), ("nieuw", "is gereserveerd")],
)
def test_a_bad_logical_id_is_refused(domein, logische_id, message):
    with pytest.raises(ServiceError, match=message):
        make_idp(
            domein=domein,
            logische_id=logische_id,
            discovery_url="https://idp.example.org/.well-known/openid-configuration",
        )


def test_a_discovery_url_over_http_is_refused(domein, settings):
    settings.DEBUG = False
    with pytest.raises(ServiceError) as exc:
        make_idp(domein=domein, discovery_url="http://idp.example.org/.well-known/x")
    assert exc.value.message == "De discovery-URL moet met https:// beginnen."


def test_someone_else_may_not_add_an_idp(domein, outsider):
    with pytest.raises(ServiceError) as exc:
        make_idp(domein=domein, by=outsider)
    assert exc.value.code == "not_domain_admin"


def test_an_empty_secret_keeps_the_stored_one_and_clearing_removes_it(domein, domeinbeheerder):
    idp = make_idp(domein=domein, client_secret="geheim-123", by=domeinbeheerder)
    token = idp.client_secret_versleuteld
    idp = _update(idp, domeinbeheerder, naam="Andere naam")
    assert idp.client_secret_versleuteld == token
    assert IdpWijziging.objects.filter(actie=IdpActie.GEWIJZIGD).get().wijzigingen == {
        "naam": ["IdP digid", "Andere naam"]
    }
    idp = update_identity_provider(
        idp_id=idp.pk,
        by=domeinbeheerder,
        clear_secret=True,
        **{
            f: getattr(idp, f)
            for f in (
                "naam",
                "logische_id",
                "discovery_url",
                "client_id",
                "gebruikersnaam_claim",
                "ingeschakeld",
            )
        },
    )
    assert idp.heeft_geheim is False


def test_the_lists_keep_their_order_and_every_change_is_history(instance, idps, domeinbeheerder):
    digid, _eherkenning, azure = idps
    for idp in idps:
        add_instance_idp(
            instance_id=instance.pk,
            gebruikerstype="Patient",
            idp_id=idp.pk,
            reason="erbij",
            by=domeinbeheerder,
        )
    assert _order(instance) == ["digid", "eherkenning", "azure"]
    move_instance_idp(
        instance_id=instance.pk,
        gebruikerstype="Patient",
        idp_id=azure.pk,
        direction="omhoog",
        reason="voorkeur",
        by=domeinbeheerder,
    )
    assert _order(instance) == ["digid", "azure", "eherkenning"]
    move_instance_idp(
        instance_id=instance.pk,
        gebruikerstype="Patient",
        idp_id=digid.pk,
        direction="omlaag",
        reason="voorkeur",
        by=domeinbeheerder,
    )
    assert _order(instance) == ["azure", "digid", "eherkenning"]
    remove_instance_idp(
        instance_id=instance.pk,
        gebruikerstype="Patient",
        idp_id=digid.pk,
        reason="weg",
        by=domeinbeheerder,
    )
    assert _order(instance) == ["azure", "eherkenning"]
    assert _order(instance, "Practitioner") == []
    last = InstantieStatuswijziging.objects.filter(soort=WijzigingSoort.IDP).first()
    assert last.reden == "weg"
    assert last.door == domeinbeheerder
    assert last.van_waarde == (
        "Patiënt: 1. IdP azure (azure), 2. IdP digid (digid), 3. IdP eherkenning (eherkenning)"
    )
    assert last.naar_waarde == "Patiënt: 1. IdP azure (azure), 2. IdP eherkenning (eherkenning)"
    assert last.van_status == last.naar_status == instance.status
    assert InstantieStatuswijziging.objects.filter(soort=WijzigingSoort.IDP).count() == 6


def test_user_types_have_their_own_lists(instance, idps, domeinbeheerder):
    for kind, idp in (("Practitioner", idps[1]), ("RelatedPerson", idps[2])):
        add_instance_idp(
            instance_id=instance.pk, gebruikerstype=kind, idp_id=idp.pk, reason="r",
            by=domeinbeheerder,
        )  # fmt: skip
    assert _order(instance, "Patient") == []
    assert _order(instance, "Practitioner") == ["eherkenning"]
    assert _order(instance, "RelatedPerson") == ["azure"]


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("twice", "idp_already_listed"),
        ("up at top", "cannot_move"),
        ("down at bottom", "cannot_move"),
        ("no reason", "reason_required"),
        ("unknown type", "unknown_user_type"),
        ("remove unlisted", "idp_not_listed"),
    ],
)
def test_list_changes_that_make_no_sense_are_refused(instance, idps, domeinbeheerder, action, code):
    kwargs = {"instance_id": instance.pk, "by": domeinbeheerder, "reason": "r"}
    add_instance_idp(gebruikerstype="Patient", idp_id=idps[0].pk, **kwargs)
    before = list(InstantieIdp.objects.values())
    with pytest.raises(ServiceError) as exc:
        if action == "twice":
            add_instance_idp(gebruikerstype="Patient", idp_id=idps[0].pk, **kwargs)
        elif action == "up at top":
            move_instance_idp(
                gebruikerstype="Patient", idp_id=idps[0].pk, direction="omhoog", **kwargs
            )
        elif action == "down at bottom":
            move_instance_idp(
                gebruikerstype="Patient", idp_id=idps[0].pk, direction="omlaag", **kwargs
            )
        elif action == "no reason":
            add_instance_idp(gebruikerstype="Patient", idp_id=idps[1].pk, **kwargs | {"reason": ""})
        elif action == "unknown type":
            add_instance_idp(gebruikerstype="Device", idp_id=idps[1].pk, **kwargs)
        else:
            remove_instance_idp(gebruikerstype="Patient", idp_id=idps[1].pk, **kwargs)
    assert exc.value.code == code
    assert list(InstantieIdp.objects.values()) == before


def test_an_idp_of_another_domain_cannot_be_listed(instance, domeinbeheerder):
    other = make_idp(domein=DomeinFactory(), logische_id="elders")
    with pytest.raises(ServiceError) as exc:
        add_instance_idp(
            instance_id=instance.pk, gebruikerstype="Patient", idp_id=other.pk, reason="r",
            by=domeinbeheerder,
        )  # fmt: skip
    assert exc.value.code == "idp_not_found"


def test_only_the_domains_beheerders_change_the_lists(instance, idps, applicatiebeheerder):
    with pytest.raises(ServiceError) as exc:
        add_instance_idp(
            instance_id=instance.pk, gebruikerstype="Patient", idp_id=idps[0].pk, reason="r",
            by=applicatiebeheerder,
        )  # fmt: skip
    assert exc.value.code == "not_domain_admin"


def test_a_closed_instances_lists_do_not_change(instance, idps, domeinbeheerder):
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=instance.pk, new_status=status, reason="r", by=domeinbeheerder
        )
    with pytest.raises(ServiceError) as exc:
        add_instance_idp(
            instance_id=instance.pk, gebruikerstype="Patient", idp_id=idps[0].pk, reason="r",
            by=domeinbeheerder,
        )  # fmt: skip
    assert exc.value.code == "transition_not_allowed"


def test_a_disabled_idp_stays_listed_but_is_not_served(instance, idps, domeinbeheerder):
    for idp in idps[:2]:
        add_instance_idp(
            instance_id=instance.pk, gebruikerstype="Patient", idp_id=idp.pk, reason="r",
            by=domeinbeheerder,
        )  # fmt: skip
    _update(idps[0], domeinbeheerder, ingeschakeld=False)
    assert _order(instance) == ["digid", "eherkenning"]
    instance = (
        type(instance)
        .objects.prefetch_related("idp_toewijzingen__identity_provider")
        .get(pk=instance.pk)
    )
    assert [i.logische_id for i in served_idps(instance)["Patient"]] == ["eherkenning"]


def test_removing_an_idp_in_use_needs_confirmation(instance, idps, domeinbeheerder):
    add_instance_idp(
        instance_id=instance.pk, gebruikerstype="Patient", idp_id=idps[0].pk, reason="r",
        by=domeinbeheerder,
    )  # fmt: skip
    add_instance_idp(
        instance_id=instance.pk, gebruikerstype="Practitioner", idp_id=idps[0].pk, reason="r",
        by=domeinbeheerder,
    )  # fmt: skip
    assert instances_using(idp=idps[0]) == [instance]
    with pytest.raises(ServiceError) as exc:
        delete_identity_provider(idp_id=idps[0].pk, by=domeinbeheerder)
    assert exc.value.code == "idp_in_use"
    assert IdentityProvider.objects.filter(pk=idps[0].pk).exists()

    delete_identity_provider(idp_id=idps[0].pk, by=domeinbeheerder, confirmed=True)
    assert not IdentityProvider.objects.filter(pk=idps[0].pk).exists()
    assert not InstantieIdp.objects.exists()
    rows = InstantieStatuswijziging.objects.filter(soort=WijzigingSoort.IDP, instantie=instance)
    assert rows.filter(reden__contains="is verwijderd uit het domein").count() == 2
    removed = IdpWijziging.objects.get(actie=IdpActie.VERWIJDERD)
    assert removed.logische_id == "digid"


def test_an_unused_idp_is_removed_without_confirmation(idps, domeinbeheerder):
    delete_identity_provider(idp_id=idps[2].pk, by=domeinbeheerder)
    assert IdentityProvider.objects.count() == 2
