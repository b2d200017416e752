"""/healthz/ answers 200 only when the database and the broker answer."""

from unittest import mock

import pytest
from django.db import DatabaseError

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT

    response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json()["broker"] == "fejl"
    assert response.json()["database"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not_answer(client):
    with mock.patch("omstilling.views.connection.cursor", side_effect=DatabaseError):
        response = client.get("/healthz/")

    assert response.status_code == 503
    assert response.json()["database"] == "fejl"


@pytest.mark.django_db
def test_it_answers_over_plain_http_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz/").status_code == 200
    assert client.get("/log-ind/").status_code == 301
