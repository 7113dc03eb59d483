"""System checks for KT_SECRETS_KEY: an unusable key is an error; no key in production is
information, or a warning once stored secrets exist (CI's `check --deploy --fail-level
WARNING` without any IdP still passes)."""

from cryptography.fernet import Fernet

from identiteit.checks import check_secrets_key_present, check_secrets_key_valid
from tests.factories import make_idp


def _ids(messages):
    return [m.id for m in messages]


def test_a_malformed_key_is_an_error(settings):
    settings.KT_SECRETS_KEY = ["niet-goed"]
    assert _ids(check_secrets_key_valid()) == ["identiteit.E001"]


def test_a_good_key_passes(settings):
    settings.KT_SECRETS_KEY = [Fernet.generate_key().decode()]
    settings.DEBUG = False
    assert check_secrets_key_valid() == []
    assert check_secrets_key_present() == []


def test_no_key_in_production_without_stored_secrets_is_information(db, settings):
    settings.KT_SECRETS_KEY = []
    settings.DEBUG = False
    assert _ids(check_secrets_key_present()) == ["identiteit.I001"]


def test_no_key_in_production_with_stored_secrets_is_a_warning(db, settings, domein):
    make_idp(domein=domein, client_secret="geheim")
    settings.KT_SECRETS_KEY = []
    settings.DEBUG = False
    assert _ids(check_secrets_key_present()) == ["identiteit.W001"]
