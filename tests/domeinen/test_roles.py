"""Each instance has one role: chosen on accepting, changed later with a reason, in the history."""

import pytest
from django.urls import reverse

from applicaties.models import Soort
from beheer.errors import ServiceError
from connectieaanvragen.services import accept_request
from domeinen.models import InstantieStatuswijziging, WijzigingSoort
from domeinen.selectors import scope_context, scopes_for_instance
from domeinen.services import change_instance_role, change_instance_status
from rollen.models import Rol, Rolpermissie, Standaardrol
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("soort", "expected"),
    [
        (Soort.EPD, "EPD"),
        (Soort.PATIENTPORTAAL, "Portaal"),
        (Soort.EHEALTH_MODULE, "eHealth module"),
    ],
)
def test_accepting_without_a_role_gives_the_default_for_the_kind(domein, soort, expected):
    app = ApplicatieFactory(soort=soort, beheerders=[UserFactory()])
    instance = make_instance(applicatie=app, domein=domein)
    assert instance.rol.naam == expected
    birth = instance.historie.get()
    assert (birth.naar_status, birth.naar_rol) == ("actief", instance.rol)


def test_domeinbeheerder_chooses_the_role_when_accepting(applicatie, domein, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    epd = Rol.objects.get(naam="EPD")
    instance = accept_request(request_id=aanvraag.pk, by=domeinbeheerder, rol_id=epd.pk).instantie
    assert instance.rol == epd


def test_accepting_with_an_unknown_role_changes_nothing(applicatie, domein, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        accept_request(request_id=aanvraag.pk, by=domeinbeheerder, rol_id=999999)
    assert err.value.code == "role_not_found"
    aanvraag.refresh_from_db()
    assert aanvraag.status == "aangevraagd"
    assert aanvraag.instantie is None


def test_accepting_without_any_default_role_asks_for_a_role(applicatie, domein, domeinbeheerder):
    Standaardrol.objects.filter(soort=applicatie.soort).delete()
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    with pytest.raises(ServiceError) as err:
        accept_request(request_id=aanvraag.pk, by=domeinbeheerder)
    assert err.value.code == "role_required"
    assert "kies een rol" in err.value.message


def test_role_change_is_recorded_with_who_when_from_to_and_reason(
    applicatie, domein, domeinbeheerder
):
    instance = make_instance(applicatie=applicatie, domein=domein)
    old = instance.rol
    portaal = Rol.objects.get(naam="Portaal")
    changed = change_instance_role(
        instance_id=instance.pk, rol_id=portaal.pk, reason="Wordt portaal", by=domeinbeheerder
    )
    changed.refresh_from_db()
    assert changed.rol == portaal
    row = changed.historie.order_by("-id").first()
    assert (row.soort, row.van_rol, row.naar_rol, row.reden, row.door) == (
        WijzigingSoort.ROL,
        old,
        portaal,
        "Wordt portaal",
        domeinbeheerder,
    )
    assert (row.van_status, row.naar_status) == ("actief", "actief")


def test_role_change_leaves_status_untouched(applicatie, domein, domeinbeheerder):
    instance = make_instance(applicatie=applicatie, domein=domein)
    since = instance.status_sinds
    change_instance_role(
        instance_id=instance.pk,
        rol_id=Rol.objects.get(naam="EPD").pk,
        reason="r",
        by=domeinbeheerder,
    )
    instance.refresh_from_db()
    assert (instance.status, instance.status_sinds) == ("actief", since)


def test_only_a_domeinbeheerder_of_the_domain_changes_the_role(applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    for user in (UserFactory(), applicatie.beheerders.first()):
        with pytest.raises(ServiceError) as err:
            change_instance_role(
                instance_id=instance.pk,
                rol_id=Rol.objects.get(naam="EPD").pk,
                reason="r",
                by=user,
            )
        assert err.value.code == "not_domain_admin"
    instance.refresh_from_db()
    assert instance.rol.naam == "eHealth module"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"reason": ""}, "reason_required"),
        ({"rol_id": None}, "role_required"),
        ({"rol_id": 999999}, "role_not_found"),
        ({"rol_name": "eHealth module"}, "role_unchanged"),
    ],
)
def test_bad_role_changes_are_refused(applicatie, domein, domeinbeheerder, kwargs, code):
    instance = make_instance(applicatie=applicatie, domein=domein)
    args = {"reason": "r", "rol_id": Rol.objects.get(naam="EPD").pk}
    if "rol_name" in kwargs:
        args["rol_id"] = Rol.objects.get(naam=kwargs.pop("rol_name")).pk
    args.update(kwargs)
    history = instance.historie.count()
    with pytest.raises(ServiceError) as err:
        change_instance_role(instance_id=instance.pk, by=domeinbeheerder, **args)
    assert err.value.code == code
    assert instance.historie.count() == history


def test_role_of_a_closed_instance_cannot_change(applicatie, domein, domeinbeheerder):
    instance = make_instance(applicatie=applicatie, domein=domein)
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(
            instance_id=instance.pk, new_status=status, reason="r", by=domeinbeheerder
        )
    with pytest.raises(ServiceError) as err:
        change_instance_role(
            instance_id=instance.pk,
            rol_id=Rol.objects.get(naam="EPD").pk,
            reason="r",
            by=domeinbeheerder,
        )
    assert err.value.code == "transition_not_allowed"


# --- scopes from the database ---------------------------------------------------------------


def _role_granting(naam, applicatie):
    """A role that may read the Tasks of `applicatie` (GRANTED)."""
    rol = Rol.objects.create(naam=naam)
    perm = Rolpermissie.objects.create(
        rol=rol, resource_type="Task", operatie="read", bereik="GRANTED"
    )
    perm.toegestane_applicaties.add(applicatie)
    return rol


def test_granted_resolves_to_devices_of_the_granted_application_in_the_same_domain_only():
    dora = UserFactory()
    domein, elders = DomeinFactory(beheerders=[dora]), DomeinFactory(beheerders=[UserFactory()])
    reader = ApplicatieFactory(beheerders=[UserFactory()])
    source = ApplicatieFactory(beheerders=[UserFactory()])
    rol = _role_granting("Meekijker", source)
    source_here = make_instance(applicatie=source, domein=domein)
    source_elsewhere = make_instance(applicatie=source, domein=elders)
    aanvraag = make_request(applicatie=reader, domein=domein)
    instance = accept_request(request_id=aanvraag.pk, by=dora, rol_id=rol.pk).instantie
    scopes = scopes_for_instance(instance)
    assert scopes == [f"system/Task.rs?resource-origin=Device/{source_here.client_id}"]
    assert str(source_elsewhere.client_id) not in scopes[0]


def test_scopes_of_many_instances_take_two_queries(django_assert_num_queries, applicatie, domein):
    rol = Rol.objects.create(naam="Meekijker")
    perm = Rolpermissie.objects.create(
        rol=rol, resource_type="Task", operatie="read", bereik="GRANTED"
    )
    perm.toegestane_applicaties.add(applicatie)
    make_instance(applicatie=applicatie, domein=domein)
    for _ in range(3):
        other = ApplicatieFactory(beheerders=[UserFactory()])
        aanvraag = make_request(applicatie=other, domein=domein)
        accept_request(request_id=aanvraag.pk, by=domein.beheerders.first(), rol_id=rol.pk)
    from domeinen.models import Applicatieinstantie

    instances = list(Applicatieinstantie.objects.select_related("rol"))
    # The roles' permissions (with their GRANTED applications), and the GRANTED devices.
    with django_assert_num_queries(2):
        context = scope_context(instances)
        scopes = [scopes_for_instance(i, context) for i in instances]
    assert sum(1 for s in scopes if s and "resource-origin" in s[0]) == 3
    # The same scopes per instance as when each instance is rendered on its own.
    assert scopes == [scopes_for_instance(i) for i in instances]


def _instances_in_new_domains(applicatie, rol, n):
    """n instances of the application with this role, each accepted in a new domain."""
    instances = []
    for _ in range(n):
        dora = UserFactory()
        aanvraag = make_request(applicatie=applicatie, domein=DomeinFactory(beheerders=[dora]))
        instances.append(accept_request(request_id=aanvraag.pk, by=dora, rol_id=rol.pk).instantie)
    return instances


def test_a_role_without_granted_applications_renders_the_same_in_every_domain(applicatie):
    """A role without GRANTED permissions gives the same scopes in every domain (an
    application's instance list shows one instance per domain); each instance still gets its
    own Device in its OWN scopes."""
    rol = Rol.objects.create(naam="Eigen taken")
    Rolpermissie.objects.create(rol=rol, resource_type="Task", operatie="read", bereik="OWN")
    Rolpermissie.objects.create(rol=rol, resource_type="Patient", operatie="read", bereik="ALL")
    instances = _instances_in_new_domains(applicatie, rol, 3)
    context = scope_context(instances)
    scopes = [scopes_for_instance(i, context) for i in instances]
    assert scopes == [
        ["system/Patient.rs", f"system/Task.rs?resource-origin=Device/{i.client_id}"]
        for i in instances
    ]


# --- admin ----------------------------------------------------------------------------------


def test_support_changes_the_role_in_the_admin(client, support_user, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    login(client, support_user)
    url = reverse("admin:domeinen_applicatieinstantie_rol", args=[instance.pk])
    assert client.get(url).status_code == 200
    epd = Rol.objects.get(naam="EPD")
    response = client.post(url, {"rol": epd.pk, "reden": "Is eigenlijk een EPD"})
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.rol == epd
    row = InstantieStatuswijziging.objects.filter(instantie=instance).order_by("-id").first()
    assert (row.soort, row.door) == ("rol", support_user)
    page = client.get(reverse("admin:domeinen_applicatieinstantie_change", args=[instance.pk]))
    assert "Rol wijzigen" in page.content.decode()


def test_support_chooses_the_role_when_accepting_in_the_admin(
    client, support_user, applicatie, domein
):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    login(client, support_user)
    url = reverse("admin:connectieaanvragen_connectieaanvraag_accepteren", args=[aanvraag.pk])
    assert "Standaardrol voor de soort applicatie" in client.get(url).content.decode()
    epd = Rol.objects.get(naam="EPD")
    assert client.post(url, {"rol": epd.pk}).status_code == 302
    aanvraag.refresh_from_db()
    assert aanvraag.instantie.rol == epd


def test_a_role_granted_nothing_in_its_granted_permission_renders_no_such_scope(applicatie):
    """A GRANTED permission without applications names no Device anywhere: no scope."""
    rol = Rol.objects.create(naam="Leeg verleend")
    Rolpermissie.objects.create(rol=rol, resource_type="Task", operatie="read", bereik="GRANTED")
    Rolpermissie.objects.create(rol=rol, resource_type="Patient", operatie="read", bereik="ALL")
    instances = _instances_in_new_domains(applicatie, rol, 2)
    context = scope_context(instances)
    assert [scopes_for_instance(i, context) for i in instances] == [["system/Patient.rs"]] * 2


def test_an_instance_granted_its_own_application_is_left_out_of_its_granted_scope(domein):
    """The role grants access to the resources of application X. X's own instance is not
    listed as a resource-origin of its own GRANTED scope (it has OWN for that); another
    instance of the role in the same domain lists X's Device."""
    x = ApplicatieFactory(beheerders=[UserFactory()])
    y = ApplicatieFactory(beheerders=[UserFactory()])
    rol = _role_granting("Meekijker van X", x)
    dora = domein.beheerders.first()
    own, other = (
        accept_request(
            request_id=make_request(applicatie=app, domein=domein).pk, by=dora, rol_id=rol.pk
        ).instantie
        for app in (x, y)
    )
    context = scope_context([own, other])
    assert scopes_for_instance(own, context) == []
    assert scopes_for_instance(other, context) == [
        f"system/Task.rs?resource-origin=Device/{own.client_id}"
    ]
    assert scopes_for_instance(own) == [] and scopes_for_instance(other) == [
        f"system/Task.rs?resource-origin=Device/{own.client_id}"
    ]
