import pytest
from django.core.cache import cache

from tests.factories import DomeinFactory, UserFactory
from tests.fhir.servers import SekmetServer


@pytest.fixture(scope="session")
def fhir_server(tmp_path_factory):
    """One real FHIR R4 server (sekmet-fhir) for the session; Devices are keyed by fresh
    client_ids, so tests do not see each other's data."""
    server = SekmetServer(tmp_path_factory.mktemp("sekmet")).start()
    yield server
    server.stop()


@pytest.fixture
def own_fhir_server(tmp_path):
    """A FHIR server this test may stop and restart (same data dir)."""
    server = SekmetServer(tmp_path / "sekmet").start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _push_after_commit(settings):
    settings.KT_FHIR_PUSH_AFTER_COMMIT = True
    settings.KT_FHIR_TIMEOUT = 2
    cache.clear()


@pytest.fixture
def fhir_admin(transactional_db):
    return UserFactory()


def make_fhir_domein(server, admin, **kwargs):
    kwargs.setdefault("fhir_auth", "geen")
    kwargs.setdefault("token_endpoint", f"{server.root}/oauth2/token")
    return DomeinFactory(fhir_base_url=server.base_url, beheerders=[admin], **kwargs)


@pytest.fixture
def fhir_domein(fhir_server, fhir_admin):
    return make_fhir_domein(fhir_server, fhir_admin)


@pytest.fixture
def superuser(transactional_db):
    return UserFactory(is_superuser=True, is_staff=True)
