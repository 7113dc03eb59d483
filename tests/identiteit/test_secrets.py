"""Secrets at rest: Fernet keys from KT_SECRETS_KEY, rotation, and failing closed."""

import pytest
from cryptography.fernet import Fernet

from beheer import secrets
from beheer.errors import ServiceError
from identiteit.models import IdentityProvider
from tests.factories import make_idp

KEY_1 = Fernet.generate_key().decode()
KEY_2 = Fernet.generate_key().decode()


def test_a_secret_is_stored_encrypted_and_reads_back(settings):
    settings.KT_SECRETS_KEY = [KEY_1]
    token = secrets.encrypt("geheim-123")
    assert "geheim-123" not in token
    assert secrets.decrypt(token) == "geheim-123"


def test_a_secret_written_under_key_1_reads_after_key_2_is_put_first(settings):
    settings.KT_SECRETS_KEY = [KEY_1]
    token = secrets.encrypt("geheim-123")
    settings.KT_SECRETS_KEY = [KEY_2, KEY_1]
    assert secrets.decrypt(token) == "geheim-123"
    # New secrets are written under the first key: key 2 alone reads them.
    fresh = secrets.encrypt("nieuw")
    settings.KT_SECRETS_KEY = [KEY_2]
    assert secrets.decrypt(fresh) == "nieuw"


def test_rotation_reencrypts_under_the_first_key(settings):
    settings.KT_SECRETS_KEY = [KEY_1]
    token = secrets.encrypt("geheim-123")
    settings.KT_SECRETS_KEY = [KEY_2, KEY_1]
    rotated = secrets.reencrypt(token)
    settings.KT_SECRETS_KEY = [KEY_2]
    assert secrets.decrypt(rotated) == "geheim-123"


def test_the_keys_may_come_as_one_comma_separated_string(settings):
    settings.KT_SECRETS_KEY = f"{KEY_2}, {KEY_1}"
    assert secrets.configured_keys() == [KEY_2, KEY_1]
    assert secrets.key_problem() == ""


def test_a_wrong_key_fails_closed_with_a_clear_error(settings):
    settings.KT_SECRETS_KEY = [KEY_1]
    token = secrets.encrypt("geheim-123")
    settings.KT_SECRETS_KEY = [KEY_2]
    with pytest.raises(secrets.SecretsKeyError) as exc:
        secrets.decrypt(token)
    assert exc.value.message == secrets.UNREADABLE
    assert "KT_SECRETS_KEY" in exc.value.message


def test_no_key_fails_closed(settings):
    settings.KT_SECRETS_KEY = []
    with pytest.raises(secrets.SecretsKeyError) as exc:
        secrets.encrypt("x")
    assert exc.value.message == secrets.MISSING


def test_a_malformed_key_fails_closed(settings):
    settings.KT_SECRETS_KEY = ["geen-fernet-sleutel"]
    assert secrets.key_problem() == secrets.INVALID
    with pytest.raises(secrets.SecretsKeyError):
        secrets.encrypt("x")


def test_without_a_key_the_service_writes_no_idp_with_a_secret(db, settings, domein):
    settings.KT_SECRETS_KEY = []
    with pytest.raises(ServiceError) as exc:
        make_idp(domein=domein, client_secret="geheim-123")
    assert exc.value.code == "secrets_key"
    assert exc.value.message == secrets.MISSING
    assert not IdentityProvider.objects.exists()
    # Without a secret an IdP can still be registered.
    assert make_idp(domein=domein).heeft_geheim is False


def test_the_database_holds_only_the_token(db, settings, domein):
    settings.KT_SECRETS_KEY = [KEY_1]
    idp = make_idp(domein=domein, client_secret="geheim-123")
    stored = IdentityProvider.objects.values_list("client_secret_versleuteld", flat=True).get(
        pk=idp.pk
    )
    assert "geheim-123" not in stored
    assert secrets.decrypt(stored) == "geheim-123"


def test_the_development_key_exists_only_in_debug():
    """settings.py: with DEBUG off and no KT_SECRETS_KEY there is no key at all."""
    import secrets
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.KT_SECRETS_KEY)"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "beheer.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),  # settings refuse a weak key without DEBUG
        "DEBUG": "0",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_rotate_secrets_moves_every_secret_to_the_first_key(db, settings, domein):
    import io

    from django.core.management import call_command

    settings.KT_SECRETS_KEY = [KEY_1]
    make_idp(domein=domein, client_secret="een")
    make_idp(domein=domein, logische_id="twee", client_secret="twee")
    settings.KT_SECRETS_KEY = [KEY_2, KEY_1]
    out = io.StringIO()
    call_command("rotate_secrets", stdout=out)
    assert "2 geheim(en)" in out.getvalue()
    settings.KT_SECRETS_KEY = [KEY_2]
    tokens = IdentityProvider.objects.order_by("logische_id").values_list(
        "client_secret_versleuteld", flat=True
    )
    assert [secrets.decrypt(t) for t in tokens] == ["een", "twee"]


def test_rotate_secrets_changes_nothing_when_a_secret_is_unreadable(db, settings, domein):
    from django.core.management import CommandError, call_command

    settings.KT_SECRETS_KEY = [KEY_1]
    make_idp(domein=domein, client_secret="een")
    before = list(IdentityProvider.objects.values_list("client_secret_versleuteld", flat=True))
    settings.KT_SECRETS_KEY = [KEY_2]
    with pytest.raises(CommandError, match="ggz-noord/digid"):
        call_command("rotate_secrets")
    after = list(IdentityProvider.objects.values_list("client_secret_versleuteld", flat=True))
    assert after == before
