"""`manage.py fhir_sync`: finds Devices deleted or altered behind the portal's back and
repairs them; `--check` only reports and exits non-zero on drift."""

import io

import pytest
from django.core.management import CommandError, call_command

from beheer.fhir.builders import CLIENT_ID_SYSTEM
from connectieaanvragen.services import accept_request
from domeinen.models import FhirStatus
from tests.factories import ApplicatieFactory, UserFactory, make_request
from tests.fhir.conftest import device_path, make_fhir_domein

pytestmark = pytest.mark.django_db(transaction=True)


def _accept(domein, admin):
    applicatie = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    return accept_request(request_id=aanvraag.pk, by=admin).instantie


def _run(*args):
    out = io.StringIO()
    try:
        call_command("fhir_sync", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def drifted(fhir_server, fhir_domein, fhir_admin):
    """Four instances: one in order, one Device deleted, one with the wrong status, one with a
    wrong name and identifier."""
    ok, deleted, status, renamed = (_accept(fhir_domein, fhir_admin) for _ in range(4))
    assert fhir_server.delete(device_path(deleted)).status_code == 200
    device = fhir_server.get(device_path(status)).json()
    fhir_server.put({**device, "status": "inactive"})
    device = fhir_server.get(device_path(renamed)).json()
    fhir_server.put(
        {
            **device,
            "deviceName": [{"name": "Gekaapt", "type": "user-friendly-name"}],
            "identifier": [{"system": CLIENT_ID_SYSTEM, "value": "iets-anders"}],
        }
    )
    return {"ok": ok, "deleted": deleted, "status": status, "renamed": renamed}


def test_check_reports_drift_and_exits_non_zero_without_repairing(fhir_server, drifted):
    code, out = _run("--check")

    assert code == 2
    assert device_path(drifted["deleted"]) in out and "Device ontbreekt" in out
    assert device_path(drifted["status"]) in out and "status is 'inactive'" in out
    assert "Gekaapt" in out and "iets-anders" in out
    assert device_path(drifted["ok"]) not in out
    assert "4 gecontroleerd, 1 in orde, 3 afwijkend, 0 hersteld" in out
    assert fhir_server.get(device_path(drifted["deleted"])).status_code == 410


def test_sync_repairs_deleted_and_altered_devices(fhir_server, drifted):
    code, out = _run()

    assert code == 0
    assert "3 afwijkend, 3 hersteld, 0 fout" in out
    assert fhir_server.get(device_path(drifted["deleted"])).json()["status"] == "active"
    assert fhir_server.get(device_path(drifted["status"])).json()["status"] == "active"
    renamed = fhir_server.get(device_path(drifted["renamed"])).json()
    assert renamed["deviceName"][0]["name"] == drifted["renamed"].applicatie.naam
    assert renamed["identifier"] == [
        {"system": CLIENT_ID_SYSTEM, "value": str(drifted["renamed"].client_id)}
    ]
    assert _run("--check")[0] == 0


def test_sync_limited_to_one_domain(fhir_server, drifted, fhir_admin):
    other = make_fhir_domein(fhir_server, fhir_admin)
    elsewhere = _accept(other, fhir_admin)
    fhir_server.delete(device_path(elsewhere))

    code, out = _run("--check", "--domein", other.naam)

    assert code == 2
    assert "1 gecontroleerd" in out and str(elsewhere.client_id) in out


def test_unknown_domain_is_refused():
    code, _out = _run("--domein", "bestaat-niet")
    assert code == 1


def test_unreachable_server_is_reported_and_fails_the_check(own_fhir_server, fhir_admin):
    domein = make_fhir_domein(own_fhir_server, fhir_admin)
    instance = _accept(domein, fhir_admin)
    own_fhir_server.stop()

    code, out = _run("--check")
    assert code == 2
    assert "FOUT" in out and "niet bereikbaar" in out

    code, _out = _run()
    assert code == 1
    # Not being able to look does not change what was last recorded.
    instance.refresh_from_db()
    assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD
