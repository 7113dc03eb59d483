"""Support's list and page of onboarding requests: costs stay flat as requests pile up."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aanmeldingen.services import file_onboarding_request, refuse_onboarding_request
from tests.auth_helpers import login
from tests.factories import SupportUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _file(n, support):
    last = None
    for i in range(n):
        last = file_onboarding_request(
            soort="applicatie",
            data={
                "organisatie": "Lev",
                "naam": f"App {UserFactory().pk}-{i}",
                "applicatie_soort": "rom",
                "contact_naam": "C",
                "contact_email": "c@example.org",
            },
            by=UserFactory(),
        )
        if i % 2:
            refuse_onboarding_request(aanmelding_id=last.pk, by=support, reason="nee")
    return last


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_changelist_and_change_page_have_flat_query_counts(client):
    support = SupportUserFactory()
    login(client, support)
    last = _file(2, support)
    urls = ["/admin/aanmeldingen/aanmelding/", f"/admin/aanmeldingen/aanmelding/{last.pk}/change/"]
    for url in urls:
        client.get(url)  # warm up
    small = [_count(client, url) for url in urls]
    _file(6, support)
    large = [_count(client, url) for url in urls]
    assert large == small
    assert max(large) <= 15
