"""Support's view of the outbox: read-only list, flat query count, "Opnieuw proberen"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beheer.outbox.models import Delivery, DeliveryStatus
from beheer.outbox.services import queue_delivery, queue_email
from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:outbox_delivery_changelist")


@pytest.fixture
def support_client(client, support_user, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    login(client, support_user)
    return client


def _populate(n):
    for i in range(n):
        queue_email(to=f"r{i}@x.example", template="account_unlocked", context={"username": i})
        failed = queue_delivery(kind="fhir_device_push", payload={}, recipient=f"Device/{i}")
        Delivery.objects.filter(pk=failed.pk).update(
            status=DeliveryStatus.MISLUKT, attempts=8, last_error="HTTP 503"
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_changelist_shows_status_attempts_and_error_with_flat_query_count(support_client):
    _populate(2)
    small, _ = _queries(support_client, CHANGELIST)
    _populate(8)
    large, page = _queries(support_client, CHANGELIST)
    assert large == small
    assert large <= 12
    assert "r7@x.example" in page and "Uw KT Beheer-account is gedeblokkeerd" in page
    assert "HTTP 503" in page and "Mislukt" in page and "Device/7" in page


def test_changelist_filters_on_status_and_searches_recipient(support_client):
    _populate(3)
    _, page = _queries(support_client, CHANGELIST + "?status__exact=mislukt&q=Device/1")
    assert "Device/1" in page
    assert "r1@x.example" not in page


def test_retry_action_makes_failed_rows_due_and_skips_others(support_client):
    _populate(1)
    failed = Delivery.objects.get(status=DeliveryStatus.MISLUKT)
    waiting = Delivery.objects.get(status=DeliveryStatus.WACHTEND)

    response = support_client.post(
        CHANGELIST,
        {"action": "retry_selected", "_selected_action": [failed.pk, waiting.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "1 bezorging wordt opnieuw geprobeerd." in page
    assert "1 bezorging is overgeslagen" in page
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.WACHTEND, 0)
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.WACHTEND and waiting.attempts == 0


def test_detail_is_read_only_and_hides_the_payload(support_client):
    delivery = queue_email(
        to="j@x.example",
        template="password_reset",
        context={"username": "j", "link": "https://p.example/geheim-token/"},
        sensitive=True,
    )
    url = reverse("admin:outbox_delivery_change", args=[delivery.pk])
    _, page = _queries(support_client, url)
    assert "j@x.example" in page
    assert "geheim-token" not in page
    assert 'name="_save"' not in page
    assert support_client.get(reverse("admin:outbox_delivery_add")).status_code == 403


def test_staff_without_the_support_role_cannot_see_deliveries(client):
    login(client, UserFactory(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
