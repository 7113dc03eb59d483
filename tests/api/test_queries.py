"""List endpoints cost the same number of queries whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectieaanvragen.services import accept_request
from rollen.models import Rol, Rolpermissie
from tests.api.conftest import auth
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db

LISTS = [
    ("support", "/api/v1/domeinen/"),
    ("support", "/api/v1/applicaties/"),
    ("support", "/api/v1/instanties/"),
    ("dora", "/api/v1/instanties/"),
    ("support", "/api/v1/aanvragen/"),
    ("anna", "/api/v1/aanvragen/"),
    ("support", "/api/v1/rollen/"),
    ("support", "/api/v1/tokens/"),
    ("key_a", "/api/v1/domeinen/domein-a/clients/"),
    ("support", "/api/v1/logboek/"),
    ("dora", "/api/v1/logboek/?gebeurtenis=instantie"),
]


def _grow(world, n):
    """n more applications in domain A, half with a GRANTED role; n more domains with requests."""
    rol = Rol.objects.get_or_create(naam="Meekijker")[0]
    perm, _ = Rolpermissie.objects.get_or_create(
        rol=rol, resource_type="Task", operatie="read", bereik="GRANTED"
    )
    perm.toegestane_applicaties.add(world.app_x)
    for i in range(n):
        app = ApplicatieFactory(beheerders=[world.anna, UserFactory()])
        perm.toegestane_applicaties.add(app)
        aanvraag = make_request(applicatie=app, domein=world.dom_a)
        accept_request(request_id=aanvraag.pk, by=world.dora, rol_id=rol.pk if i % 2 else None)
        make_request(applicatie=app, domein=DomeinFactory(beheerders=[world.dora]))
        Rol.objects.create(naam=f"Extra {n}-{i}").permissies.create(
            resource_type="Patient", operatie="read", bereik="ALL"
        )


def _count(client, world, caller, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **auth(world, caller))
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize(("caller", "url"), LISTS)
def test_list_query_count_is_flat(client, world, caller, url):
    _grow(world, 2)
    client.get(url, **auth(world, caller))  # warm up: last-used write, caches
    small, small_count = _count(client, world, caller, url)
    _grow(world, 6)
    large, large_count = _count(client, world, caller, url)
    assert small == large, f"{url}: {small} queries for {small_count}, {large} for {large_count}"
    assert large <= 12
    if url != "/api/v1/tokens/":  # tokens do not grow with the data
        assert large_count > small_count


def test_instance_detail_query_count_stays_flat_as_history_grows(client, world):
    from domeinen.services import change_instance_role, change_instance_status

    url = f"/api/v1/instanties/{world.inst_xa.client_id}/"
    client.get(url, **auth(world, "support"))
    before, _ = _detail_count(client, world, "support", url)
    for _round in range(3):
        for status in ("in_onderhoud", "actief"):
            change_instance_status(
                instance_id=world.inst_xa.pk, new_status=status, reason="r", by=world.dora
            )
        for naam in ("EPD", "eHealth module"):
            change_instance_role(
                instance_id=world.inst_xa.pk,
                rol_id=Rol.objects.get(naam=naam).pk,
                reason="r",
                by=world.dora,
            )
    after, body = _detail_count(client, world, "support", url)
    assert len(body["historie"]) == 13
    assert after == before


def test_client_detail_query_count_stays_flat_as_grants_grow(client, world):
    url = f"/api/v1/domeinen/domein-a/clients/{world.inst_xa.client_id}"
    _grow(world, 1)
    client.get(url, **auth(world, "key_a"))
    before, _ = _detail_count(client, world, "key_a", url)
    _grow(world, 5)
    after, _ = _detail_count(client, world, "key_a", url)
    assert after == before


def _detail_count(client, world, caller, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **auth(world, caller))
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()
