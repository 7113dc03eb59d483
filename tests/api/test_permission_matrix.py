"""Every endpoint x every kind of caller: who gets what (status and which objects).

Callers: anonymous, a key of domain A, a key of domain B, domeinbeheerders of A (dora) and B
(daan), applicatiebeheerders of X (anna) and Y (bram), sam (domeinbeheerder of A and
applicatiebeheerder of Y) and support. Users call with their personal token.
"""

import pytest

from rollen.models import Rol
from tests.api.conftest import CALLERS, auth

pytestmark = pytest.mark.django_db

NOBODY = {"anonymous": 401, "key_a": 403, "key_b": 403}  # on every beheerder endpoint


def _get(client, world, caller, url):
    return client.get(url, **auth(world, caller))


def _post(client, world, caller, url, data):
    return client.post(url, data, content_type="application/json", **auth(world, caller))


# --- lists: status and exactly the objects the web screens show ------------------------------

LISTS = {
    "/api/v1/domeinen/": (
        lambda o: o["naam"],
        {
            "dora": {"domein-a"},
            "daan": {"domein-b"},
            "anna": set(),
            "bram": set(),
            "sam": {"domein-a"},
            "support": {"domein-a", "domein-b"},
        },
    ),
    "/api/v1/applicaties/": (
        lambda o: o["naam"],
        {
            "dora": set(),
            "daan": set(),
            "anna": {"App X"},
            "bram": {"App Y"},
            "sam": {"App Y"},
            "support": {"App X", "App Y"},
        },
    ),
    "/api/v1/instanties/": (
        lambda o: (o["applicatie"]["naam"], o["domein"]),
        {
            "dora": {("App X", "domein-a")},
            "daan": {("App Y", "domein-b")},
            "anna": {("App X", "domein-a")},
            "bram": {("App Y", "domein-b")},
            "sam": {("App X", "domein-a"), ("App Y", "domein-b")},
            "support": {("App X", "domein-a"), ("App Y", "domein-b")},
        },
    ),
    "/api/v1/aanvragen/": (
        lambda o: (o["applicatie"]["naam"], o["domein"], o["status"]),
        {
            # X->A and Y->B were accepted (they made the instances); Y->A and X->B are open.
            "dora": {("App X", "domein-a", "geaccepteerd"), ("App Y", "domein-a", "aangevraagd")},
            "daan": {("App Y", "domein-b", "geaccepteerd"), ("App X", "domein-b", "aangevraagd")},
            "anna": {("App X", "domein-a", "geaccepteerd"), ("App X", "domein-b", "aangevraagd")},
            "bram": {("App Y", "domein-b", "geaccepteerd"), ("App Y", "domein-a", "aangevraagd")},
            "sam": {
                ("App X", "domein-a", "geaccepteerd"),
                ("App Y", "domein-a", "aangevraagd"),
                ("App Y", "domein-b", "geaccepteerd"),
            },
            "support": {
                ("App X", "domein-a", "geaccepteerd"),
                ("App Y", "domein-a", "aangevraagd"),
                ("App Y", "domein-b", "geaccepteerd"),
                ("App X", "domein-b", "aangevraagd"),
            },
        },
    ),
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("url", LISTS)
def test_lists_show_exactly_the_callers_own_objects(client, world, url, caller):
    response = _get(client, world, url=url, caller=caller)
    if caller in NOBODY:
        assert response.status_code == NOBODY[caller]
        assert response["Content-Type"] == "application/problem+json"
        return
    assert response.status_code == 200, response.content
    key, expected = LISTS[url]
    assert {key(o) for o in response.json()["results"]} == expected[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_roles_and_tokens_are_listed_for_every_person(client, world, caller):
    for url in ("/api/v1/rollen/", "/api/v1/tokens/"):
        response = _get(client, world, caller, url)
        assert response.status_code == NOBODY.get(caller, 200), (url, response.content)
    if caller not in NOBODY:
        tokens = _get(client, world, caller, "/api/v1/tokens/").json()["results"]
        assert len(tokens) == 1  # only the caller's own token


# --- details: visible -> 200, not visible -> 404 ----------------------------------------------


def _detail_urls(world):
    return {
        "domein A": f"/api/v1/domeinen/{world.dom_a.naam}/",
        "applicatie X": f"/api/v1/applicaties/{world.app_x.pk}/",
        "instantie X in A": f"/api/v1/instanties/{world.inst_xa.client_id}/",
        "aanvraag Y naar A": f"/api/v1/aanvragen/{world.req_ya.pk}/",
        "rol EPD": f"/api/v1/rollen/{Rol.objects.get(naam='EPD').pk}/",
    }


DETAILS = {
    "domein A": {"dora": 200, "daan": 404, "anna": 404, "bram": 404, "sam": 200, "support": 200},
    "applicatie X": {
        "dora": 404,
        "daan": 404,
        "anna": 200,
        "bram": 404,
        "sam": 404,
        "support": 200,
    },
    "instantie X in A": {
        "dora": 200,
        "daan": 404,
        "anna": 200,
        "bram": 404,
        "sam": 200,
        "support": 200,
    },
    "aanvraag Y naar A": {
        "dora": 200,
        "daan": 404,
        "anna": 404,
        "bram": 200,
        "sam": 200,
        "support": 200,
    },
    "rol EPD": {"dora": 200, "daan": 200, "anna": 200, "bram": 200, "sam": 200, "support": 200},
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("what", DETAILS)
def test_details_are_visible_only_to_who_may_see_them(client, world, what, caller):
    response = _get(client, world, caller, _detail_urls(world)[what])
    expected = NOBODY.get(caller) or DETAILS[what][caller]
    assert response.status_code == expected, response.content
    if expected != 200:
        assert response.json()["status"] == expected


# --- actions: through the services, with the services' rules ----------------------------------

ACTIONS = {
    # visible but not allowed -> 403 (the service's Dutch message); not visible -> 404
    "instantie status": {
        "dora": 200,
        "daan": 404,
        "anna": 403,
        "bram": 404,
        "sam": 200,
        "support": 200,
    },
    "instantie rol": {
        "dora": 200,
        "daan": 404,
        "anna": 403,
        "bram": 404,
        "sam": 200,
        "support": 200,
    },
    "aanvraag accepteren": {
        "dora": 200,
        "daan": 404,
        "anna": 404,
        "bram": 403,
        "sam": 403,  # separation of duties: Y is his own application
        "support": 200,
    },
    "aanvraag weigeren": {
        "dora": 200,
        "daan": 404,
        "anna": 404,
        "bram": 403,
        "sam": 403,  # separation of duties: Y is his own application
        "support": 200,
    },
    # filing X -> domein-b: only X's beheerder (and support) may
    "aanvraag indienen": {
        "dora": 403,
        "daan": 403,
        "anna": 201,
        "bram": 403,
        "sam": 403,
        "support": 201,
    },
}


def _action(world, what, jwks_uri):
    if what == "instantie status":
        url = f"/api/v1/instanties/{world.inst_xa.client_id}/status/"
        return url, {"status": "in_onderhoud", "reden": "Onderhoud"}
    if what == "instantie rol":
        url = f"/api/v1/instanties/{world.inst_xa.client_id}/rol/"
        return url, {"rol": Rol.objects.get(naam="EPD").pk, "reden": "Andere rol"}
    if what == "aanvraag accepteren":
        return f"/api/v1/aanvragen/{world.req_ya.pk}/accepteren/", {}
    if what == "aanvraag weigeren":
        return f"/api/v1/aanvragen/{world.req_ya.pk}/weigeren/", {"reden": "Geen contract"}
    from connectieaanvragen.services import refuse_request

    refuse_request(request_id=world.req_xb.pk, reason="Eerst contract", by=world.daan)
    return "/api/v1/aanvragen/", {
        "applicatie": world.app_x.pk,
        "domein": "domein-b",
        "jwks_uri": jwks_uri,
    }


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("what", ACTIONS)
def test_actions_follow_the_object_permissions_of_the_web_screens(
    client, world, what, caller, jwks_server
):
    url, data = _action(world, what, jwks_server.serve())
    response = _post(client, world, caller, url, data)
    expected = NOBODY.get(caller) or ACTIONS[what][caller]
    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert body["status"] == expected
        assert body["detail"]


# --- the authorization server's endpoints ----------------------------------------------------

CLIENTS = {"key_a": 200, "key_b": 404, "anonymous": 401}  # every person: 403


@pytest.mark.parametrize("caller", CALLERS)
def test_client_list_of_domain_a_is_for_domain_a_key_only(client, world, caller):
    response = _get(client, world, caller, "/api/v1/domeinen/domein-a/clients/")
    assert response.status_code == CLIENTS.get(caller, 403), response.content
    if response.status_code == 200:
        ids = {c["client_id"] for c in response.json()["results"]}
        assert ids == {str(world.inst_xa.client_id)}


@pytest.mark.parametrize("caller", CALLERS)
def test_client_detail_of_domain_a_is_for_domain_a_key_only(client, world, caller):
    url = f"/api/v1/domeinen/domein-a/clients/{world.inst_xa.client_id}"
    response = _get(client, world, caller, url)
    assert response.status_code == CLIENTS.get(caller, 403), response.content


@pytest.mark.parametrize("caller", CALLERS)
def test_schema_and_docs_are_public(client, world, caller):
    for url in ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"):
        assert _get(client, world, caller, url).status_code == 200, url


# --- issue 18: withdrawing and change requests ------------------------------------------------


@pytest.fixture
def changes(world):
    """An open change on X-in-A (by anna) and one on Y-in-B (by bram)."""
    from tests.factories import make_change

    world.chg_xa = make_change(
        instance_id=world.inst_xa.pk, by=world.anna, redirect_uris=["https://x.example.org/t"]
    )
    world.chg_yb = make_change(
        instance_id=world.inst_yb.pk, by=world.bram, redirect_uris=["https://y.example.org/t"]
    )
    return world


CHANGES_SEEN = {
    "dora": {"App X"},
    "daan": {"App Y"},
    "anna": {"App X"},
    "bram": {"App Y"},
    "sam": {"App X", "App Y"},
    "support": {"App X", "App Y"},
}


@pytest.mark.parametrize("caller", CALLERS)
def test_change_list_and_detail_show_only_the_callers_own(client, changes, caller):
    world = changes
    response = _get(client, world, caller, "/api/v1/wijzigingsverzoeken/")
    if caller in NOBODY:
        assert response.status_code == NOBODY[caller]
        return
    assert response.status_code == 200, response.content
    seen = {o["applicatie"]["naam"] for o in response.json()["results"]}
    assert seen == CHANGES_SEEN[caller]
    detail = _get(client, world, caller, f"/api/v1/wijzigingsverzoeken/{world.chg_xa.pk}/")
    assert detail.status_code == (200 if "App X" in CHANGES_SEEN[caller] else 404)


LIFECYCLE_ACTIONS = {
    # Y -> A is open: Y's beheerders (bram, sam) withdraw; dora sees it but may not.
    "aanvraag intrekken": {
        "dora": 403,
        "daan": 404,
        "anna": 404,
        "bram": 200,
        "sam": 200,
        "support": 200,
    },
    "wijziging accepteren": {
        "dora": 200,
        "daan": 404,
        "anna": 403,
        "bram": 404,
        "sam": 200,
        "support": 200,
    },
    "wijziging weigeren": {
        "dora": 200,
        "daan": 404,
        "anna": 403,
        "bram": 404,
        "sam": 200,
        "support": 200,
    },
    "wijziging intrekken": {
        "dora": 403,
        "daan": 404,
        "anna": 200,
        "bram": 404,
        "sam": 403,
        "support": 200,
    },
    # a change for Y-in-B (after bram's open one is withdrawn): Y's beheerders and support
    "wijziging aanvragen": {
        "dora": 404,
        "daan": 403,
        "anna": 404,
        "bram": 201,
        "sam": 201,
        "support": 201,
    },
}


def _lifecycle_action(world, what):
    if what == "aanvraag intrekken":
        return f"/api/v1/aanvragen/{world.req_ya.pk}/intrekken/", {"reden": "typefout"}
    if what == "wijziging accepteren":
        return f"/api/v1/wijzigingsverzoeken/{world.chg_xa.pk}/accepteren/", {}
    if what == "wijziging weigeren":
        return f"/api/v1/wijzigingsverzoeken/{world.chg_xa.pk}/weigeren/", {"reden": "Nee"}
    if what == "wijziging intrekken":
        return f"/api/v1/wijzigingsverzoeken/{world.chg_xa.pk}/intrekken/", {}
    from connectieaanvragen.change_services import withdraw_change

    withdraw_change(change_id=world.chg_yb.pk, by=world.bram)
    return "/api/v1/wijzigingsverzoeken/", {
        "client_id": str(world.inst_yb.client_id),
        "redirect_uris": ["https://y.example.org/nieuw"],
    }


def _snapshot(world):
    from connectieaanvragen.models import Connectieaanvraag, Wijzigingsverzoek
    from domeinen.models import Applicatieinstantie

    return (
        list(Connectieaanvraag.objects.order_by("pk").values()),
        list(Wijzigingsverzoek.objects.order_by("pk").values()),
        list(Applicatieinstantie.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("what", LIFECYCLE_ACTIONS)
def test_withdraw_and_change_actions_follow_the_object_permissions(client, changes, what, caller):
    world = changes
    url, data = _lifecycle_action(world, what)
    before = _snapshot(world)
    response = _post(client, world, caller, url, data)
    expected = NOBODY.get(caller) or LIFECYCLE_ACTIONS[what][caller]
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["status"] == expected
        assert _snapshot(world) == before  # a refusal changes nothing
    else:
        assert _snapshot(world) != before
