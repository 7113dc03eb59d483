"""List and detail pages: the number of queries per page does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domeinen.services import change_instance_role, change_instance_status
from rollen.models import Bereik, Rol, Rolpermissie
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

MAX_QUERIES = 12


@pytest.fixture
def person(db):
    return UserFactory(username="beide")


@pytest.fixture
def domein(person):
    return DomeinFactory(naam="druk-domein", beheerders=[person])


@pytest.fixture
def applicatie(person):
    return ApplicatieFactory(naam="Drukke app", beheerders=[person])


def grow(*, person, domein, applicatie, n):
    """Add n instances and n requests (open and decided) to the domain and the application,
    plus n domains and applications of the person."""
    for _ in range(n):
        app = ApplicatieFactory(beheerders=[UserFactory()])
        instance = make_instance(applicatie=app, domein=domein)
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason="r", by=person
        )
        make_request(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
        other = DomeinFactory(beheerders=[person, UserFactory()])
        make_request(applicatie=applicatie, domein=other)
        make_instance(applicatie=applicatie, domein=DomeinFactory(beheerders=[UserFactory()]))
        ApplicatieFactory(beheerders=[person])


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


URLS = [
    lambda w: "/",
    lambda w: "/domeinen/",
    lambda w: "/applicaties/",
    lambda w: f"/domeinen/{w['domein'].naam}/",
    lambda w: f"/domeinen/{w['domein'].naam}/applicatieinstanties/",
    lambda w: f"/domeinen/{w['domein'].naam}/applicatieinstanties/?status=in_onderhoud&q=a",
    lambda w: f"/domeinen/{w['domein'].naam}/applicatieinstanties/?page=2",
    lambda w: f"/domeinen/{w['domein'].naam}/applicatieinstanties/{w['instance'].client_id}/",
    lambda w: f"/domeinen/{w['domein'].naam}/connectieaanvragen/",
    lambda w: f"/domeinen/{w['domein'].naam}/connectieaanvragen/{w['aanvraag'].pk}/",
    lambda w: f"/applicaties/{w['applicatie'].pk}/",
    lambda w: f"/applicaties/{w['applicatie'].pk}/connectieaanvragen/",
    lambda w: f"/applicaties/{w['applicatie'].pk}/applicatieinstanties/",
    lambda w: f"/applicaties/{w['applicatie'].pk}/connectieaanvragen/nieuw/",
]


def test_query_counts_do_not_grow_with_the_data(client, person, domein, applicatie):
    login(client, person)
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    aanvraag = make_request(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
    world = {"domein": domein, "applicatie": applicatie, "instance": instance, "aanvraag": aanvraag}
    # Every role in play grants access to the resources of `applicatie` (GRANTED scopes resolve
    # to Devices of its instances), so scope rendering has real work on every page.
    for rol in Rol.objects.all():
        perm = Rolpermissie.objects.create(
            rol=rol, resource_type="AuditEvent", operatie="read", bereik=Bereik.GRANTED
        )
        perm.toegestane_applicaties.add(applicatie)
    make_instance(applicatie=applicatie, domein=domein)
    roles = list(Rol.objects.exclude(pk=instance.rol_id))
    grow(person=person, domein=domein, applicatie=applicatie, n=3)
    small = [count(client, url(world)) for url in URLS]
    for i in range(5):  # history grows too: status and role changes
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason="r", by=person
        )
        change_instance_status(instance_id=instance.pk, new_status="actief", reason="r", by=person)
        change_instance_role(
            instance_id=instance.pk, rol_id=roles[i % len(roles)].pk, reason="r", by=person
        )
    grow(person=person, domein=domein, applicatie=applicatie, n=30)
    large = [count(client, url(world)) for url in URLS]
    assert large == small
    assert max(large) <= MAX_QUERIES, dict(zip(range(len(URLS)), large, strict=True))
