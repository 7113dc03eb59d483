"""After a full flow (invitation, password link, logins right and wrong, lockout, support's
password and 2FA actions, tokens and keys, 2FA enrollment) no audit record holds a password,
a token, a key, a one-time link, a backup code or a password hash."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from api.services import create_domain_key
from beheer.accounts import services
from beheer.accounts.models import User
from beheer.audit.models import AuditEvent, AuditRecord
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db

CHOSEN = "Zelf-gekozen-wachtwoord-2026"
WRONG = "Verkeerd-wachtwoord-9876"
BY_SUPPORT = "Door-support-gekozen-77"
CHANGED = "Nog-een-ander-wachtwoord-55"


def _link(mail) -> str:
    return re.search(r"http://\S+/wachtwoord-instellen/\S+/", mail.body).group(0)


def _set_password_via(client, link, password):
    path = re.sub(r"^http://[^/]+", "", link)
    response = client.get(path)
    assert response.status_code == 302
    return client.post(response["Location"], {"new_password1": password, "new_password2": password})


def test_no_record_holds_a_secret_after_a_full_flow(
    client, support_user, domein, mailoutbox, django_capture_on_commit_callbacks
):
    secrets = [CHOSEN, WRONG, BY_SUPPORT, CHANGED]
    support = login(Client(), support_user)
    with django_capture_on_commit_callbacks(execute=True):
        support.post(
            reverse("admin:accounts_user_add"),
            {"username": "nina", "email": "nina@zorg.example", "full_name": "Nina", "phone": ""},
        )
    nina = User.objects.get(username="nina")
    invitation = _link(mailoutbox[-1])
    secrets.append(invitation)
    assert _set_password_via(Client(), invitation, CHOSEN).status_code == 302

    web = Client()
    web.post("/inloggen/", {"username": "nina", "password": WRONG})
    web.post("/inloggen/", {"username": "nina", "password": CHOSEN})
    # Enroll an authenticator: its secret and the backup codes must stay out of the trail.
    web.get(reverse("accounts:two_factor_setup"))
    device = nina.totpdevice_set.get(confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = web.post(reverse("accounts:two_factor_setup"), {"token": code})
    assert response.status_code == 200
    secrets += [device.key, *response.context["codes"]]
    token_response = web.post(
        "/api/v1/tokens/", {"naam": "script"}, content_type="application/json"
    )
    assert token_response.status_code == 201, token_response.content
    secrets.append(token_response.json()["token"])
    web.post("/uitloggen/")

    with django_capture_on_commit_callbacks(execute=True):
        services.reset_password(user_id=nina.pk, by=support_user)
    secrets.append(_link(mailoutbox[-1]))
    support.post(
        reverse("admin:auth_user_password_change", args=[nina.pk]),
        {"password1": BY_SUPPORT, "password2": BY_SUPPORT},
    )
    services.set_own_password(user_id=nina.pk, password=CHANGED)
    services.reset_two_factor(user_id=nina.pk, by=support_user)
    for _ in range(6):
        Client().post("/inloggen/", {"username": "nina", "password": WRONG})
    services.unlock_account(user_id=nina.pk, by=support_user)
    _key, key_secret = create_domain_key(domein_id=domein.pk, naam="AS", by=support_user)
    secrets.append(key_secret)
    nina.refresh_from_db()
    secrets.append(nina.password)  # the hash

    seen = {r.gebeurtenis for r in AuditRecord.objects.all()}
    assert {
        AuditEvent.ACCOUNT_AANGEMAAKT,
        AuditEvent.ACCOUNT_WACHTWOORD_GEWIJZIGD,
        AuditEvent.LOGIN_MISLUKT,
        AuditEvent.LOGIN_GESLAAGD,
        AuditEvent.ACCOUNT_2FA_INGESTELD,
        AuditEvent.LOGOUT,
        AuditEvent.ACCOUNT_WACHTWOORD_GERESET,
        AuditEvent.ACCOUNT_WACHTWOORD_INGESTELD,
        AuditEvent.ACCOUNT_2FA_GERESET,
        AuditEvent.LOGIN_GEBLOKKEERD,
        AuditEvent.ACCOUNT_ONTGRENDELD,
        AuditEvent.SLEUTEL_AANGEMAAKT,
    } <= seen
    dump = json.dumps(list(AuditRecord.objects.values()), default=str)
    for secret in secrets:
        assert secret not in dump, secret
    assert "wachtwoord-instellen" not in dump
