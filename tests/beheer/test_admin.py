"""The support desk's admin: pages load, transitions run through the services, costs stay flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connectieaanvragen.models import Connectieaanvraag
from domeinen.models import Applicatieinstantie
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_instance,
    make_request,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:accounts_user_changelist",
    "admin:domeinen_domein_changelist",
    "admin:applicaties_applicatie_changelist",
    "admin:domeinen_applicatieinstantie_changelist",
    "admin:connectieaanvragen_connectieaanvraag_changelist",
]


def _populate(n):
    """n domains and applications, each with an instance (and its history) and an open request."""
    for _ in range(n):
        domein = DomeinFactory(beheerders=[UserFactory()])
        app = ApplicatieFactory(beheerders=[UserFactory()])
        instance = make_instance(applicatie=app, domein=domein)
        other = DomeinFactory(beheerders=[UserFactory()])
        make_request(applicatie=app, domein=other)
        assert instance.pk


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def support_client(client, support_user):
    return login(client, support_user)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_load_with_flat_query_counts(support_client, name):
    url = reverse(name)
    _populate(2)
    small = _count_queries(support_client, url)
    _populate(6)
    large = _count_queries(support_client, url)
    assert large == small, f"{name}: {small} queries with little data, {large} with more"
    assert large <= 15


def test_change_pages_load_with_flat_query_counts(support_client, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    aanvraag = instance.connectieaanvraag
    inst_url = reverse("admin:domeinen_applicatieinstantie_change", args=[instance.pk])
    req_url = reverse("admin:connectieaanvragen_connectieaanvraag_change", args=[aanvraag.pk])
    support_client.get(inst_url)  # warm up: first requests fill the session and ContentType cache
    support_client.get(req_url)
    before = (_count_queries(support_client, inst_url), _count_queries(support_client, req_url))
    dora = domein.beheerders.first()
    from domeinen.services import change_instance_status

    for status in ["in_onderhoud", "actief", "in_onderhoud", "actief"]:
        change_instance_status(instance_id=instance.pk, new_status=status, reason="r", by=dora)
    after = (_count_queries(support_client, inst_url), _count_queries(support_client, req_url))
    assert after == before
    page = support_client.get(inst_url).content.decode()
    assert "Status wijzigen" in page
    assert "historie" in page.lower()


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_add",
        "admin:domeinen_domein_add",
        "admin:applicaties_applicatie_add",
        "admin:connectieaanvragen_connectieaanvraag_add",
    ],
)
def test_add_pages_load(support_client, name):
    assert support_client.get(reverse(name)).status_code == 200


def test_instances_cannot_be_added_or_deleted_by_hand(support_client, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    assert support_client.get("/admin/domeinen/applicatieinstantie/add/").status_code == 403
    url = reverse("admin:domeinen_applicatieinstantie_delete", args=[instance.pk])
    assert support_client.post(url, {"post": "yes"}).status_code == 403
    assert Applicatieinstantie.objects.filter(pk=instance.pk).exists()


def test_status_field_cannot_be_edited_by_hand(support_client, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    url = reverse("admin:domeinen_applicatieinstantie_change", args=[instance.pk])
    support_client.post(url, {"status": "afgesloten"})
    instance.refresh_from_db()
    assert instance.status == "actief"


def test_admin_status_change_calls_the_service(support_client, support_user, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    url = reverse("admin:domeinen_applicatieinstantie_status", args=[instance.pk])
    page = support_client.get(url).content.decode()
    assert 'value="in_onderhoud"' in page
    assert 'value="afgesloten"' not in page  # not a legal move from actief
    response = support_client.post(url, {"status": "in_onderhoud", "reden": "Storing"})
    assert response.status_code == 302
    instance.refresh_from_db()
    assert instance.status == "in_onderhoud"
    last = instance.historie.first()
    assert (last.door, last.reden) == (support_user, "Storing")


def test_admin_status_change_without_reason_changes_nothing(support_client, applicatie, domein):
    instance = make_instance(applicatie=applicatie, domein=domein)
    url = reverse("admin:domeinen_applicatieinstantie_status", args=[instance.pk])
    response = support_client.post(url, {"status": "in_onderhoud", "reden": ""})
    assert response.status_code == 200
    assert "Geef een reden op." in response.content.decode()
    instance.refresh_from_db()
    assert instance.status == "actief"


def test_admin_accept_and_refuse(support_client, applicatie, domein, domeinbeheerder):
    first = make_request(applicatie=applicatie, domein=domein)
    url = reverse("admin:connectieaanvragen_connectieaanvraag_accepteren", args=[first.pk])
    assert support_client.post(url).status_code == 302
    first.refresh_from_db()
    assert first.status == "geaccepteerd" and first.instantie is not None

    other = DomeinFactory(beheerders=[domeinbeheerder])
    second = make_request(applicatie=applicatie, domein=other)
    url = reverse("admin:connectieaanvragen_connectieaanvraag_weigeren", args=[second.pk])
    assert support_client.post(url, {"reden": ""}).status_code == 200  # reason required
    second.refresh_from_db()
    assert second.status == "aangevraagd"
    support_client.post(url, {"reden": "Geen overeenkomst"})
    second.refresh_from_db()
    assert (second.status, second.besluit_reden) == ("geweigerd", "Geen overeenkomst")


def test_admin_accept_twice_shows_the_service_error(support_client, applicatie, domein):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    url = reverse("admin:connectieaanvragen_connectieaanvraag_accepteren", args=[aanvraag.pk])
    support_client.post(url)
    response = support_client.post(url, follow=True)
    assert "besluit staat vast" in response.content.decode()
    assert Applicatieinstantie.objects.count() == 1


def test_admin_bulk_accept_action(support_client, applicatie, domeinbeheerder):
    requests = [
        make_request(applicatie=applicatie, domein=DomeinFactory(beheerders=[domeinbeheerder]))
        for _ in range(3)
    ]
    response = support_client.post(
        reverse("admin:connectieaanvragen_connectieaanvraag_changelist"),
        {"action": "accept_selected", "_selected_action": [r.pk for r in requests]},
        follow=True,
    )
    assert "3 aanvragen geaccepteerd" in response.content.decode()
    assert Connectieaanvraag.objects.filter(status="geaccepteerd").count() == 3


def test_admin_files_a_request_through_the_service(support_client, applicatie, domein, jwks_server):
    url = reverse("admin:connectieaanvragen_connectieaanvraag_add")
    data = {
        "applicatie": applicatie.pk,
        "domein": domein.pk,
        "jwks_uri": jwks_server.serve(),
        "redirect_uris": "https://app.example.org/cb",
        "toelichting": "Namens de leverancier",
    }
    response = support_client.post(url, data)
    assert response.status_code == 302
    aanvraag = Connectieaanvraag.objects.get()
    assert aanvraag.redirect_uris == ["https://app.example.org/cb"]
    # a second filing for the pair is refused with the service's message, nothing written
    response = support_client.post(url, data)
    assert response.status_code == 200
    assert "al een openstaande connectieaanvraag" in response.content.decode()
    assert Connectieaanvraag.objects.count() == 1


def test_non_staff_user_cannot_reach_the_admin(client, domeinbeheerder):
    login(client, domeinbeheerder)
    response = client.get(reverse("admin:domeinen_domein_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_support_group_holds_no_delete_permissions(support_user):
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name="support").permissions.values_list("codename", flat=True))
    assert "change_applicatieinstantie" in perms
    assert "add_connectieaanvraag" in perms
    assert not any(p.startswith("delete_") for p in perms)
    assert support_user.is_support
