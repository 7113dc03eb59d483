"""Input no login form should choke on: never a server error."""

import pytest
from axes.models import AccessAttempt

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [151, 255, 256, 5000])
def test_a_very_long_username_is_a_normal_failed_login(client, length):
    UserFactory(username="dora")
    response = client.post(
        "/inloggen/", {"username": "d" * length, "password": "fout"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 200
    assert "onbekend" in response.content.decode()


def test_repeated_long_usernames_still_lock_and_fit_the_lockout_record(client, settings):
    name = "x" * 300
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/inloggen/", {"username": name, "password": "fout"})
        assert response.status_code in (200, 429)
    assert all(len(a.username) <= 255 for a in AccessAttempt.objects.all())
