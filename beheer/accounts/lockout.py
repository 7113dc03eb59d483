"""Glue for django-axes: which username and which client address a login attempt counts for.

Both are named in settings (AXES_USERNAME_CALLABLE, AXES_CLIENT_IP_CALLABLE).
"""

from django.conf import settings

from beheer.accounts.backends import normalize_username


def username_for_axes(request, credentials) -> str | None:
    """The normalised username (trimmed, lower case): "Dora", " dora" and "DORA" are one."""
    raw = None
    if credentials:
        raw = credentials.get("username")
    if raw is None and request is not None:
        data = getattr(request, "data", None) or request.POST
        raw = data.get("username")
    if raw is None:
        return None
    # Capped to the lockout record's column (axes: 255); no username is that long (150).
    return normalize_username(raw)[:255] or None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the header that the configured reverse proxy sets (KT_CLIENT_IP_HEADER).

    A proxy that appends to X-Forwarded-For puts the address it saw last, so the right-most
    value is the one it vouches for; anything to its left came from the client.
    """
    header = settings.KT_CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if parts:
            return parts[-1]
    return request.META.get("REMOTE_ADDR")
