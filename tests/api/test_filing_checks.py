"""Filing through the API goes through the same key check and address rules as the portal."""

import pytest

from connectieaanvragen.jwks import fetch_and_check
from connectieaanvragen.models import Connectieaanvraag
from tests.api.conftest import auth
from tests.factories import ApplicatieFactory

pytestmark = pytest.mark.django_db


def _file(client, world, uri, app):
    return client.post(
        "/api/v1/aanvragen/",
        {"applicatie": app.pk, "domein": "domein-b", "jwks_uri": uri},
        content_type="application/json",
        **auth(world, "anna"),
    )


@pytest.mark.parametrize(
    "uri",
    [
        "https://10.0.0.1/jwks.json",
        "https://127.0.0.1/jwks.json",
        "https://[::1]/jwks.json",
        "https://[2002:7f00:1::]/jwks.json",
        "https://keys.example.org:70000/jwks.json",
    ],
)
def test_a_private_or_loopback_jwks_uri_is_a_problem_400_with_the_portals_message(
    client, world, settings, uri
):
    settings.KT_JWKS_ALLOWED_NETWORKS = []
    app = ApplicatieFactory(beheerders=[world.anna])
    response = _file(client, world, uri, app)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["detail"] == fetch_and_check(uri).error  # the portal's Dutch message
    assert not Connectieaanvraag.objects.filter(applicatie=app).exists()


def test_a_good_jwks_uri_is_filed_with_its_check_result(client, world, jwks_server):
    app = ApplicatieFactory(beheerders=[world.anna])
    response = _file(client, world, jwks_server.serve(), app)
    assert response.status_code == 201, response.content
    aanvraag = Connectieaanvraag.objects.get(applicatie=app)
    assert aanvraag.jwks_resultaat["ok"] is True
    assert aanvraag.jwks_gecontroleerd_op is not None


def test_a_jwk_set_with_private_key_material_is_refused_through_the_api(client, world, jwks_server):
    from tests.jwks_server import jwk_set, rsa_key

    app = ApplicatieFactory(beheerders=[world.anna])
    response = _file(client, world, jwks_server.serve(document=jwk_set(rsa_key(d="AQAB"))), app)
    assert response.status_code == 400
    assert "privé-sleutelmateriaal (d)" in response.json()["detail"]
    assert response.json()["code"] == "jwks_invalid"
