"""After a full flow (portal, admin, API) the client secret is in no page, no API answer
except the secrets endpoint itself, no log line, no history and no export."""

import io
import logging
import re

import pytest
from django.core.management import call_command

from api.models import IdpGeheimLezing
from api.services import create_domain_key, create_personal_token, set_idp_secret_scope
from identiteit.models import IdentityProvider
from tests.auth_helpers import login
from tests.factories import make_instance

SECRET_1 = "Eerste-IdP-geheim-0xC0FFEE"
SECRET_2 = "Tweede-IdP-geheim-0xBEEF"
SECRET_ADMIN = "Admin-IdP-geheim-0xF00D"
SECRETS = (SECRET_1, SECRET_2, SECRET_ADMIN)


def _assert_clean(text, where):
    for secret in SECRETS:
        assert secret not in text, f"{secret} in {where}"


@pytest.fixture
def seen():
    return []


def _get(client, url, seen, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    seen.append((url, response.content.decode()))
    return response


def _post(client, url, data, seen, expect=302):
    response = client.post(url, data)
    errors = re.findall(r"errorlist.*?</ul>", response.content.decode(), re.S)
    assert response.status_code == expect, (url, errors)
    seen.append((f"POST {url}", response.content.decode()))
    if expect == 302:
        _get(client, response["Location"], seen)
    return response


def test_the_secret_appears_nowhere_after_a_full_flow(
    client, caplog, seen, domein, domeinbeheerder, applicatiebeheerder, applicatie,
    support_user, idp_server,
):  # fmt: skip
    caplog.set_level(logging.DEBUG)
    instance = make_instance(applicatie=applicatie, domein=domein)
    base = f"/domeinen/{domein.naam}/identity-providers/"
    form = {
        "naam": "DigiD",
        "logische_id": "digid",
        "discovery_url": idp_server.discovery_url,
        "client_id": "kt-client",
        "client_secret": SECRET_1,
        "gebruikersnaam_claim": "sub",
        "ingeschakeld": "on",
    }

    # The domeinbeheerder: add, a refused duplicate, edit, new secret, test, list per instance.
    login(client, domeinbeheerder)
    _post(client, f"{base}nieuw/", form, seen)
    _post(client, f"{base}nieuw/", form, seen, expect=200)  # logical id in use: form again
    _post(client, f"{base}digid/", form | {"client_secret": "", "naam": "DigiD 2"}, seen)
    _post(client, f"{base}digid/", form | {"client_secret": SECRET_2}, seen)
    _post(client, f"{base}digid/", {"testen": "1"}, seen, expect=200)
    idp = IdentityProvider.objects.get(logische_id="digid")
    instance_url = f"/domeinen/{domein.naam}/applicatieinstanties/{instance.client_id}/"
    for kind in ("Patient", "Practitioner", "RelatedPerson"):
        _post(
            client,
            f"{instance_url}identity-providers/",
            {"actie": "toevoegen", "gebruikerstype": kind, "identity_provider": idp.pk,
             "reden": "r"},
            seen,
        )  # fmt: skip
    for url in (base, f"{base}digid/", f"{base}digid/verwijderen/", instance_url):
        _get(client, url, seen)

    # The applicatiebeheerder's read-only view.
    login(client, applicatiebeheerder)
    _get(client, f"/applicaties/{applicatie.pk}/applicatieinstanties/", seen)
    _get(
        client,
        f"/applicaties/{applicatie.pk}/applicatieinstanties/{instance.client_id}/identity-providers/",
        seen,
    )

    # Support in the admin: a second IdP with a secret, and every IdP screen.
    login(client, support_user)
    _post(
        client,
        "/admin/identiteit/identityprovider/add/",
        form | {"domein": domein.pk, "logische_id": "azure", "client_secret": SECRET_ADMIN},
        seen,
    )
    azure = IdentityProvider.objects.get(logische_id="azure")
    for url in (
        "/admin/identiteit/identityprovider/",
        f"/admin/identiteit/identityprovider/{idp.pk}/change/",
        f"/admin/identiteit/identityprovider/{azure.pk}/change/",
        f"/admin/identiteit/identityprovider/{idp.pk}/history/",
        "/admin/identiteit/idpwijziging/",
        f"/admin/domeinen/applicatieinstantie/{instance.pk}/change/",
        "/admin/",
    ):
        _get(client, url, seen)

    # The API: the clients, the instance with its history, and the secrets endpoint.
    key, key_secret = create_domain_key(domein_id=domein.pk, naam="AS", by=support_user)
    set_idp_secret_scope(key_id=key.pk, allowed=True, by=support_user)
    _row, token = create_personal_token(gebruiker=support_user, naam="t", by=support_user)
    as_key = {"HTTP_AUTHORIZATION": f"Bearer {key_secret}"}
    client.logout()
    _get(client, f"/api/v1/domeinen/{domein.naam}/clients/", seen, **as_key)
    _get(client, f"/api/v1/domeinen/{domein.naam}/clients/{instance.client_id}", seen, **as_key)
    _get(
        client,
        f"/api/v1/instanties/{instance.client_id}/",
        seen,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    secrets_answer = client.get(f"/api/v1/domeinen/{domein.naam}/identity-providers/", **as_key)
    # The one place the secret is served: to the authorization server, recorded.
    assert SECRET_2 in secrets_answer.content.decode()
    assert SECRET_ADMIN in secrets_answer.content.decode()
    assert IdpGeheimLezing.objects.filter(sleutel=key).count() == 1

    for where, text in seen:
        _assert_clean(text, where)
    _assert_clean(caplog.text, "the log output")
    export = io.StringIO()
    call_command("dumpdata", stdout=export)
    _assert_clean(export.getvalue(), "dumpdata")
    # The pages did show that a secret is set.
    assert any("ingesteld" in text for _where, text in seen)
