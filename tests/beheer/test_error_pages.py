"""Error pages: the portal's layout in Dutch with a way home and the support address; the API
keeps answering problem details."""

import json

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory

from beheer import views
from tests.auth_helpers import login


def test_unknown_page_is_a_dutch_404_in_the_portal_layout(client, db, settings):
    settings.KT_SUPPORT_EMAIL = "hulp@example.org"
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page and "Not Found" not in page
    assert 'href="/"' in page and "mailto:hulp@example.org" in page
    assert 'class="merk"' in page  # the portal's header


def test_a_missing_object_of_a_logged_in_user_is_the_same_page(client, db):
    from tests.factories import UserFactory

    login(client, UserFactory())
    response = client.get("/domeinen/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page and "Afmelden" in page


def test_unknown_api_path_stays_problem_details(client, db):
    response = client.get("/api/v1/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_400_and_403_pages(rf: RequestFactory, db):
    request = rf.get("/domeinen/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    bad = views.bad_request(request, SuspiciousOperation("x"))
    assert bad.status_code == 400 and "Ongeldig verzoek" in bad.content.decode()
    denied = views.permission_denied(request, PermissionDenied())
    assert denied.status_code == 403 and "Geen toegang" in denied.content.decode()


def test_500_page_needs_no_database_and_api_gets_a_problem(rf: RequestFactory):
    response = views.server_error(rf.get("/domeinen/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in page and 'href="/"' in page
    api = views.server_error(rf.get("/api/v1/instanties/"))
    assert api.status_code == 500
    assert json.loads(api.content)["status"] == 500
