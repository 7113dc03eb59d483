"""A password set by someone else: until it is changed, nothing but the change form answers.

The test walks every URL pattern in the URLconf (admin included), so a screen added later
by any app is covered without touching this file.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGE = "/account/wachtwoord/"
# What a flagged user may still reach (besides static files).
ALLOWED = {
    "accounts:password_change",
    "logout",
    "health",
    "accounts:password_forgotten",
    "accounts:password_forgotten_done",
    "accounts:password_set",
    "accounts:password_set_done",
}

_CONVERTER_VALUES = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.uuid4())}


def _route_to_path(route: str) -> str:
    def repl(match):
        converter = match.group(1) or "str"
        return _CONVERTER_VALUES.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", repl, route)


def _sample(group_regex: str) -> str:
    """A value that the named group's own regex accepts."""
    for candidate in ("1", "x", str(uuid.uuid4()), "x-1", "x/y", group_regex.split("|")[0]):
        if re.fullmatch(group_regex, candidate):
            return candidate
    raise AssertionError(f"no sample value for ({group_regex})")


def _regex_to_path(regex: str) -> str:
    path = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    path = re.sub(r"\(\?P<\w+>([^()]*)\)", lambda m: _sample(m.group(1)), path)
    path = path.replace(".*", "x").replace(".+", "x").replace("\\", "")
    return path


def _pattern_part(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_to_path(str(pattern))
    if isinstance(pattern, RegexPattern):
        return _regex_to_path(pattern.regex.pattern)
    raise AssertionError(f"unknown pattern type {pattern!r}")


def all_urls(resolver=None, prefix="/"):
    """(path, view_name) for every leaf pattern, with dummy values for the arguments."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        part = _pattern_part(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from all_urls(entry, prefix + part)
        elif isinstance(entry, URLPattern):
            yield prefix + part, entry


def _every_url():
    seen = []
    for path, entry in all_urls():
        match = resolve(path)
        assert match.func == entry.callback, f"{path} does not reach {entry}"
        seen.append((path, match.view_name))
    return seen


def test_every_url_pattern_is_enumerated():
    urls = _every_url()
    names = {name for _path, name in urls}
    assert {"start", "admin:index", "admin:accounts_user_changelist", "login"} <= names
    assert len(urls) > 40


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_flagged_user_reaches_only_the_change_form(client, method):
    user = UserFactory(
        username="support-flag", must_change_password=True, is_staff=True, is_superuser=True
    )
    login(client, user)  # fully verified second step: only the flag stands in the way
    checked = 0
    for path, name in _every_url():
        if name in ALLOWED:
            continue
        response = getattr(client, method)(path)
        checked += 1
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            assert response.json()["detail"] == "Wijzig eerst uw wachtwoord."
            continue
        assert response.status_code == 302, (path, name, response.status_code)
        assert response["Location"].startswith(CHANGE), (path, response["Location"])
        assert "_auth_user_id" in client.session, path  # still logged in
    assert checked > 40
    assert client.get(CHANGE).status_code == 200
    # static files pass the gate: served (200) when collected, e.g. after `make bench`, or a
    # plain 404 when not; never the redirect to the change form
    assert client.get("/static/beheer/kt.css").status_code in (200, 404)


def test_the_api_prefix_answers_403_json_for_a_flagged_user(client):
    user = UserFactory(username="dora", must_change_password=True)
    login(client, user)
    response = client.get("/api/v1/domeinen/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_a_flagged_user_may_log_out(client):
    user = UserFactory(username="dora", must_change_password=True)
    login(client, user)
    assert client.post("/uitloggen/").status_code == 302
    assert "_auth_user_id" not in client.session
