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


def test_demo_prints_the_logins_last_in_a_box(capsys):
    call_command("demo")
    out = capsys.readouterr().out.rstrip().splitlines()
    assert out[-1].startswith("╚") and out[-1].endswith("╝")
    box = out[-12:]
    assert any("dora" in line for line in box)
    call_command("demo", "--logins")
    only = capsys.readouterr().out.splitlines()
    assert only[0].startswith("╔") and "Demo klaar" not in "".join(only)


@pytest.fixture
def demo_jwks_server(tmp_path, settings):
    """The folder `make run` serves on loopback, served the same way (http.server)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.KT_JWKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_demo_with_a_local_jwks_server_has_its_open_requests_checked(
    demo_jwks_server, monkeypatch, settings
):
    folder, base = demo_jwks_server
    settings.DEBUG = True  # http to loopback only in development, as in `make run`
    monkeypatch.setenv("KT_DEMO_JWKS_DIR", str(folder))
    monkeypatch.setenv("KT_DEMO_JWKS_BASE", base)
    call_command("demo")
    open_requests = Connectieaanvraag.objects.filter(status="aangevraagd")
    assert open_requests.exists()
    for aanvraag in open_requests:
        assert aanvraag.jwks_uri.startswith(base + "/")
        assert aanvraag.jwks_resultaat["ok"] is True, aanvraag.jwks_resultaat
