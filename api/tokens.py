"""Making and checking API secrets: `<kind>_<prefix>_<secret>`, stored as SHA-256."""

import hashlib
import hmac
import secrets

DOMAIN_KEY_KIND = "ktd"
PERSONAL_TOKEN_KIND = "ktp"


def hash_secret(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret(kind: str) -> tuple[str, str, str]:
    """Return (token, prefix, hash). The token is shown once; only prefix and hash are kept."""
    prefix = secrets.token_hex(6)
    token = f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, hash_secret(token)


def parse(token: str) -> tuple[str, str] | None:
    """(kind, prefix) of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] not in (DOMAIN_KEY_KIND, PERSONAL_TOKEN_KIND):
        return None
    if len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[0], parts[1]


def matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(token), stored_hash)
