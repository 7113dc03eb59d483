"""Absolute links to portal pages, for e-mails. ALL link construction for mails lives here.

Each mail link names a page of the portal's URLconf (reverse(), so a link can never point at a
path the portal does not serve) and maps the caller's parts onto that URL's arguments. Only
URL names are used here, so the outbox still imports no portal app.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

# name -> (URL name, {URL kwarg: part the caller passes}, {query parameter: part} or {}).
# A list page is filtered to the one object (a query, not an anchor: an anchor in a paginated
# list breaks once the object is past the first page).
PORTAL_PAGES = {
    # A domeinbeheerder reviews a request of their domain.
    "connectieaanvraag_beoordelen": (
        "connectieaanvragen:beoordelen",
        {"naam": "domein", "pk": "aanvraag"},
        {},
    ),
    # An applicatiebeheerder follows their application's request: its own page.
    "connectieaanvraag_volgen": (
        "connectieaanvragen:applicatie_aanvraag",
        {"pk": "applicatie", "aanvraag_pk": "aanvraag"},
        {},
    ),
    # A domeinbeheerder reviews a change request for an instance in their domain.
    "wijzigingsverzoek_beoordelen": (
        "connectieaanvragen:wijziging_beoordelen",
        {"naam": "domein", "pk": "verzoek"},
        {},
    ),
    # An applicatiebeheerder's page of one instance (key check, change requests).
    "applicatieinstantie_details": (
        "connectieaanvragen:applicatie_instantie",
        {"pk": "applicatie", "client_id": "client_id"},
        {},
    ),
    # An applicatiebeheerder looks at their application's instance (role, FHIR state): the
    # application's instances tab, filtered to that instance.
    "applicatieinstantie": (
        "domeinen:applicatie_instanties",
        {"pk": "applicatie"},
        {"instantie": "instantie"},
    ),
    "inloggen": ("login", {}, {}),
    # A domain's or an application's beheerders (teams app): who is on the team, "Verlengen".
    "domein_beheerders": ("teams:domein", {"naam": "domein"}, {}),
    "applicatie_beheerders": ("teams:applicatie", {"pk": "applicatie"}, {}),
}


def absolute_url(path: str) -> str:
    """`/x/` → `<KT_BASE_URL>/x/`; an absolute http(s) URL is returned unchanged."""
    if path.startswith(("https://", "http://")):
        return path
    return settings.KT_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def portal_url(name: str, **parts) -> str:
    """The absolute URL of portal page `name` (a key of PORTAL_PAGES). Parts the path does not
    use (e.g. the request's id on a list page) go into the query that filters the list."""
    url_name, kwargs, query = PORTAL_PAGES[name]
    path = reverse(url_name, kwargs={arg: parts[part] for arg, part in kwargs.items()})
    if query:
        path += "?" + urlencode({param: parts[part] for param, part in query.items()})
    return absolute_url(path)
