"""Contact phone numbers: Dutch and international numbers, stored E.164, shown readably; the
migration converts the numbers that were stored before."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from applicaties.services import update_application_contact
from beheer.errors import ServiceError
from beheer.templatetags.kt import telefoon
from domeinen.models import Domein
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("030-1234567", "+31301234567", "030 123 4567"),
        ("06 12345678", "+31612345678", "06 12345678"),
        ("+31 50 123 4567", "+31501234567", "050 123 4567"),
        ("0031 20 123 4567", "+31201234567", "020 123 4567"),
        ("+32 2 212 34 56", "+3222123456", "+32 2 212 34 56"),
        ("+44 20 7946 0018", "+442079460018", "+44 20 7946 0018"),
    ],
)
def test_valid_numbers_are_stored_e164_and_shown_readably(typed, stored, shown):
    beheerder = UserFactory()
    applicatie = ApplicatieFactory(beheerders=[beheerder])
    update_application_contact(
        applicatie_id=applicatie.pk,
        by=beheerder,
        contact_naam="Piet",
        contact_email="piet@example.org",
        contact_telefoon=typed,
    )
    applicatie.refresh_from_db()
    assert str(applicatie.contact_telefoon) == stored
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_telefoon FROM applicaties_applicatie WHERE id = %s", [applicatie.pk]
        )
        assert cursor.fetchone()[0] == stored
    assert telefoon(applicatie.contact_telefoon) == shown


@pytest.mark.parametrize("typed", ["1" * 40, "12345", "abc-def", "bel me<script>", "+31 6 123"])
def test_invalid_numbers_are_refused(typed):
    beheerder = UserFactory()
    applicatie = ApplicatieFactory(beheerders=[beheerder])
    with pytest.raises(ServiceError) as err:
        update_application_contact(
            applicatie_id=applicatie.pk,
            by=beheerder,
            contact_naam="Piet",
            contact_email="piet@example.org",
            contact_telefoon=typed,
        )
    assert "telefoonnummer" in err.value.message.lower()


def test_the_migration_converts_what_it_can_and_leaves_the_rest():
    migration = importlib.import_module("domeinen.migrations.0009_contact_phone_e164")
    good = DomeinFactory(naam="goed")
    bad = DomeinFactory(naam="fout")
    empty = DomeinFactory(naam="leeg")
    with connection.cursor() as cursor:
        for domein, value in ((good, "050 - 123 45 67"), (bad, "bel de receptie"), (empty, "")):
            cursor.execute(
                "UPDATE domeinen_domein SET contact_telefoon = %s WHERE id = %s",
                [value, domein.pk],
            )

    # The models as they were before the migration (the column still a plain CharField).
    before = MigrationLoader(connection).project_state(("domeinen", "0007_instantie_dom_app_idx"))
    migration.to_e164(before.apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT naam, contact_telefoon FROM domeinen_domein ORDER BY naam")
        rows = dict(cursor.fetchall())
    assert rows["goed"] == "+31501234567"
    assert rows["fout"] == "bel de receptie"  # left as it was: shown, corrected by hand
    assert rows["leeg"] == ""
    assert telefoon(Domein.objects.get(naam="fout").contact_telefoon) == "bel de receptie"
