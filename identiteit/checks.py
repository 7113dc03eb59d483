"""System checks for the IdP secrets key (KT_SECRETS_KEY, beheer/secrets.py).

- A key that is set but unusable is an error on every start: nothing could read or write secrets.
- `check --deploy` without any key: a warning when stored secrets exist (they cannot be read),
  otherwise only information (IdP secrets cannot be written until a key is set).
"""

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register
from django.db import DatabaseError

from beheer import secrets


@register()
def check_secrets_key_valid(app_configs=None, **kwargs):
    if secrets.configured_keys() and secrets.key_problem():
        return [
            Error(
                "KT_SECRETS_KEY is invalid: expected one or more Fernet keys, comma-separated.",
                hint="Make a key with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="identiteit.E001",
            )
        ]
    return []


def _stored_secrets_exist() -> bool:
    from identiteit.models import IdentityProvider

    try:
        return IdentityProvider.objects.exclude(client_secret_versleuteld="").exists()
    except DatabaseError:  # no tables yet (before migrate)
        return False


@register(Tags.security, deploy=True)
def check_secrets_key_present(app_configs=None, **kwargs):
    if secrets.configured_keys() or settings.DEBUG:
        return []
    if _stored_secrets_exist():
        return [
            Warning(
                "KT_SECRETS_KEY is not set, but identity providers with a stored client secret "
                "exist: they cannot be read or served.",
                hint="Set KT_SECRETS_KEY to the key(s) the secrets were stored with.",
                id="identiteit.W001",
            )
        ]
    return [
        Info(
            "KT_SECRETS_KEY is not set: client secrets of identity providers cannot be stored.",
            hint="Set KT_SECRETS_KEY (one or more Fernet keys, comma-separated).",
            id="identiteit.I001",
        )
    ]
