"""Absolute links to portal pages, for e-mails. ALL link construction for mails lives here.

The portal screens are built on another branch; when their URL names exist, `portal_url` can
switch to `reverse()` in this one place.
"""

from urllib.parse import quote

from django.conf import settings

PORTAL_PATHS = {
    # A domeinbeheerder reviews a request of their domain.
    "connectieaanvraag_beoordelen": "/domeinen/{domein}/connectieaanvragen/{aanvraag}/",
    # An applicatiebeheerder follows their application's request.
    "connectieaanvraag_volgen": "/applicaties/{applicatie}/connectieaanvragen/{aanvraag}/",
    # An applicatiebeheerder looks at their application's instance in a domain.
    "applicatieinstantie": "/applicaties/{applicatie}/instanties/{instantie}/",
    "inloggen": "/inloggen/",
}


def absolute_url(path: str) -> str:
    """`/x/` → `<KT_BASE_URL>/x/`; an absolute http(s) URL is returned unchanged."""
    if path.startswith(("https://", "http://")):
        return path
    return settings.KT_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def portal_url(name: str, **parts) -> str:
    """The absolute URL of portal page `name` (a key of PORTAL_PATHS), parts URL-quoted."""
    quoted = {key: quote(str(value), safe="") for key, value in parts.items()}
    return absolute_url(PORTAL_PATHS[name].format(**quoted))
