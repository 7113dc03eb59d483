import pytest

from applicaties.services import update_application_contact
from beheer.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_application_admin_edits_contact(applicatie, applicatiebeheerder):
    update_application_contact(
        applicatie_id=applicatie.pk,
        by=applicatiebeheerder,
        contact_naam="Helpdesk",
        contact_email="helpdesk@leverancier.nl",
        contact_telefoon="030-1234567",
    )
    applicatie.refresh_from_db()
    assert (applicatie.contact_naam, applicatie.contact_email, applicatie.contact_telefoon) == (
        "Helpdesk",
        "helpdesk@leverancier.nl",
        "030-1234567",
    )


def test_bad_contact_email_changes_nothing(applicatie, applicatiebeheerder):
    with pytest.raises(ServiceError):
        update_application_contact(
            applicatie_id=applicatie.pk,
            by=applicatiebeheerder,
            contact_naam="Nieuw",
            contact_email="@@",
            contact_telefoon="",
        )
    applicatie.refresh_from_db()
    assert applicatie.contact_naam == ""


@pytest.mark.parametrize("who", ["domeinbeheerder", "outsider"])
def test_others_may_not_edit_application_contact(request, applicatie, who):
    with pytest.raises(ServiceError) as err:
        update_application_contact(
            applicatie_id=applicatie.pk,
            by=request.getfixturevalue(who),
            contact_naam="Gekaapt",
            contact_email="",
            contact_telefoon="",
        )
    assert err.value.code == "not_application_admin"


def test_support_edits_application_contact(applicatie, support_user):
    update_application_contact(
        applicatie_id=applicatie.pk,
        by=support_user,
        contact_naam="Support heeft dit gezet",
        contact_email="support@example.org",
        contact_telefoon="",
    )
    applicatie.refresh_from_db()
    assert applicatie.contact_naam == "Support heeft dit gezet"
