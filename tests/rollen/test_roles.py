"""Roles as data: defaults loaded by the migration, names locked once in use, admin for support."""

import pytest
from django.urls import reverse

from applicaties.models import Soort
from beheer.errors import ServiceError
from rollen.defaults import DEFAULT_ROLE_BY_SOORT
from rollen.models import Rol, Rolpermissie, Standaardrol
from rollen.services import update_role
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, make_instance

pytestmark = pytest.mark.django_db


def test_migration_loads_the_default_roles_with_permissions():
    assert set(Rol.objects.values_list("naam", flat=True)) >= {"EPD", "Portaal", "eHealth module"}
    for naam in ("EPD", "Portaal", "eHealth module"):
        assert Rolpermissie.objects.filter(rol__naam=naam).count() > 5


def test_every_application_kind_has_a_default_role():
    assert set(Standaardrol.objects.values_list("soort", flat=True)) == set(Soort.values)
    assert Standaardrol.objects.get(soort="epd").rol.naam == DEFAULT_ROLE_BY_SOORT["epd"]


def test_no_default_role_grants_writing_devices():
    # Only the portal writes a KT2Device.
    assert not Rolpermissie.objects.filter(resource_type="Device").exclude(operatie="read").exists()


def test_support_renames_a_role_not_in_use(support_user):
    rol = Rol.objects.create(naam="Proef")
    update_role(rol_id=rol.pk, by=support_user, naam="Proefrol", omschrijving="x")
    rol.refresh_from_db()
    assert rol.naam == "Proefrol"


def test_name_of_a_role_in_use_cannot_change(support_user, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        update_role(rol_id=instance.rol_id, by=support_user, naam="Anders", omschrijving="")
    assert err.value.code == "role_name_locked"
    instance.rol.refresh_from_db()
    assert instance.rol.naam == "eHealth module"


def test_description_of_a_role_in_use_may_change(support_user, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    update_role(rol_id=instance.rol_id, by=support_user, naam="eHealth module", omschrijving="Nu")
    instance.rol.refresh_from_db()
    assert instance.rol.omschrijving == "Nu"


def test_only_support_edits_roles(domeinbeheerder):
    rol = Rol.objects.get(naam="EPD")
    with pytest.raises(ServiceError) as err:
        update_role(rol_id=rol.pk, by=domeinbeheerder, naam="X", omschrijving="")
    assert err.value.code == "not_support"


def test_role_names_are_unique(support_user):
    rol = Rol.objects.create(naam="Proef")
    with pytest.raises(ServiceError, match="bestaat al een rol"):
        update_role(rol_id=rol.pk, by=support_user, naam="EPD", omschrijving="")


# --- admin ----------------------------------------------------------------------------------


def _role_form_data(rol, **overrides):
    data = {
        "naam": rol.naam,
        "omschrijving": rol.omschrijving,
        "permissies-TOTAL_FORMS": "0",
        "permissies-INITIAL_FORMS": "0",
        "standaard_voor-TOTAL_FORMS": "0",
        "standaard_voor-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_shows_the_name_of_a_role_in_use_read_only(client, support_user, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    login(client, support_user)
    rol = instance.rol
    url = reverse("admin:rollen_rol_change", args=[rol.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="naam"' not in page.content.decode()
    # A crafted POST with another name changes nothing.
    perms = rol.permissies.count()
    client.post(url, _role_form_data(rol, naam="Gekaapt"))
    rol.refresh_from_db()
    assert rol.naam == "eHealth module"
    assert rol.permissies.count() == perms


def test_support_adds_a_role_with_a_granted_permission_in_the_admin(client, support_user):
    other = ApplicatieFactory(naam="Dagboek")
    login(client, support_user)
    response = client.post(
        reverse("admin:rollen_rol_add"),
        {
            "naam": "Meekijker",
            "omschrijving": "Leest taken van Dagboek.",
            "permissies-TOTAL_FORMS": "1",
            "permissies-INITIAL_FORMS": "0",
            "permissies-0-resource_type": "Task",
            "permissies-0-operatie": "read",
            "permissies-0-bereik": "GRANTED",
            "permissies-0-toegestane_applicaties": [str(other.pk)],
            "standaard_voor-TOTAL_FORMS": "0",
            "standaard_voor-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    perm = Rolpermissie.objects.get(rol__naam="Meekijker")
    assert list(perm.toegestane_applicaties.all()) == [other]


def test_admin_refuses_granted_without_applications(client, support_user):
    login(client, support_user)
    response = client.post(
        reverse("admin:rollen_rol_add"),
        {
            "naam": "Leeg",
            "permissies-TOTAL_FORMS": "1",
            "permissies-INITIAL_FORMS": "0",
            "permissies-0-resource_type": "Task",
            "permissies-0-operatie": "read",
            "permissies-0-bereik": "GRANTED",
            "standaard_voor-TOTAL_FORMS": "0",
            "standaard_voor-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "minstens één toegestane applicatie" in response.content.decode()
    assert not Rol.objects.filter(naam="Leeg").exists()


def test_model_validation_refuses_renaming_a_role_in_use(applicatie, domein):
    from django.core.exceptions import ValidationError

    rol = make_instance(applicatie=applicatie, domein=domein).rol
    rol.naam = "Anders"
    with pytest.raises(ValidationError) as err:
        rol.full_clean()
    assert "kan niet meer wijzigen" in str(err.value)
