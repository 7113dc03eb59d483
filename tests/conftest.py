import pytest

from tests.factories import ApplicatieFactory, DomeinFactory, SupportUserFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks and real concurrency; say so clearly on SQLite."""
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
