import pytest
from django.core.cache import cache

from beheer.fhir.profile import check_resource, load_structure_definition
from tests.factories import DomeinFactory, UserFactory
from tests.fhir.servers import FhirFront, SekmetServer

# The two server behaviours every Device test runs against (docs/fhir.md): sekmet as it is,
# with the portal choosing the Device id; and sekmet behind the strict front that applies the
# Koppeltaal reference server's rules, with the server choosing the id.
BEHAVIOURS = ["sekmet", "strict"]
_fronts: list[FhirFront] = []


def _front(directory, behaviour) -> FhirFront:
    front = FhirFront(SekmetServer(directory), strict=behaviour == "strict").start()
    _fronts.append(front)
    return front


@pytest.fixture(scope="session", params=BEHAVIOURS)
def fhir_server(request, tmp_path_factory):
    """One real FHIR R4 server (sekmet-fhir) per behaviour for the session; Devices are keyed
    by fresh client_ids, so tests do not see each other's data."""
    server = _front(tmp_path_factory.mktemp("sekmet"), request.param)
    yield server
    server.stop()
    _fronts.remove(server)


@pytest.fixture(params=BEHAVIOURS)
def own_fhir_server(request, tmp_path):
    """A FHIR server this test may stop and restart (same data dir)."""
    server = _front(tmp_path / "sekmet", request.param)
    yield server
    server.stop()
    _fronts.remove(server)


@pytest.fixture
def strict_fhir_server(tmp_path):
    """Only the strict behaviour (the Koppeltaal reference server's rules), for this test."""
    server = _front(tmp_path / "strict", "strict")
    yield server
    server.stop()
    _fronts.remove(server)


@pytest.fixture(autouse=True)
def _every_stored_device_conforms_to_kt2device():
    """Every Device the portal had a server store during the test validates against the
    bundled KT2Device profile."""
    for front in _fronts:
        front.stored_devices.clear()
    yield
    sd = load_structure_definition("KT2Device")
    for front in _fronts:
        for device in front.stored_devices:
            assert check_resource(device, sd) == [], device
        front.stored_devices.clear()


@pytest.fixture(autouse=True)
def _push_after_commit(settings):
    settings.KT_FHIR_PUSH_AFTER_COMMIT = True
    settings.KT_FHIR_TIMEOUT = 2
    cache.clear()


@pytest.fixture
def fhir_admin(transactional_db):
    return UserFactory()


def make_fhir_domein(server, admin, **kwargs):
    """A domain on `server`; on the strict front the server chooses the Device id."""
    kwargs.setdefault("fhir_auth", "geen")
    kwargs.setdefault("token_endpoint", f"{server.root}/oauth2/token")
    if getattr(server, "strict", False):
        kwargs.setdefault("fhir_device_creation", "server")
    return DomeinFactory(fhir_base_url=server.base_url, beheerders=[admin], **kwargs)


def device_path(instance) -> str:
    """`Device/<id>` of the instance's Device as the portal last recorded it."""
    instance.refresh_from_db()
    return instance.device_reference


@pytest.fixture
def fhir_domein(fhir_server, fhir_admin):
    return make_fhir_domein(fhir_server, fhir_admin)


@pytest.fixture
def superuser(transactional_db):
    return UserFactory(is_superuser=True, is_staff=True)
