"""Property-based run of the generated OpenAPI schema against the app itself (in-process WSGI).

Every operation gets a few generated requests, authenticated as support (personal token) or,
for the client endpoints, as domain A's key, so they reach the views and the services. No
response may be a server error, and every response (errors too) must match the schema.
Bounded by max_examples so the whole run stays well under a minute.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]


# Loaded once at collection, from the running app's own schema endpoint (no database needed).
# (schemathesis' lazy fixture loader does not work with pytest 9.2.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection():
    """The real WSGI handler closes the database connection after each request, which would
    end the test's transaction (PostgreSQL); Django's own test client disconnects it likewise."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    settings.KT_API_RATE_TOKEN = "100000/min"
    settings.KT_API_RATE_DOMEINSLEUTEL = "100000/min"


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema_and_never_with_a_server_error(case, world):
    # Random path values would only ever meet 404 (covered by the permission matrix); point
    # them at real objects so the views, serializers and services do their work.
    params = case.path_parameters or {}
    real = {
        "domein": world.dom_a.naam,
        "naam": world.dom_a.naam,
        "client_id": str(world.inst_xa.client_id),
        "id": _real_id(case.path, world),
    }
    for name in params:
        if real.get(name) is not None:
            params[name] = real[name]
    caller = "key_a" if "/clients" in case.path else "support"
    headers = {"Authorization": f"Bearer {world.secrets[caller]}"}
    case.call_and_validate(headers=headers, checks=CHECKS)


def _real_id(path, world):
    from api.models import PersoonlijkToken
    from api.services import create_personal_token
    from rollen.models import Rol

    if path.startswith("/api/v1/applicaties/"):
        return world.app_x.pk
    if path.startswith("/api/v1/aanvragen/"):
        return world.req_ya.pk
    if path.startswith("/api/v1/wijzigingsverzoeken/"):
        return _open_change(world).pk
    if path.startswith("/api/v1/rollen/"):
        return Rol.objects.order_by("pk").values_list("pk", flat=True).first()
    if path.startswith("/api/v1/tokens/"):
        # A spare token of support's to revoke; the one the run authenticates with stays valid.
        spare = PersoonlijkToken.objects.filter(gebruiker=world.support, naam="reserve").first()
        if spare is None:
            spare, _secret = create_personal_token(
                gebruiker=world.support, naam="reserve", by=world.support
            )
        return spare.pk
    return None


def _open_change(world):
    """A change request of instance X-in-A (open, unless an earlier example decided it)."""
    from connectieaanvragen.models import Wijzigingsverzoek
    from tests.factories import make_change

    existing = Wijzigingsverzoek.objects.filter(instantie=world.inst_xa).first()
    if existing is not None:
        return existing
    return make_change(
        instance_id=world.inst_xa.pk,
        by=world.anna,
        redirect_uris=["https://app-x.example.org/terug"],
    )
