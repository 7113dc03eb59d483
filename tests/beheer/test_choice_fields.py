"""The portal's choice fields offer the right choices, and validate against them."""

import pytest

from connectieaanvragen.forms import AcceptForm, NewRequestForm
from domeinen.forms import InstanceRoleForm
from domeinen.models import Domein
from rollen.models import Rol
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance


def _options(html: str) -> list[str]:
    return [part.split(">", 1)[1].split("<", 1)[0] for part in html.split("<option")[1:]]


@pytest.mark.django_db
def test_the_role_choices_of_an_instance_are_the_other_roles():
    domein = DomeinFactory(beheerders=[UserFactory()])
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    form = InstanceRoleForm(instance=instance, prefix="rol")
    html = str(form["rol"])
    others = list(
        Rol.objects.exclude(pk=instance.rol_id).order_by("naam").values_list("naam", flat=True)
    )
    assert others and instance.rol.naam not in others
    assert _options(html) == ["Kies een rol", *others]


@pytest.mark.django_db
def test_domain_and_role_choices_of_the_request_forms():
    DomeinFactory(naam="zorg-b")
    DomeinFactory(naam="zorg-a")
    domains = _options(str(NewRequestForm()["domein"]))
    roles = _options(str(AcceptForm()["rol"]))
    assert domains == [
        "Kies een domein",
        *Domein.objects.order_by("naam").values_list("naam", flat=True),
    ]
    assert roles == [
        "Standaardrol voor de soort applicatie",
        *Rol.objects.order_by("naam").values_list("naam", flat=True),
    ]


@pytest.mark.django_db
def test_a_chosen_role_is_still_validated_against_the_choices():
    domein = DomeinFactory(beheerders=[UserFactory()])
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    other = Rol.objects.exclude(pk=instance.rol_id).first()
    ok = InstanceRoleForm(
        {"rol-rol": other.pk, "rol-reden": "nodig"}, instance=instance, prefix="rol"
    )
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["rol"] == other
    same = InstanceRoleForm(
        {"rol-rol": instance.rol_id, "rol-reden": "nodig"}, instance=instance, prefix="rol"
    )
    assert not same.is_valid()
    assert same.errors["rol"] == ["Kies een bestaande rol."]
