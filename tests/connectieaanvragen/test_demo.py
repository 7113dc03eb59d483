import pytest
from django.core.management import CommandError, call_command

from applicaties.models import Applicatie
from beheer.accounts.models import User
from connectieaanvragen.models import AanvraagStatuswijziging, Connectieaanvraag, Wijzigingsverzoek
from domeinen.models import Applicatieinstantie, Domein, InstantieStatuswijziging

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Domein,
            Applicatie,
            Connectieaanvraag,
            Applicatieinstantie,
            AanvraagStatuswijziging,
            InstantieStatuswijziging,
        )
    }


def test_demo_covers_every_state_and_is_idempotent(capsys):
    call_command("demo")
    first = _counts()
    out = capsys.readouterr().out
    for login in ("support", "dora", "daan", "anna", "bram", "sam"):
        assert login in out
    assert first["Domein"] >= 4 and first["Applicatie"] >= 5

    assert set(Connectieaanvraag.objects.values_list("status", flat=True)) == {
        "aangevraagd",
        "geaccepteerd",
        "geweigerd",
        "ingetrokken",
    }
    assert set(Wijzigingsverzoek.objects.values_list("status", flat=True)) == {
        "aangevraagd",
        "geaccepteerd",
    }
    assert set(Applicatieinstantie.objects.values_list("status", flat=True)) == {
        "actief",
        "in_onderhoud",
        "afgesloten",
    }
    assert InstantieStatuswijziging.objects.exclude(van_status="").exclude(reden="").exists()
    sam = User.objects.get(username="sam")
    assert sam.beheerde_domeinen.exists() and sam.beheerde_applicaties.exists()
    assert User.objects.get(username="support").is_support
    assert User.objects.get(username="dora").check_password("Koppeltaal-demo-2026")

    call_command("demo")
    assert _counts() == first


def test_demo_refuses_to_run_in_production(settings):
    settings.KT_OMGEVING = "prd2"
    with pytest.raises(CommandError):
        call_command("demo")
    assert not Domein.objects.exists()
