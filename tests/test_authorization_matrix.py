"""Every portal URL as every kind of user: anonymous, domeinbeheerder of A and of B,
applicatiebeheerder of X and of Y, someone with both roles (domain B + application X), support.

A user only reaches their own domains and applications (support: all); anything else is a 404,
and a refused POST changes nothing.
"""

from dataclasses import dataclass, field

import pytest

from aanmeldingen.models import Aanmelding
from applicaties.models import Applicatie
from beheer.accounts.models import User
from connectieaanvragen.models import Connectieaanvraag, Wijzigingsverzoek
from connectieaanvragen.services import accept_request
from domeinen.models import Applicatieinstantie, Domein
from identiteit.models import IdentityProvider, InstantieIdp
from rollen.models import Rol
from tests.auth_helpers import login
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    SupportUserFactory,
    UserFactory,
    make_change,
    make_idp,
    make_instance,
    make_request,
)

USERS = ("anoniem", "dom_a", "dom_b", "app_x", "app_y", "beide", "support")
LOGGED_IN = frozenset(USERS) - {"anoniem"}
OWNERS = {
    "A": frozenset({"dom_a", "support"}),
    "B": frozenset({"dom_b", "beide", "support"}),
    "X": frozenset({"app_x", "beide", "support"}),
    "Y": frozenset({"app_y", "support"}),
    "alle": LOGGED_IN,
    "niemand": frozenset(),
}


@pytest.fixture
def world(db, jwks_server):
    jwks_uri = jwks_server.serve()
    users = {
        "dom_a": UserFactory(username="dom_a"),
        "dom_b": UserFactory(username="dom_b"),
        "app_x": UserFactory(username="app_x"),
        "app_y": UserFactory(username="app_y"),
        "beide": UserFactory(username="beide"),
        "support": SupportUserFactory(username="support2"),
    }
    a = DomeinFactory(naam="domein-a", beheerders=[users["dom_a"]])
    b = DomeinFactory(naam="domein-b", beheerders=[users["dom_b"], users["beide"]])
    c = DomeinFactory(naam="domein-c")
    d = DomeinFactory(naam="domein-d")
    x = ApplicatieFactory(naam="App X", beheerders=[users["app_x"], users["beide"]])
    y = ApplicatieFactory(naam="App Y", beheerders=[users["app_y"]])
    world = {
        "users": users,
        "A": a,
        "B": b,
        "C": c,
        "X": x,
        "Y": y,
        "iXA": make_instance(applicatie=x, domein=a),
        "iYB": make_instance(applicatie=y, domein=b),
        "rYA": make_request(applicatie=y, domein=a, jwks_uri=jwks_uri),
        "rXB": make_request(applicatie=x, domein=b, jwks_uri=jwks_uri),
        "jwks_uri": jwks_uri,
        "pA": make_idp(domein=a, logische_id="idp-a", by=users["support"]),
        "pB": make_idp(domein=b, logische_id="idp-b", by=users["support"]),
    }
    # Issue 18: an open change request on each instance above, and an instance of each
    # application in domain D without one (to file a change on).
    for key, app_user in (("XA", "app_x"), ("YB", "app_y")):
        world[f"c{key}"] = make_change(
            instance_id=world[f"i{key}"].pk,
            by=users[app_user],
            redirect_uris=["https://app.example.org/terug"],
        )
    for app_key in ("X", "Y"):
        aanvraag = make_request(applicatie=world[app_key], domein=d)
        world[f"i{app_key}D"] = accept_request(
            request_id=aanvraag.pk, by=users["support"]
        ).instantie
    return world


@dataclass
class Case:
    name: str
    url: object  # world -> url
    owner: str
    data: dict | None = None  # POST when given; a function of the world, or a dict
    state: object = None  # world -> snapshot of what the POST would change
    extra: dict = field(default_factory=dict)
    # Owners who reach the page but may not decide (separation of duties: their own
    # application's request); the POST is answered and changes nothing.
    separated: frozenset = frozenset()


def _domain(key):
    return lambda w: Domein.objects.values().get(pk=w[key].pk)


def _app(key):
    return lambda w: Applicatie.objects.values().get(pk=w[key].pk)


def _instance(key):
    return lambda w: (
        Applicatieinstantie.objects.values().get(pk=w[key].pk),
        w[key].historie.count(),
    )


def _other_role(key):
    """POST data for Rol wijzigen on instance `key`: a role it does not have yet."""
    return lambda w: {
        "rol-rol": Rol.objects.exclude(pk=w[key].rol_id).order_by("naam").first().pk,
        "rol-reden": "andere rol",
    }


def _request(key):
    return lambda w: Connectieaanvraag.objects.values().get(pk=w[key].pk)


def _change(key):
    return lambda w: (
        Wijzigingsverzoek.objects.values().get(pk=w[key].pk),
        Applicatieinstantie.objects.values().get(pk=w[key].instantie_id),
    )


def _changes_of(key):
    return lambda w: list(Wijzigingsverzoek.objects.filter(instantie=w[key]).values())


def _requests_of(key):
    return lambda w: list(Connectieaanvraag.objects.filter(applicatie=w[key]).values())


def _idps_of(key):
    return lambda w: list(IdentityProvider.objects.filter(domein=w[key]).values())


def _idp_lists(key):
    return lambda w: (
        list(InstantieIdp.objects.filter(instantie=w[key]).values()),
        w[key].historie.count(),
    )


def _idp_data(pid):
    return {
        "naam": "Gewijzigd",
        "logische_id": pid,
        "discovery_url": "https://nieuw.example.org/.well-known/openid-configuration",
        "client_id": "nieuw",
        "gebruikersnaam_claim": "sub",
        "ingeschakeld": "on",
    }


CASES = [
    Case("start", lambda w: "/", "alle"),
    Case("domeinen", lambda w: "/domeinen/", "alle"),
    Case("applicaties", lambda w: "/applicaties/", "alle"),
    Case("te beoordelen", lambda w: "/te-beoordelen/", "alle"),  # only own domains: below
    Case("onbekend domein", lambda w: "/domeinen/bestaat-niet/", "niemand"),
    Case("onbekende applicatie", lambda w: "/applicaties/999999/", "niemand"),
]
# "beide" administers domain B and application X: rXB is a request for his own application.
for d, inst, req, separated in (
    ("A", "iXA", "rYA", frozenset()),
    ("B", "iYB", "rXB", frozenset({"beide"})),
):
    base = f"/domeinen/domein-{d.lower()}"
    CASES += [
        Case(f"details {d}", lambda w, base=base: f"{base}/", d),
        Case(f"instanties {d}", lambda w, base=base: f"{base}/applicatieinstanties/", d),
        Case(
            f"instantie {d}",
            lambda w, base=base, inst=inst: f"{base}/applicatieinstanties/{w[inst].client_id}/",
            d,
        ),
        Case(f"aanvragen {d}", lambda w, base=base: f"{base}/connectieaanvragen/", d),
        Case(
            f"aanvraag {d}",
            lambda w, base=base, req=req: f"{base}/connectieaanvragen/{w[req].pk}/",
            d,
        ),
        Case(
            f"opslaan {d}",
            lambda w, base=base: f"{base}/",
            d,
            data={
                "omschrijving": "gewijzigd",
                "contact_naam": "X",
                "contact_email": "x@example.org",
            },
            state=_domain(d),
        ),
        Case(
            f"status {d}",
            lambda w, base=base, inst=inst: f"{base}/applicatieinstanties/{w[inst].client_id}/",
            d,
            data={"status": "in_onderhoud", "reden": "onderhoud"},
            state=_instance(inst),
        ),
        Case(
            f"rol {d}",
            lambda w, base=base, inst=inst: f"{base}/applicatieinstanties/{w[inst].client_id}/rol/",
            d,
            data=_other_role(inst),
            state=_instance(inst),
        ),
        Case(
            f"accepteren met rol {d}",
            lambda w, base=base, req=req: f"{base}/connectieaanvragen/{w[req].pk}/accepteren/",
            d,
            data=lambda w: {
                "accepteren-rol": Rol.objects.order_by("-naam").first().pk,
                "accepteren-bevestigd": "on",
            },
            state=_request(req),
            separated=separated,
        ),
        Case(
            f"accepteren {d}",
            lambda w, base=base, req=req: f"{base}/connectieaanvragen/{w[req].pk}/accepteren/",
            d,
            data={"accepteren-bevestigd": "on"},
            state=_request(req),
            separated=separated,
        ),
        Case(
            f"weigeren {d}",
            lambda w, base=base, req=req: f"{base}/connectieaanvragen/{w[req].pk}/weigeren/",
            d,
            data={"reden": "nee", "bevestigd": "on"},
            state=_request(req),
            separated=separated,
        ),
        Case(
            f"sleutels {d}",
            lambda w, base=base, req=req: (
                f"{base}/connectieaanvragen/{w[req].pk}/sleutels-controleren/"
            ),
            d,
            data={},
            state=_request(req),
        ),
    ]
# Identity providers of a domain, and an instance's IdP lists.
for d, inst, p in (("A", "iXA", "pA"), ("B", "iYB", "pB")):
    base = f"/domeinen/domein-{d.lower()}"
    pid = f"idp-{d.lower()}"
    CASES += [
        Case(f"idps {d}", lambda w, base=base: f"{base}/identity-providers/", d),
        Case(f"idp nieuw {d}", lambda w, base=base: f"{base}/identity-providers/nieuw/", d),
        Case(f"idp {d}", lambda w, base=base, pid=pid: f"{base}/identity-providers/{pid}/", d),
        Case(
            f"idp verwijderen {d}",
            lambda w, base=base, pid=pid: f"{base}/identity-providers/{pid}/verwijderen/",
            d,
        ),
        Case(
            f"instantie idps {d}",
            lambda w, base=base, inst=inst: (
                f"{base}/applicatieinstanties/{w[inst].client_id}/identity-providers/"
            ),
            d,
        ),
        Case(
            f"idp toevoegen {d}",
            lambda w, base=base: f"{base}/identity-providers/nieuw/",
            d,
            data=_idp_data("nieuwe-idp") | {"client_secret": "s3cret"},
            state=_idps_of(d),
        ),
        Case(
            f"idp opslaan {d}",
            lambda w, base=base, pid=pid: f"{base}/identity-providers/{pid}/",
            d,
            data=_idp_data(pid),
            state=_idps_of(d),
        ),
        Case(
            f"idp weg {d}",
            lambda w, base=base, pid=pid: f"{base}/identity-providers/{pid}/verwijderen/",
            d,
            data={},
            state=_idps_of(d),
        ),
        Case(
            f"instantie idp toevoegen {d}",
            lambda w, base=base, inst=inst: (
                f"{base}/applicatieinstanties/{w[inst].client_id}/identity-providers/"
            ),
            d,
            data=lambda w, p=p: {
                "actie": "toevoegen",
                "gebruikerstype": "Patient",
                "identity_provider": w[p].pk,
                "reden": "nodig",
            },
            state=_idp_lists(inst),
        ),
    ]
# An object of one domain reached through the other domain's URL: nobody, not even support.
CASES += [
    Case("idp B via A", lambda w: "/domeinen/domein-a/identity-providers/idp-b/", "niemand"),
    Case(
        "idp B weg via A",
        lambda w: "/domeinen/domein-a/identity-providers/idp-b/verwijderen/",
        "niemand",
        data={},
        state=_idps_of("B"),
    ),
    Case(
        "instantie idps B via A",
        lambda w: (
            f"/domeinen/domein-a/applicatieinstanties/{w['iYB'].client_id}/identity-providers/"
        ),
        "niemand",
        data=lambda w: {
            "actie": "toevoegen",
            "gebruikerstype": "Patient",
            "identity_provider": w["pB"].pk,
            "reden": "nodig",
        },
        state=_idp_lists("iYB"),
    ),
    Case(
        "applicatie-instantie idps Y via X",
        lambda w: (
            f"/applicaties/{w['X'].pk}/applicatieinstanties/{w['iYB'].client_id}/identity-providers/"
        ),
        "niemand",
    ),
]
# An object of one domain reached through the other domain's URL: nobody, not even support.
CASES += [
    Case(
        "instantie B via A",
        lambda w: f"/domeinen/domein-a/applicatieinstanties/{w['iYB'].client_id}/",
        "niemand",
    ),
    Case(
        "aanvraag B via A",
        lambda w: f"/domeinen/domein-a/connectieaanvragen/{w['rXB'].pk}/",
        "niemand",
    ),
    Case(
        "rol B via A",
        lambda w: f"/domeinen/domein-a/applicatieinstanties/{w['iYB'].client_id}/rol/",
        "niemand",
        data=_other_role("iYB"),
        state=_instance("iYB"),
    ),
    Case(
        "accepteren B via A",
        lambda w: f"/domeinen/domein-a/connectieaanvragen/{w['rXB'].pk}/accepteren/",
        "niemand",
        data={"accepteren-bevestigd": "on"},
        state=_request("rXB"),
    ),
    Case(
        "status B via A",
        lambda w: f"/domeinen/domein-a/applicatieinstanties/{w['iYB'].client_id}/",
        "niemand",
        data={"status": "in_onderhoud", "reden": "onderhoud"},
        state=_instance("iYB"),
    ),
    Case(
        "weigeren B via A",
        lambda w: f"/domeinen/domein-a/connectieaanvragen/{w['rXB'].pk}/weigeren/",
        "niemand",
        data={"reden": "nee", "bevestigd": "on"},
        state=_request("rXB"),
    ),
    Case(
        "sleutels B via A",
        lambda w: f"/domeinen/domein-a/connectieaanvragen/{w['rXB'].pk}/sleutels-controleren/",
        "niemand",
        data={},
        state=_request("rXB"),
    ),
]
# Issue 18, domain side: change requests and their review.
for d, chg in (("A", "cXA"), ("B", "cYB")):
    base = f"/domeinen/domein-{d.lower()}"
    CASES += [
        Case(f"wijzigingen {d}", lambda w, base=base: f"{base}/wijzigingsverzoeken/", d),
        Case(
            f"wijziging {d}",
            lambda w, base=base, chg=chg: f"{base}/wijzigingsverzoeken/{w[chg].pk}/",
            d,
        ),
        Case(
            f"wijziging accepteren {d}",
            lambda w, base=base, chg=chg: f"{base}/wijzigingsverzoeken/{w[chg].pk}/accepteren/",
            d,
            data={},
            state=_change(chg),
        ),
        Case(
            f"wijziging weigeren {d}",
            lambda w, base=base, chg=chg: f"{base}/wijzigingsverzoeken/{w[chg].pk}/weigeren/",
            d,
            data={"reden": "nee"},
            state=_change(chg),
        ),
    ]
CASES += [
    Case(
        "wijziging B via A",
        lambda w: f"/domeinen/domein-a/wijzigingsverzoeken/{w['cYB'].pk}/",
        "niemand",
    ),
    Case(
        "wijziging accepteren B via A",
        lambda w: f"/domeinen/domein-a/wijzigingsverzoeken/{w['cYB'].pk}/accepteren/",
        "niemand",
        data={},
        state=_change("cYB"),
    ),
    Case(
        "wijziging weigeren B via A",
        lambda w: f"/domeinen/domein-a/wijzigingsverzoeken/{w['cYB'].pk}/weigeren/",
        "niemand",
        data={"reden": "nee"},
        state=_change("cYB"),
    ),
]
# Issue 18, application side: the request page, Intrekken, the instance page, change requests.
for a, req, inst, chg in (("X", "rXB", "iXA", "cXA"), ("Y", "rYA", "iYB", "cYB")):
    CASES += [
        Case(
            f"aanvraag {a}",
            lambda w, a=a, req=req: f"/applicaties/{w[a].pk}/connectieaanvragen/{w[req].pk}/",
            a,
        ),
        Case(
            f"intrekken {a}",
            lambda w, a=a, req=req: (
                f"/applicaties/{w[a].pk}/connectieaanvragen/{w[req].pk}/intrekken/"
            ),
            a,
            data={"reden": "typefout"},
            state=_request(req),
        ),
        Case(
            f"instantie {a}",
            lambda w, a=a, inst=inst: (
                f"/applicaties/{w[a].pk}/applicatieinstanties/{w[inst].client_id}/"
            ),
            a,
        ),
        Case(
            f"wijziging aanvragen {a}",
            lambda w, a=a: (
                f"/applicaties/{w[a].pk}/applicatieinstanties/{w['i' + a + 'D'].client_id}/"
                "wijziging/"
            ),
            a,
            data=lambda w: {"wijziging-jwks_uri": w["jwks_uri"], "wijziging-redirect_uris": ""},
            state=_changes_of(f"i{a}D"),
        ),
        Case(
            f"wijziging intrekken {a}",
            lambda w, a=a, chg=chg: (
                f"/applicaties/{w[a].pk}/wijzigingsverzoeken/{w[chg].pk}/intrekken/"
            ),
            a,
            data={"reden": ""},
            state=_change(chg),
        ),
    ]
CASES += [
    Case(
        "aanvraag Y via X",
        lambda w: f"/applicaties/{w['X'].pk}/connectieaanvragen/{w['rYA'].pk}/",
        "niemand",
    ),
    Case(
        "intrekken Y via X",
        lambda w: f"/applicaties/{w['X'].pk}/connectieaanvragen/{w['rYA'].pk}/intrekken/",
        "niemand",
        data={},
        state=_request("rYA"),
    ),
    Case(
        "instantie Y via X",
        lambda w: f"/applicaties/{w['X'].pk}/applicatieinstanties/{w['iYB'].client_id}/",
        "niemand",
    ),
    Case(
        "wijziging aanvragen Y via X",
        lambda w: f"/applicaties/{w['X'].pk}/applicatieinstanties/{w['iYD'].client_id}/wijziging/",
        "niemand",
        data=lambda w: {"wijziging-jwks_uri": w["jwks_uri"]},
        state=_changes_of("iYD"),
    ),
    Case(
        "wijziging intrekken Y via X",
        lambda w: f"/applicaties/{w['X'].pk}/wijzigingsverzoeken/{w['cYB'].pk}/intrekken/",
        "niemand",
        data={},
        state=_change("cYB"),
    ),
]
for a in ("X", "Y"):
    CASES += [
        Case(f"details {a}", lambda w, a=a: f"/applicaties/{w[a].pk}/", a),
        Case(f"aanvragen {a}", lambda w, a=a: f"/applicaties/{w[a].pk}/connectieaanvragen/", a),
        Case(f"instanties {a}", lambda w, a=a: f"/applicaties/{w[a].pk}/applicatieinstanties/", a),
        Case(
            f"instantie idps {a}",
            lambda w, a=a: (
                f"/applicaties/{w[a].pk}/applicatieinstanties/"
                f"{w['iXA' if a == 'X' else 'iYB'].client_id}/identity-providers/"
            ),
            a,
        ),
        Case(
            f"nieuwe aanvraag {a}",
            lambda w, a=a: f"/applicaties/{w[a].pk}/connectieaanvragen/nieuw/",
            a,
        ),
        Case(
            f"opslaan {a}",
            lambda w, a=a: f"/applicaties/{w[a].pk}/",
            a,
            data={"contact_naam": "Nieuw", "contact_email": "n@example.org"},
            state=_app(a),
        ),
        Case(
            f"aanvragen indienen {a}",
            lambda w, a=a: f"/applicaties/{w[a].pk}/connectieaanvragen/nieuw/",
            a,
            data=lambda w: {"domein": w["C"].pk, "jwks_uri": w["jwks_uri"]},
            state=_requests_of(a),
        ),
    ]

# The audit trail (tab "Logboek") and its CSV export: the domain's or application's own only.
for d in ("A", "B"):
    CASES += [
        Case(f"logboek {d}", lambda w, d=d: f"/domeinen/domein-{d.lower()}/logboek/", d),
        Case(
            f"logboek csv {d}",
            lambda w, d=d: f"/domeinen/domein-{d.lower()}/logboek/?formaat=csv",
            d,
        ),
    ]
for a in ("X", "Y"):
    CASES += [
        Case(f"logboek {a}", lambda w, a=a: f"/applicaties/{w[a].pk}/logboek/", a),
        Case(f"logboek csv {a}", lambda w, a=a: f"/applicaties/{w[a].pk}/logboek/?formaat=csv", a),
    ]


# Issue 21: the tab "Beheerders" of each domain and application, inviting and removing; a
# beheerder of domain A can neither see nor change the team of domain B. (Extending accounts:
# tests/teams/test_views.py, since nobody extends their own account.)
def _team(key):
    return lambda w: sorted(w[key].beheerders.values_list("pk", flat=True))


def _invite(n):
    return {"full_name": f"Nieuwe Collega {n}", "email": f"nieuw{n}@example.org"}


for key, url in (
    ("A", lambda w: "/domeinen/domein-a/beheerders/"),
    ("B", lambda w: "/domeinen/domein-b/beheerders/"),
    ("X", lambda w: f"/applicaties/{w['X'].pk}/beheerders/"),
    ("Y", lambda w: f"/applicaties/{w['Y'].pk}/beheerders/"),
):
    CASES += [
        Case(f"beheerders {key}", url, key),
        Case(f"beheerder uitnodigen {key}", url, key, data=_invite(key), state=_team(key)),
    ]
CASES += [
    # B and X have two beheerders each, so one can be removed (by themselves too).
    Case(
        "beheerder verwijderen B",
        lambda w: f"/domeinen/domein-b/beheerders/{w['users']['dom_b'].pk}/verwijderen/",
        "B",
        data={},
        state=_team("B"),
    ),
    Case(
        "beheerder verwijderen X",
        lambda w: f"/applicaties/{w['X'].pk}/beheerders/{w['users']['app_x'].pk}/verwijderen/",
        "X",
        data={},
        state=_team("X"),
    ),
    Case(
        "beheerder B verwijderen via A",
        lambda w: f"/domeinen/domein-a/beheerders/{w['users']['dom_b'].pk}/verwijderen/",
        "niemand",
        data={},
        state=_team("B"),
    ),
    Case(
        "beheerder B verlengen via A",
        lambda w: f"/domeinen/domein-a/beheerders/{w['users']['dom_b'].pk}/verlengen/",
        "niemand",
        data={},
        state=lambda w: User.objects.get(pk=w["users"]["dom_b"].pk).geldig_tot,
    ),
    Case("aanmelden", lambda w: "/aanmelden/", "alle"),
    Case("aanmelden domein", lambda w: "/aanmelden/domein/", "alle"),
    Case(
        "aanmelding indienen",
        lambda w: "/aanmelden/applicatie/",
        "alle",
        data={
            "organisatie": "Lev",
            "naam": "Nieuwe app",
            "applicatie_soort": "rom",
            "contact_naam": "C",
            "contact_email": "c@example.org",
        },
        state=lambda w: Aanmelding.objects.count(),
    ),
]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_authorization_matrix(client, world, case, who):
    if who != "anoniem":
        login(client, world["users"][who])
    url = case.url(world)
    allowed = who in OWNERS[case.owner]
    if case.data is None:
        response = client.get(url)
        if who == "anoniem":
            assert response.status_code == 302
            assert response["Location"].startswith("/inloggen/?next=")
        else:
            assert response.status_code == (200 if allowed else 404)
        return
    data = case.data(world) if callable(case.data) else case.data
    before = case.state(world)
    response = client.post(url, data)
    after = case.state(world)
    if who == "anoniem":
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/?next=")
        assert after == before
    elif allowed and who in case.separated:
        assert response.status_code in (200, 302)
        assert after == before
    elif allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert after != before
    else:
        assert response.status_code == 404
        assert after == before


# Te beoordelen: every open request of the person's own domains, nothing of another domain.
SEES_REQUESTS = {
    "dom_a": {"rYA"},
    "dom_b": {"rXB"},
    "app_x": set(),
    "app_y": set(),
    "beide": {"rXB"},
    "support": {"rYA", "rXB"},
}


@pytest.mark.parametrize("who", sorted(SEES_REQUESTS))
def test_te_beoordelen_lists_only_the_open_requests_of_own_domains(client, world, who):
    login(client, world["users"][who])
    response = client.get("/te-beoordelen/")
    shown = {a.pk for a in response.context["aanvragen"]}
    assert shown == {world[key].pk for key in SEES_REQUESTS[who]}


SEES_CHANGES = {
    "dom_a": {"cXA"},
    "dom_b": {"cYB"},
    "app_x": set(),
    "app_y": set(),
    "beide": {"cYB"},
    "support": {"cXA", "cYB"},
}


@pytest.mark.parametrize("who", sorted(SEES_CHANGES))
def test_te_beoordelen_lists_only_the_open_changes_of_own_domains(client, world, who):
    login(client, world["users"][who])
    response = client.get("/te-beoordelen/")
    shown = {w.pk for w in response.context["wijzigingen"]}
    assert shown == {world[key].pk for key in SEES_CHANGES[who]}
    for key in SEES_CHANGES[who]:
        verzoek = world[key]
        url = f"/domeinen/{verzoek.instantie.domein.naam}/wijzigingsverzoeken/{verzoek.pk}/"
        assert url in response.content.decode()
