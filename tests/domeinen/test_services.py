import pytest

from beheer.errors import ServiceError
from domeinen.models import INSTANCE_TRANSITIONS, InstantieStatus
from domeinen.services import change_instance_status, update_domain_details
from tests.factories import DomeinFactory, UserFactory, make_instance

pytestmark = pytest.mark.django_db

ALL = list(InstantieStatus.values)
LEGAL = [(a, b) for a in ALL for b in ALL if b in INSTANCE_TRANSITIONS[a]]
ILLEGAL = [(a, b) for a in ALL for b in ALL if b not in INSTANCE_TRANSITIONS[a]]
# The shortest legal path from a new (actief) instance to each status.
PATH_TO = {
    "actief": [],
    "in_onderhoud": ["in_onderhoud"],
    "afgesloten": ["afgesloten"],
}


def test_the_transition_table_is_the_specified_one():
    assert set(LEGAL) == {
        ("actief", "in_onderhoud"),
        ("actief", "afgesloten"),
        ("in_onderhoud", "actief"),
        ("in_onderhoud", "afgesloten"),
    }


def _bring_to(instance, status, by):
    for step in PATH_TO[status]:
        change_instance_status(
            instance_id=instance.pk, new_status=step, reason="Voorbereiding", by=by
        )
    instance.refresh_from_db()
    assert instance.status == status
    return instance


@pytest.mark.parametrize(("start", "target"), LEGAL)
def test_legal_status_change_is_recorded(applicatie, domein, domeinbeheerder, start, target):
    instance = _bring_to(
        make_instance(applicatie=applicatie, domein=domein), start, domeinbeheerder
    )
    since_before = instance.status_sinds
    changed = change_instance_status(
        instance_id=instance.pk,
        new_status=target,
        reason="Reden van de wijziging",
        by=domeinbeheerder,
    )
    changed.refresh_from_db()
    assert changed.status == target
    assert changed.status_sinds >= since_before
    last = changed.historie.order_by("-op", "-id").first()
    assert (last.van_status, last.naar_status, last.reden, last.door) == (
        start,
        target,
        "Reden van de wijziging",
        domeinbeheerder,
    )


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_illegal_status_change_is_refused(applicatie, domein, domeinbeheerder, start, target):
    instance = _bring_to(
        make_instance(applicatie=applicatie, domein=domein), start, domeinbeheerder
    )
    history_before = instance.historie.count()
    with pytest.raises(ServiceError) as err:
        change_instance_status(
            instance_id=instance.pk, new_status=target, reason="Poging", by=domeinbeheerder
        )
    assert err.value.code == "transition_not_allowed"
    instance.refresh_from_db()
    assert instance.status == start
    assert instance.historie.count() == history_before


def test_closed_is_final_with_a_clear_message(applicatie, domein, domeinbeheerder):
    instance = _bring_to(
        make_instance(applicatie=applicatie, domein=domein), "afgesloten", domeinbeheerder
    )
    with pytest.raises(ServiceError) as err:
        change_instance_status(
            instance_id=instance.pk, new_status="actief", reason="Toch", by=domeinbeheerder
        )
    assert "definitief afgesloten" in err.value.message


@pytest.mark.parametrize("reason", ["", "  \n ", None])
def test_status_change_needs_a_reason(applicatie, domein, domeinbeheerder, reason):
    instance = make_instance(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason=reason, by=domeinbeheerder
        )
    assert err.value.code == "reason_required"
    assert err.value.message == "Geef een reden op."
    instance.refresh_from_db()
    assert instance.status == "actief"


def test_unknown_status_is_refused(applicatie, domein, domeinbeheerder):
    instance = make_instance(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        change_instance_status(
            instance_id=instance.pk, new_status="weg", reason="x", by=domeinbeheerder
        )
    assert err.value.code == "unknown_status"


@pytest.mark.parametrize("who", ["applicatiebeheerder", "outsider", "other_domain_admin"])
def test_only_domain_admins_change_status(request, applicatie, domein, who):
    if who == "other_domain_admin":
        user = UserFactory()
        DomeinFactory(beheerders=[user])
    else:
        user = request.getfixturevalue(who)
    instance = make_instance(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason="x", by=user
        )
    assert err.value.code == "not_domain_admin"
    instance.refresh_from_db()
    assert instance.status == "actief"


def test_support_changes_status(applicatie, domein, support_user):
    instance = make_instance(applicatie=applicatie, domein=domein)
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="Storing", by=support_user
    )
    instance.refresh_from_db()
    assert instance.status == "in_onderhoud"


def test_inactive_user_may_do_nothing(applicatie, domein, domeinbeheerder):
    instance = make_instance(applicatie=applicatie, domein=domein)
    domeinbeheerder.is_active = False
    domeinbeheerder.save()
    with pytest.raises(ServiceError):
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason="x", by=domeinbeheerder
        )


# --- domain details -------------------------------------------------------------------------


def test_domain_admin_edits_description_and_contact(domein, domeinbeheerder):
    updated = update_domain_details(
        domein_id=domein.pk,
        by=domeinbeheerder,
        omschrijving=" Nieuwe omschrijving ",
        contact_naam="Piet Pieters",
        contact_email="piet@ggz-noord.nl",
        contact_telefoon="+31 50 123 4567",
    )
    updated.refresh_from_db()
    assert updated.omschrijving == "Nieuwe omschrijving"
    assert updated.contact_email == "piet@ggz-noord.nl"


def test_domain_details_bad_email_changes_nothing(domein, domeinbeheerder):
    with pytest.raises(ServiceError) as err:
        update_domain_details(
            domein_id=domein.pk,
            by=domeinbeheerder,
            omschrijving="Gewijzigd",
            contact_naam="X",
            contact_email="geen-mailadres",
            contact_telefoon="",
        )
    assert "e-mailadres" in err.value.message.lower()
    domein.refresh_from_db()
    assert domein.omschrijving == ""


def test_domain_details_bad_phone_is_refused(domein, domeinbeheerder):
    with pytest.raises(ServiceError) as err:
        update_domain_details(
            domein_id=domein.pk,
            by=domeinbeheerder,
            omschrijving="",
            contact_naam="Piet",
            contact_email="piet@example.org",
            contact_telefoon="bel me<script>",
        )
    assert "telefoonnummer" in err.value.message


@pytest.mark.parametrize(
    ("naam", "email", "code"),
    [("", "piet@example.org", "contact_name_required"), ("Piet", " ", "contact_email_required")],
)
def test_domain_details_need_a_contact_name_and_email(domein, domeinbeheerder, naam, email, code):
    with pytest.raises(ServiceError) as err:
        update_domain_details(
            domein_id=domein.pk,
            by=domeinbeheerder,
            omschrijving="Gewijzigd",
            contact_naam=naam,
            contact_email=email,
            contact_telefoon="",
        )
    assert err.value.code == code
    domein.refresh_from_db()
    assert domein.omschrijving == ""


@pytest.mark.parametrize("who", ["applicatiebeheerder", "outsider"])
def test_others_may_not_edit_domain_details(request, domein, who):
    with pytest.raises(ServiceError) as err:
        update_domain_details(
            domein_id=domein.pk,
            by=request.getfixturevalue(who),
            omschrijving="Gekaapt",
            contact_naam="",
            contact_email="",
            contact_telefoon="",
        )
    assert err.value.code == "not_domain_admin"
    domein.refresh_from_db()
    assert domein.omschrijving == ""
