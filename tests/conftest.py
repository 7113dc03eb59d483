import pytest

from tests.factories import ApplicatieFactory, DomeinFactory, SupportUserFactory, UserFactory


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


def pytest_collection_modifyitems(config, items):
    """Transactional tests flush the database afterwards, which would also remove the rows that
    data migrations load (the support group, the default roles); serialized rollback restores
    them. Tests marked `postgres` need row locks and real concurrency; say so on SQLite."""
    for item in items:
        if _is_transactional(item):
            # A marker (not only the fixture): pytest-django decides from the markers whether
            # to serialize the database when it creates it.
            marker = item.get_closest_marker("django_db")
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)

    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def domeinbeheerder(db):
    return UserFactory(username="domeinbeheerder", full_name="Dora Domein")


@pytest.fixture
def applicatiebeheerder(db):
    return UserFactory(username="applicatiebeheerder", full_name="Anna Applicatie")


@pytest.fixture
def support_user(db):
    return SupportUserFactory(username="support", full_name="Sanne Support")


@pytest.fixture
def outsider(db):
    return UserFactory(username="buitenstaander")


@pytest.fixture
def domein(domeinbeheerder):
    return DomeinFactory(naam="ggz-noord", beheerders=[domeinbeheerder])


@pytest.fixture
def applicatie(applicatiebeheerder):
    return ApplicatieFactory(naam="Zorgportaal", beheerders=[applicatiebeheerder])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with production rounds makes every factory user cost ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_fhir_push_after_commit(settings):
    # Factory domains point at https://fhir.test.invalid: nothing may leave the machine.
    # tests/fhir switch this on against a real loopback FHIR server.
    settings.KT_FHIR_PUSH_AFTER_COMMIT = False


@pytest.fixture
def jwks_server(settings):
    """A local JWKS server, reachable because the test allows loopback: DEBUG (http to
    loopback) and KT_JWKS_ALLOWED_NETWORKS (loopback addresses). Production allows neither."""
    from tests.jwks_server import JwksServer

    settings.DEBUG = True
    settings.KT_JWKS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    server = JwksServer()
    yield server
    server.close()
