"""List and detail pages: the number of queries per page does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domeinen.services import change_instance_role, change_instance_status
from identiteit.models import Gebruikerstype, IdentityProvider
from identiteit.services import add_instance_idp
from rollen.models import Bereik, Rol, Rolpermissie
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    UserFactory,
    make_idp,
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
        domein.beheerders.add(UserFactory())  # the teams grow too
        applicatie.beheerders.add(UserFactory())


def count(client, url) -> int:
    # The session's last-activity stamp is rewritten at most every ACTIVITY_RESOLUTION seconds
    # (3 queries); on a slow machine growing the data takes longer than that. One request first,
    # so what is counted is the page, not the clock.
    client.get(url)
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
    lambda w: "/te-beoordelen/",
    lambda w: f"/domeinen/{w['domein'].naam}/applicatieinstanties/?sort=-sinds",
    lambda w: (
        f"/domeinen/{w['domein'].naam}/connectieaanvragen/"
        "?status=aangevraagd&q=a&van=2020-01-01&tot=2099-12-31&sort=-aangevraagd_op"
    ),
    lambda w: f"/applicaties/{w['applicatie'].pk}/connectieaanvragen/?q=domein&sort=domein",
    lambda w: f"/applicaties/{w['applicatie'].pk}/connectieaanvragen/?aanvraag={w['aanvraag'].pk}",
    lambda w: f"/applicaties/{w['applicatie'].pk}/applicatieinstanties/?status=actief&q=d",
    lambda w: f"/domeinen/{w['domein'].naam}/identity-providers/",
    lambda w: f"/domeinen/{w['domein'].naam}/identity-providers/nieuw/",
    lambda w: f"/domeinen/{w['domein'].naam}/identity-providers/{w['idp'].logische_id}/",
    lambda w: (
        f"/domeinen/{w['domein'].naam}/identity-providers/{w['idp'].logische_id}/verwijderen/"
    ),
    lambda w: (
        f"/domeinen/{w['domein'].naam}/applicatieinstanties/{w['instance'].client_id}"
        "/identity-providers/"
    ),
    lambda w: (
        f"/applicaties/{w['app_instance'].applicatie_id}/applicatieinstanties/"
        f"{w['app_instance'].client_id}/identity-providers/"
    ),
    lambda w: f"/domeinen/{w['domein'].naam}/logboek/",
    lambda w: f"/domeinen/{w['domein'].naam}/logboek/?gebeurtenis=instantie&persoon=beide&page=2",
    lambda w: f"/applicaties/{w['applicatie'].pk}/logboek/",
    lambda w: f"/applicaties/{w['applicatie'].pk}/logboek/?van=2020-01-01&tot=2099-12-31",
    lambda w: f"/domeinen/{w['domein'].naam}/beheerders/",
    lambda w: f"/applicaties/{w['applicatie'].pk}/beheerders/",
    lambda w: "/aanmelden/",
    lambda w: "/aanmelden/domein/",
]


def grow_idps(*, person, domein, instances, n):
    """Add n IdPs to the domain, each in every instance's lists for every user type."""
    for _ in range(n):
        idp = make_idp(domein=domein, logische_id=f"idp-{IdentityProvider.objects.count()}")
        for instance in instances:
            for kind in Gebruikerstype.values:
                add_instance_idp(
                    instance_id=instance.pk,
                    gebruikerstype=kind,
                    idp_id=idp.pk,
                    reason="r",
                    by=person,
                )


def test_query_counts_do_not_grow_with_the_data(client, person, domein, applicatie):
    login(client, person)
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    aanvraag = make_request(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
    app_instance = make_instance(applicatie=applicatie, domein=domein)
    idp = make_idp(domein=domein, logische_id="eerste")
    world = {
        "domein": domein,
        "applicatie": applicatie,
        "instance": instance,
        "aanvraag": aanvraag,
        "idp": idp,
        "app_instance": app_instance,
    }
    grow_idps(person=person, domein=domein, instances=[instance, app_instance], n=1)
    # Every role in play grants access to the resources of `applicatie` (GRANTED scopes resolve
    # to Devices of its instances), so scope rendering has real work on every page.
    for rol in Rol.objects.all():
        perm = Rolpermissie.objects.create(
            rol=rol, resource_type="AuditEvent", operatie="read", bereik=Bereik.GRANTED
        )
        perm.toegestane_applicaties.add(applicatie)
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
    grow_idps(person=person, domein=domein, instances=[instance, app_instance], n=5)
    large = [count(client, url(world)) for url in URLS]
    assert large == small
    assert max(large) <= MAX_QUERIES, dict(zip(range(len(URLS)), large, strict=True))


def _tables(client, url) -> list[str]:
    """The table each query of a page reads first (FROM ...), in order."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [_main_table(q["sql"]) for q in ctx.captured_queries]


def _main_table(sql: str) -> str:
    """The first table after a FROM outside parentheses (not one of a subquery)."""
    start = 0
    while (at := sql.find(" FROM ", start)) >= 0:
        if sql.count("(", 0, at) == sql.count(")", 0, at):
            return sql[at + 6 :].split()[0].strip('"')
        start = at + 1
    raise AssertionError(sql)


def test_detail_pages_load_their_row_with_its_relations_once(client, person, domein, applicatie):
    """The instance and review pages load their row with its domain and the related rows they
    show in one statement (select_related in domeinen.selectors.instances_for_detail and
    connectieaanvragen.selectors.requests_for_review). A template that shows a related row not
    joined there loads it with a query of its own: one more table below."""
    login(client, person)
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    change_instance_status(
        instance_id=instance.pk, new_status="in_onderhoud", reason="r", by=person
    )
    # Filed for an application the person does not administer: they may decide it, so the
    # page shows the accept form (separation of duties).
    aanvraag = make_request(applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein)
    decided = instance.connectieaanvraag
    # The session, the user, its 2FA device (django-otp), its support group, then the row
    # with its domain (one statement: in_users_domain).
    session = ["django_session", "accounts_user", "otp_totp_totpdevice", "auth_group"]
    nav = "accounts_user"  # the menu's flags (beheer.context_processors.navigatie)
    instance_url = f"/domeinen/{domein.naam}/applicatieinstanties/{instance.client_id}/"
    assert _tables(client, instance_url) == [
        *session,
        "domeinen_applicatieinstantie",
        "rollen_rolpermissie",  # the role's permissions for the scopes
        nav,
        "rollen_rol",  # the other roles, for the role form
        "domeinen_instantiestatuswijziging",
    ]
    # Open: the default role the accept form names, whether the person administers the
    # application (separation of duties), then the roles of the accept form; decided: none.
    for pk, default, duties, roles in (
        (
            aanvraag.pk,
            ["rollen_standaardrol"],
            ["applicaties_applicatie_beheerders"],
            ["rollen_rol"],
        ),
        (decided.pk, [], [], []),
    ):
        review_url = f"/domeinen/{domein.naam}/connectieaanvragen/{pk}/"
        assert _tables(client, review_url) == [
            *session,
            "connectieaanvragen_connectieaanvraag",
            *default,
            *duties,
            nav,
            *roles,
            "connectieaanvragen_aanvraagstatuswijziging",
        ]
