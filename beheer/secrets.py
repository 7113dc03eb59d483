"""Secrets at rest (an IdP's client secret): encrypted with Fernet keys from KT_SECRETS_KEY.

KT_SECRETS_KEY holds one or more Fernet keys, comma-separated. The first encrypts; every key
decrypts (cryptography's MultiFernet), so a key is rotated by putting a new one first, running
`manage.py rotate_secrets` (re-encrypts under the first key) and then dropping the old one.

Everything fails closed: without a key, or with a key that cannot read a stored secret, the
functions raise SecretsKeyError with a Dutch message and nothing is written or served. The
plain text is never logged; callers never put it in history, exports or messages.

In DEBUG (development and tests) settings supply a fixed development key when KT_SECRETS_KEY
is not set; with DEBUG off there is no default, so a production secret can never be encrypted
with a key that is in the repository.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretsKeyError(Exception):
    """No usable key for secrets; `message` is Dutch and says what to fix."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


MISSING = (
    "Geheimen kunnen niet worden opgeslagen of gelezen: de sleutel KT_SECRETS_KEY ontbreekt "
    "in de configuratie. Neem contact op met support."
)
INVALID = (
    "De sleutel KT_SECRETS_KEY is ongeldig (verwacht: een of meer Fernet-sleutels, "
    "gescheiden door komma's). Neem contact op met support."
)
UNREADABLE = (
    "Een opgeslagen geheim kan niet worden ontsleuteld met de sleutels in KT_SECRETS_KEY "
    "(verkeerde of ontbrekende sleutel). Neem contact op met support."
)


def configured_keys() -> list[str]:
    value = getattr(settings, "KT_SECRETS_KEY", []) or []
    if isinstance(value, str):
        value = value.split(",")
    return [k.strip() for k in value if k and k.strip()]


def key_problem() -> str:
    """Why the configured keys cannot be used (Dutch), or '' when they can."""
    keys = configured_keys()
    if not keys:
        return MISSING
    try:
        for key in keys:
            Fernet(key)
    except (ValueError, TypeError):
        return INVALID
    return ""


def _multi() -> MultiFernet:
    problem = key_problem()
    if problem:
        raise SecretsKeyError(problem)
    return MultiFernet([Fernet(k) for k in configured_keys()])


def encrypt(plaintext: str) -> str:
    """The token for `plaintext` under the first key."""
    return _multi().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a stored token; SecretsKeyError if no configured key reads it."""
    multi = _multi()
    try:
        return multi.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise SecretsKeyError(UNREADABLE) from exc


def reencrypt(token: str) -> str:
    """The same secret under the first key (rotation); SecretsKeyError if unreadable."""
    multi = _multi()
    try:
        return multi.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise SecretsKeyError(UNREADABLE) from exc
