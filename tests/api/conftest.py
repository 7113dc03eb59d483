"""A small world for the API: two domains, two applications, every kind of caller.

domain A: dora (and sam)      application X: anna
domain B: daan                application Y: bram (and sam)
instance X-in-A, instance Y-in-B; open requests X->B? no: Y->A (open) and X->B (open)
keys: key_a (domain A), key_b (domain B); support
"""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from api.services import create_domain_key, create_personal_token
from tests.factories import (
    ApplicatieFactory,
    DomeinFactory,
    SupportUserFactory,
    UserFactory,
    make_instance,
    make_request,
)

USERS = ("dora", "daan", "anna", "bram", "sam", "support")
CALLERS = ("anonymous", "key_a", "key_b", *USERS)


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    w = SimpleNamespace()
    w.dora, w.daan, w.anna, w.bram, w.sam = (
        UserFactory(username=n) for n in ("dora", "daan", "anna", "bram", "sam")
    )
    w.support = SupportUserFactory(username="support")
    w.dom_a = DomeinFactory(naam="domein-a", beheerders=[w.dora, w.sam])
    w.dom_b = DomeinFactory(naam="domein-b", beheerders=[w.daan])
    w.app_x = ApplicatieFactory(naam="App X", beheerders=[w.anna])
    w.app_y = ApplicatieFactory(naam="App Y", beheerders=[w.bram, w.sam])
    w.inst_xa = make_instance(applicatie=w.app_x, domein=w.dom_a)
    w.inst_yb = make_instance(applicatie=w.app_y, domein=w.dom_b)
    w.req_ya = make_request(applicatie=w.app_y, domein=w.dom_a, by=w.bram)
    w.req_xb = make_request(applicatie=w.app_x, domein=w.dom_b, by=w.anna)
    w.key_a_row, key_a = create_domain_key(domein_id=w.dom_a.pk, naam="AS A", by=w.support)
    w.key_b_row, key_b = create_domain_key(domein_id=w.dom_b.pk, naam="AS B", by=w.support)
    w.secrets = {"key_a": key_a, "key_b": key_b}
    for name in USERS:
        user = getattr(w, name)
        _row, secret = create_personal_token(gebruiker=user, naam="test", by=user)
        w.secrets[name] = secret
    return w


def auth(world, caller) -> dict:
    """Request headers for a caller of the world."""
    if caller == "anonymous":
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {world.secrets[caller]}"}
