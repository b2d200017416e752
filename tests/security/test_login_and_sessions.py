"""Log-in throttling (django-axes), session keys, idle timeout, absolute lifetime, deactivation."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.test_headers_and_error_pages import assert_secure_headers

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
LOCKED = "For mange forsøg på at logge ind"


@pytest.fixture
def anne(spor):
    user = UserFactory(username="anne", role="chefgruppe")
    user.set_password("rigtig-adgangskode")
    user.save()
    return user


def _log_in(client, password="rigtig-adgangskode", username="anne"):
    return client.post(reverse("login"), {"username": username, "password": password})


def _logged_in(client) -> bool:
    response = client.get(reverse("tracks:overview"))
    return response.status_code == 200


# --- throttling ------------------------------------------------------------------------------


def test_it_locks_a_user_name_after_five_failures_with_a_danish_429(client, anne):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            assert _log_in(client, password="forkert").status_code == 200  # the form again
        fifth = _log_in(client, password="forkert")
        right_password = _log_in(client)

    for response in (fifth, right_password):
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        assert "15 minutter" in response.content.decode()
        assert_secure_headers(response)
    assert SESSION_KEY not in client.session


def test_the_lock_ends_after_the_cool_off(client, anne):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _log_in(client, password="forkert")
        traveller.shift(dt.timedelta(minutes=14))
        assert _log_in(client).status_code == 429
        # Each attempt during the lock starts the cool-off again.
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        response = _log_in(client)

        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(anne.pk)


def test_the_lock_is_per_user_name(client, anne):
    UserFactory(username="bo").set_password("bos-adgangskode")
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            _log_in(client, password="forkert", username="bo")
        response = _log_in(client)

    assert response.status_code == 302


# --- sessions --------------------------------------------------------------------------------


def test_log_in_gives_a_new_session_key(client, anne):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    _log_in(client)

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_an_idle_session_ends_after_30_minutes(client, anne):
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client)
        traveller.shift(dt.timedelta(minutes=29))
        assert _logged_in(client)
        traveller.shift(dt.timedelta(minutes=29))
        assert _logged_in(client), "activity renews the idle timeout"
        traveller.shift(dt.timedelta(minutes=31))
        assert not _logged_in(client)


def test_an_active_session_ends_10_hours_after_log_in(client, anne):
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client)
        for _ in range(9 * 3 + 2):  # active every 20 minutes until 9 h 40 min
            traveller.shift(dt.timedelta(minutes=20))
            assert _logged_in(client)
        traveller.shift(dt.timedelta(minutes=21))
        assert not _logged_in(client)
        assert SESSION_KEY not in client.session


def test_a_deactivated_user_loses_the_session_at_the_next_request(client, anne):
    _log_in(client)
    session_key = client.session.session_key
    anne.is_active = False
    anne.save(update_fields=["is_active"])

    response = client.get(reverse("tracks:overview"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=session_key).exists()


def test_an_htmx_request_after_the_session_ended_loads_the_log_in_page_whole(client, anne):
    with time_machine.travel(START, tick=False) as traveller:
        _log_in(client)
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("tracks:initiative_list"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))
