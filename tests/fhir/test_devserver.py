"""The local FHIR servers of `make run`: one store per domain at the Koppeltaal URL shape."""

import subprocess
import sys

import pytest
import requests

from connectieaanvragen.services import accept_request
from domeinen.models import FhirStatus
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_request
from tests.fhir.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def devserver(tmp_path):
    port = free_port()
    args = ["--port", str(port), "--data-dir", str(tmp_path / "fhir")]
    process = subprocess.Popen(
        [sys.executable, "-m", "beheer.fhir.devserver", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        waited = subprocess.run(
            [sys.executable, "-m", "beheer.fhir.devserver", *args, "--wait"], check=False
        )
        assert waited.returncode == 0
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_domains_get_their_devices_in_their_own_store(devserver, fhir_admin):
    domeinen = [
        DomeinFactory(
            naam=naam,
            fhir_base_url=f"{devserver}/api/v1/{naam}/fhir/r4/",
            fhir_auth="geen",
            beheerders=[fhir_admin],
        )
        for naam in ("ggz-noord", "ggz-zuid")
    ]
    applicatie = ApplicatieFactory(beheerders=[UserFactory()])
    aanvraag = make_request(applicatie=applicatie, domein=domeinen[0])
    instance = accept_request(request_id=aanvraag.pk, by=fhir_admin).instantie

    instance.refresh_from_db()
    assert instance.fhir_status == FhirStatus.GESYNCHRONISEERD
    noord = requests.get(f"{devserver}/api/v1/ggz-noord/fhir/r4/Device/{instance.client_id}")
    zuid = requests.get(f"{devserver}/api/v1/ggz-zuid/fhir/r4/Device/{instance.client_id}")
    assert noord.status_code == 200 and noord.json()["status"] == "active"
    assert zuid.status_code == 404
    assert requests.get(f"{devserver}/elders").status_code == 404
