"""Personal tokens and domain keys: made once, stored hashed, revocable; support's admin pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import DomeinApiSleutel, PersoonlijkToken
from api.services import create_personal_token
from beheer.errors import ServiceError
from tests.api.conftest import auth
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db


def test_user_makes_a_token_over_the_api_and_sees_it_once(client, world):
    login(client, world.anna)  # logged in to the portal (session)
    response = client.post("/api/v1/tokens/", {"naam": "script"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    secret = response.json()["token"]
    assert secret.startswith("ktp_")
    listed = client.get("/api/v1/tokens/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert len(listed["results"]) == 2
    assert secret not in str(listed)
    row = PersoonlijkToken.objects.get(pk=response.json()["id"])
    assert row.gebruiker == world.anna and row.sleutel_hash != secret


def test_a_token_cannot_make_another_token(client, world):
    response = client.post(
        "/api/v1/tokens/",
        {"naam": "script"},
        content_type="application/json",
        **auth(world, "anna"),
    )
    assert response.status_code == 403
    assert "ingelogd in het portaal" in response.json()["detail"]
    assert PersoonlijkToken.objects.filter(gebruiker=world.anna).count() == 1


def test_user_revokes_own_token_but_not_anothers(client, world):
    anna_token = PersoonlijkToken.objects.get(gebruiker=world.anna)
    assert (
        client.delete(f"/api/v1/tokens/{anna_token.pk}/", **auth(world, "bram")).status_code == 404
    )
    assert (
        client.delete(f"/api/v1/tokens/{anna_token.pk}/", **auth(world, "anna")).status_code == 204
    )
    assert client.get("/api/v1/tokens/", **auth(world, "anna")).status_code == 401


def test_expired_token_is_refused(client, world):
    row, secret = create_personal_token(
        gebruiker=world.anna,
        naam="kort",
        by=world.anna,
        verloopt_op=timezone.now() + timedelta(seconds=30),
    )
    PersoonlijkToken.objects.filter(pk=row.pk).update(verloopt_op=timezone.now())
    response = client.get("/api/v1/domeinen/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_refused(client, world):
    world.anna.is_active = False
    world.anna.save()
    assert client.get("/api/v1/applicaties/", **auth(world, "anna")).status_code == 401


def test_only_support_makes_tokens_for_someone_else(world):
    with pytest.raises(ServiceError):
        create_personal_token(gebruiker=world.anna, naam="x", by=world.bram)
    row, _secret = create_personal_token(gebruiker=world.anna, naam="x", by=world.support)
    assert row.aangemaakt_door == world.support


def test_support_makes_a_domain_key_in_the_admin_and_sees_it_once(client, world):
    login(client, world.support)
    response = client.post(
        reverse("admin:api_domeinapisleutel_add"), {"domein": world.dom_b.pk, "naam": "AS acc21"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    key = DomeinApiSleutel.objects.get(naam="AS acc21")
    start = page.index("ktd_")
    secret = page[start : page.index("<", start)]
    assert key.prefix in secret
    # The secret works for domain B only ...
    api = client.__class__()
    assert (
        api.get(
            "/api/v1/domeinen/domein-b/clients/", HTTP_AUTHORIZATION=f"Bearer {secret}"
        ).status_code
        == 200
    )
    # ... and is never shown again.
    change = client.get(reverse("admin:api_domeinapisleutel_change", args=[key.pk]))
    assert secret not in change.content.decode()


def test_support_revokes_a_key_with_the_admin_action(client, world):
    login(client, world.support)
    client.post(
        reverse("admin:api_domeinapisleutel_changelist"),
        {"action": "revoke_selected", "_selected_action": [world.key_a_row.pk]},
    )
    world.key_a_row.refresh_from_db()
    assert world.key_a_row.ingetrokken_op is not None
    headers = auth(world, "key_a")
    assert client.get("/api/v1/domeinen/domein-a/clients/", **headers).status_code == 401


def test_support_makes_a_personal_token_for_a_user_in_the_admin(client, world):
    login(client, world.support)
    response = client.post(
        reverse("admin:api_persoonlijktoken_add"), {"gebruiker": world.dora.pk, "naam": "CI"}
    )
    assert response.status_code == 200
    assert "ktp_" in response.content.decode()
    assert PersoonlijkToken.objects.filter(gebruiker=world.dora, naam="CI").exists()


def test_a_domeinbeheerder_cannot_reach_the_key_admin(client, world):
    login(client, world.dora)
    response = client.get(reverse("admin:api_domeinapisleutel_add"))
    assert response.status_code == 302  # to the admin login: not staff


@pytest.mark.parametrize(
    "name",
    [
        "admin:api_domeinapisleutel_changelist",
        "admin:api_persoonlijktoken_changelist",
        "admin:rollen_rol_changelist",
    ],
)
def test_support_changelists_have_flat_query_counts(client, world, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from api.services import create_domain_key
    from rollen.models import Rol

    login(client, world.support)
    url = reverse(name)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)
    small = count()
    for i in range(5):
        create_domain_key(domein_id=world.dom_a.pk, naam=f"extra {i}", by=world.support)
        create_personal_token(gebruiker=world.dora, naam=f"extra {i}", by=world.support)
        Rol.objects.create(naam=f"Extra {i}")
    assert count() == small


def test_token_of_a_user_who_must_change_password_gets_403(client, world):
    world.anna.must_change_password = True
    world.anna.save()
    response = client.get("/api/v1/applicaties/", **auth(world, "anna"))
    assert response.status_code == 403
    assert "Wijzig eerst uw wachtwoord" in response.json()["detail"]


def test_token_of_a_locked_username_gets_403(client, world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": world.anna.username, "password": "fout-wachtwoord"}
        )
    response = client.get("/api/v1/applicaties/", **auth(world, "anna"))
    assert response.status_code == 403
    assert "geblokkeerd" in response.json()["detail"]
