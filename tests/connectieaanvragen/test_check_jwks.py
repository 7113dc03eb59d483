"""`manage.py check_jwks` against real local JWKS servers: the state per instance, one mail
when it turns bad twice in a row, one when it is good again, and the x5c expiry warning."""

import base64
import datetime
from io import StringIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core import mail
from django.core.management import call_command

from connectieaanvragen.jwks import JwksError, check_jwks_document
from domeinen.models import Applicatieinstantie, SleutelStatus
from domeinen.services import change_instance_status
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_request
from tests.jwks_server import ec_key, jwk_set, rsa_key

pytestmark = pytest.mark.django_db


def _certificate_b64(*, days_valid: int) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "app.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days_valid))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


@pytest.fixture
def world(jwks_server, settings):
    settings.KT_OMGEVING = "acc21"
    anna = UserFactory(email="anna@leverancier.example")
    bert = UserFactory(email="bert@leverancier.example")
    dora = UserFactory(email="dora@zorg.example")
    app = ApplicatieFactory(naam="Zorgportaal", beheerders=[anna, bert])
    domein = DomeinFactory(naam="ggz-noord", beheerders=[dora])
    uri = jwks_server.serve("/app.json")
    aanvraag = make_request(applicatie=app, domein=domein, jwks_uri=uri)
    from connectieaanvragen.services import accept_request

    instance = accept_request(request_id=aanvraag.pk, by=dora).instantie
    mail.outbox.clear()
    return {"server": jwks_server, "instance": instance, "dora": dora}


def _run(django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_jwks", "--workers", "2", "--limit", "120", stdout=out)
    return out.getvalue()


def _subjects():
    return sorted({m.subject for m in mail.outbox})


def _recipients():
    return sorted(m.to[0] for m in mail.outbox)


def test_good_then_broken_then_good_mails_once_each_way(world, django_capture_on_commit_callbacks):
    server, instance = world["server"], world["instance"]

    output = _run(django_capture_on_commit_callbacks)
    assert "1 in orde, 0 fout, 0 niet op tijd klaar" in output
    instance.refresh_from_db()
    assert instance.sleutels_status == SleutelStatus.IN_ORDE
    good_since = instance.sleutels_sinds
    assert good_since is not None and not mail.outbox

    server.serve("/app.json", status=500, body=b"kapot")
    _run(django_capture_on_commit_callbacks)  # first failure: no mail yet
    instance.refresh_from_db()
    assert instance.sleutels_status == SleutelStatus.FOUT
    assert instance.sleutels_fout == "De JWKS URI gaf HTTP-status 500 in plaats van 200."
    assert instance.sleutels_fouten_op_rij == 1
    assert not mail.outbox

    _run(django_capture_on_commit_callbacks)  # second in a row: one mail per beheerder
    assert _subjects() == ["Sleutels van Zorgportaal in domein ggz-noord op acc21 niet in orde"]
    assert _recipients() == ["anna@leverancier.example", "bert@leverancier.example"]
    assert "HTTP-status 500" in mail.outbox[0].body
    mail.outbox.clear()

    _run(django_capture_on_commit_callbacks)  # still bad: no mail on every run
    instance.refresh_from_db()
    assert instance.sleutels_fouten_op_rij == 3
    assert not mail.outbox

    server.serve("/app.json", document=jwk_set())
    _run(django_capture_on_commit_callbacks)
    assert _subjects() == ["Sleutels van Zorgportaal in domein ggz-noord op acc21 weer in orde"]
    assert _recipients() == ["anna@leverancier.example", "bert@leverancier.example"]
    instance.refresh_from_db()
    assert instance.sleutels_status == SleutelStatus.IN_ORDE
    assert instance.sleutels_fouten_op_rij == 0 and instance.sleutels_fout == ""
    assert instance.sleutels_sinds > good_since
    mail.outbox.clear()

    _run(django_capture_on_commit_callbacks)
    assert not mail.outbox


def test_one_bad_run_between_good_ones_sends_no_mail(world, django_capture_on_commit_callbacks):
    server = world["server"]
    server.serve("/app.json", status=404, body=b"weg")
    _run(django_capture_on_commit_callbacks)
    server.serve("/app.json", document=jwk_set())
    _run(django_capture_on_commit_callbacks)
    assert not mail.outbox


def test_closed_instances_are_not_checked(world, django_capture_on_commit_callbacks):
    instance, dora = world["instance"], world["dora"]
    for status in ("in_onderhoud", "afgesloten"):
        change_instance_status(instance_id=instance.pk, new_status=status, reason="x", by=dora)
    mail.outbox.clear()
    output = _run(django_capture_on_commit_callbacks)
    assert "(van 0)" in output
    instance.refresh_from_db()
    assert instance.sleutels_status == SleutelStatus.ONBEKEND


def test_the_time_limit_leaves_slow_servers_for_the_next_run(
    world, django_capture_on_commit_callbacks, settings
):
    # A server that answers after the limit: the run ends at its limit, records nothing for
    # it and says so (no assertion on how long anything took).
    settings.KT_JWKS_TIMEOUT = 30
    world["server"].serve("/app.json", document=jwk_set(), delay=5)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_jwks", "--limit", "0.5", stdout=out)
    assert "0 in orde, 0 fout, 1 niet op tijd klaar (van 1)" in out.getvalue()
    world["instance"].refresh_from_db()
    assert world["instance"].sleutels_status == SleutelStatus.ONBEKEND


def test_an_x5c_certificate_expiring_within_30_days_warns_once(
    world, django_capture_on_commit_callbacks
):
    world["server"].serve(
        "/app.json", document=jwk_set(rsa_key(x5c=[_certificate_b64(days_valid=10)]))
    )
    _run(django_capture_on_commit_callbacks)
    instance = Applicatieinstantie.objects.get(pk=world["instance"].pk)
    assert instance.sleutels_status == SleutelStatus.IN_ORDE
    assert instance.certificaat_verloopt_binnenkort
    (subject,) = _subjects()
    assert subject.startswith(
        "Certificaat van Zorgportaal in domein ggz-noord op acc21 verloopt op"
    )
    assert _recipients() == ["anna@leverancier.example", "bert@leverancier.example"]
    mail.outbox.clear()
    _run(django_capture_on_commit_callbacks)  # the same certificate: no second mail
    assert not mail.outbox


def test_a_certificate_far_from_expiry_gives_no_warning(world, django_capture_on_commit_callbacks):
    world["server"].serve(
        "/app.json", document=jwk_set(ec_key(x5c=[_certificate_b64(days_valid=365)]))
    )
    _run(django_capture_on_commit_callbacks)
    instance = Applicatieinstantie.objects.get(pk=world["instance"].pk)
    assert instance.sleutels_certificaat_verloopt_op is not None
    assert not instance.certificaat_verloopt_binnenkort
    assert not mail.outbox


def test_an_unreadable_x5c_certificate_is_refused():
    with pytest.raises(JwksError) as exc:
        check_jwks_document(jwk_set(rsa_key(x5c=["bm90IGEgY2VydA=="])))
    assert exc.value.message == "Sleutel 'rsa-1': het certificaat in 'x5c' is ongeldig."
