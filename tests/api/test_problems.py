"""Errors are RFC 9457 problem details in Dutch, also DRF's own (auth, 404, validation, 429)."""

import pytest
from django.test import Client

from tests.api.conftest import auth
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == f"urn:kt-beheer:probleem:{body['code']}"
    return body


def test_anonymous_gets_401_with_a_bearer_challenge(client, world):
    response = client.get("/api/v1/domeinen/")
    body = _problem(response, 401)
    assert body["code"] == "not_authenticated"
    assert body["detail"] == "Authenticatiegegevens zijn niet opgegeven."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_garbage_token_is_401_in_dutch(client, world):
    body = _problem(client.get("/api/v1/domeinen/", HTTP_AUTHORIZATION="Bearer onzin"), 401)
    assert body["detail"] == "Ongeldige, verlopen of ingetrokken API-sleutel."


def test_domain_key_on_a_beheerder_endpoint_is_403(client, world):
    body = _problem(client.get("/api/v1/domeinen/", **auth(world, "key_a")), 403)
    assert "voor beheerders" in body["detail"]


def test_person_on_a_client_endpoint_is_403(client, world):
    body = _problem(client.get("/api/v1/domeinen/domein-a/clients/", **auth(world, "dora")), 403)
    assert "autorisatieservers" in body["detail"]


def test_unknown_api_path_is_a_problem_not_an_html_page(client, world):
    body = _problem(client.get("/api/v1/bestaat-niet/"), 404)
    assert body["detail"] == "Deze API-route bestaat niet."


def test_validation_error_names_the_fields(client, world):
    response = client.post(
        f"/api/v1/instanties/{world.inst_xa.client_id}/status/",
        {"status": "kapot"},
        content_type="application/json",
        **auth(world, "dora"),
    )
    body = _problem(response, 400)
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"status", "reden"}
    assert body["errors"]["reden"] == ["Dit veld is vereist."]


def test_service_refusal_is_409_with_the_services_dutch_message(client, world):
    headers = auth(world, "dora")
    url = f"/api/v1/aanvragen/{world.req_ya.pk}/accepteren/"
    assert client.post(url, {}, content_type="application/json", **headers).status_code == 200
    body = _problem(client.post(url, {}, content_type="application/json", **headers), 409)
    assert body["code"] == "transition_not_allowed"
    assert body["detail"] == ("Deze connectieaanvraag is al geaccepteerd; het besluit staat vast.")


def test_missing_reason_is_400_with_the_services_message(client, world):
    response = client.post(
        f"/api/v1/aanvragen/{world.req_ya.pk}/weigeren/",
        {"reden": "  "},
        content_type="application/json",
        **auth(world, "dora"),
    )
    body = _problem(response, 400)
    assert body["detail"] == "Geef de reden waarom de aanvraag wordt geweigerd."
    world.req_ya.refresh_from_db()
    assert world.req_ya.status == "aangevraagd"


def test_unknown_domain_when_filing_is_400(client, world):
    response = client.post(
        "/api/v1/aanvragen/",
        {"applicatie": world.app_x.pk, "domein": "nergens", "jwks_uri": "https://x.example/j"},
        content_type="application/json",
        **auth(world, "anna"),
    )
    assert _problem(response, 400)["detail"] == "Kies een bestaand domein."


def test_wrong_method_is_405(client, world):
    body = _problem(client.delete("/api/v1/domeinen/", **auth(world, "dora")), 405)
    assert body["title"] == "Methode niet toegestaan"


def test_throttled_key_gets_429_with_retry_after(client, world, settings):
    settings.KT_API_RATE_DOMEINSLEUTEL = "2/min"
    url = "/api/v1/domeinen/domein-a/clients/"
    headers = auth(world, "key_a")
    assert [client.get(url, **headers).status_code for _ in range(2)] == [200, 200]
    response = client.get(url, **headers)
    body = _problem(response, 429)
    assert body["code"] == "throttled"
    assert "Retry-After" in response
    # another key has its own budget
    assert (
        client.get("/api/v1/domeinen/domein-b/clients/", **auth(world, "key_b")).status_code == 200
    )


def test_session_post_without_csrf_token_is_refused_in_dutch(world):
    browser = Client(enforce_csrf_checks=True)
    login(browser, world.dora)
    url = f"/api/v1/aanvragen/{world.req_ya.pk}/weigeren/"
    response = browser.post(url, {"reden": "Nee"}, content_type="application/json")
    body = _problem(response, 403)
    assert body["detail"].startswith("CSRF-controle mislukt")
    world.req_ya.refresh_from_db()
    assert world.req_ya.status == "aangevraagd"


def test_session_post_with_csrf_token_works(world):
    browser = Client(enforce_csrf_checks=True)
    login(browser, world.dora)
    browser.get("/api/v1/domeinen/")  # any page; the token comes from the cookie jar below
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    response = browser.post(
        f"/api/v1/aanvragen/{world.req_ya.pk}/weigeren/",
        {"reden": "Nee"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "geweigerd"


def test_session_get_lists_own_domains(world):
    browser = Client()
    login(browser, world.daan)
    names = [d["naam"] for d in browser.get("/api/v1/domeinen/").json()["results"]]
    assert names == ["domein-b"]


def test_interactive_docs_use_local_static_files_only(client, world):
    from django.contrib.staticfiles import finders

    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page, url
        assert "cdn" not in page.lower()
        assert 'src="http' not in page and 'href="http' not in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


def test_schema_documents_problem_responses_and_both_credentials(client, world):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"bearerAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    clients = schema["paths"]["/api/v1/domeinen/{domein}/clients/"]["get"]
    assert "application/problem+json" in clients["responses"]["404"]["content"]
