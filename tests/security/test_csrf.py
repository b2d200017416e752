"""CSRF: every POST without the token is refused, htmx's included; the page's token works."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.omstilling.test_deny_by_default import URLS

CSRF_PAGE = "Handlingen blev ikke gennemført"


@pytest.fixture
def csrf_client(chef):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chef)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_every_post_without_the_token_is_refused(csrf_client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    accepted = []
    for name, url in URLS:
        response = csrf_client.post(url, {"title": "x"}, headers=headers)
        if name.startswith("api-v1:") and response.status_code == 405:
            continue  # the open data takes no POST at all (read-only, GET only)
        if response.status_code != 403 or CSRF_PAGE not in response.content.decode():
            accepted.append(f"{name} {url} → {response.status_code}")

    assert not accepted, "POST without a CSRF token was not refused:\n" + "\n".join(accepted)


@pytest.mark.django_db
def test_a_wrong_token_is_refused(csrf_client, initiative):
    csrf_client.get(reverse("tracks:initiative_detail", args=[initiative.pk]))

    response = csrf_client.post(
        reverse("tracks:initiative_status", args=[initiative.pk]),
        {"state": "i_gang", "health": "groen", "progress": "40", "expected_version": "0"},
        headers={"HX-Request": "true", "X-CSRFToken": "x" * 32},
    )

    assert response.status_code == 403
    assert not initiative.status_updates.exists()


@pytest.mark.django_db
def test_htmx_posts_with_the_token_from_hx_headers(csrf_client, initiative):
    page = csrf_client.get(reverse("tracks:initiative_detail", args=[initiative.pk]))
    hx_headers = re.search(r"<body[^>]*hx-headers='([^']*)'", page.content.decode())
    assert hx_headers, "the body carries the CSRF token for htmx"
    token = json.loads(hx_headers.group(1))["X-CSRFToken"]

    response = csrf_client.post(
        reverse("tracks:initiative_status", args=[initiative.pk]),
        {"state": "i_gang", "health": "groen", "progress": "40", "expected_version": "0"},
        headers={"HX-Request": "true", "HX-Target": "status-panel", "X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert initiative.status_updates.get().progress == 40
