import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


@pytest.mark.django_db
def test_health_is_200_with_json_when_the_database_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_503_when_the_database_does_not_answer(client, monkeypatch):
    # Fault injection: a real database cannot be made to vanish inside a test transaction.
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_needs_no_login(client, db):
    assert client.get("/health/").status_code == 200
