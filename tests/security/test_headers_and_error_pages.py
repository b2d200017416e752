"""Security headers on every kind of response, and Danish error pages that reveal nothing."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

HTMX_RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def assert_secure_headers(response):
    policy = _policy(response)
    for directive in ("script-src", "style-src"):
        assert policy[directive] == ["'self'"], policy
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def assert_no_trace(html: str):
    for leak in ("Traceback", "hemmelig detalje", "django.", "DEBUG", "/usr/", ".py"):
        assert leak not in html, leak


@pytest.mark.django_db
def test_a_full_page_has_the_headers(client, chef, spor):
    client.force_login(chef)

    response = client.get(reverse("tracks:initiative_list"))

    assert response.status_code == 200
    assert b"<html" in response.content
    assert_secure_headers(response)


@pytest.mark.django_db
def test_an_htmx_fragment_has_the_headers(client, chef, spor):
    client.force_login(chef)

    response = client.get(reverse("tracks:initiative_list"), **HTMX_RESULTS)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert_secure_headers(response)


@pytest.mark.django_db
def test_the_log_in_page_has_the_headers(client):
    assert_secure_headers(client.get(reverse("login")))


@pytest.mark.django_db
def test_a_404_is_danish_and_has_the_headers(client, chef):
    client.force_login(chef)

    response = client.get("/findes-ikke/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden findes ikke" in html
    assert_no_trace(html)
    assert_secure_headers(response)


@pytest.mark.django_db
def test_a_403_is_danish_and_has_the_headers(client, bfu, initiative):
    client.force_login(bfu)

    response = client.post(reverse("tracks:initiative_status", args=[initiative.pk]), {})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Du har ikke adgang til denne handling" in html
    assert_no_trace(html)
    assert_secure_headers(response)


@pytest.mark.django_db
@pytest.mark.urls("tests.security.boom_urls")
def test_a_500_is_danish_reveals_nothing_and_has_the_headers(client, chef, settings):
    assert settings.DEBUG is False
    client.force_login(chef)
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Der opstod en fejl" in html
    assert '<html lang="da">' in html
    assert_no_trace(html)
    assert_secure_headers(response)


@pytest.mark.django_db
def test_a_bad_request_is_danish(client, settings):
    response = client.get(reverse("login"), HTTP_HOST="angriber.example")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Forespørgslen kunne ikke behandles" in html
    assert_no_trace(html)
    assert_secure_headers(response)


def test_templates_carry_no_inline_script_or_style(all_templates):
    offenders = []
    for path in all_templates:
        text = path.read_text(encoding="utf-8")
        for pattern in INLINE:
            offenders += [f"{path}: {m.group(0)[:60]}" for m in pattern.finditer(text)]

    assert not offenders, "CSP blocks these; move them to static/css or static/js:\n" + "\n".join(
        offenders
    )


def test_htmx_is_configured_to_need_neither_eval_nor_inline_styles(settings):
    base = (settings.BASE_DIR / "templates" / "base.html").read_text(encoding="utf-8")

    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', base)
    assert config, "base.html configures htmx in a meta tag"
    assert '"allowEval": false' in config.group(1)
    assert '"includeIndicatorStyles": false' in config.group(1)


# Inline <script> (one without src), style attributes and <style> elements, event-handler
# attributes, javascript: URLs and htmx's eval-based attributes.
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle\s*=", re.IGNORECASE),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"javascript:", re.IGNORECASE),
    re.compile(r"\shx-on[:-]|\shx-vars=|\bjs:", re.IGNORECASE),
]


@pytest.fixture
def all_templates(settings):
    from django.apps import apps

    roots = [settings.BASE_DIR / "templates"]
    roots += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if app.path.startswith(str(settings.BASE_DIR)) and ".venv" not in app.path
    ]
    templates = [
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("*.html")
        # PDFs (WeasyPrint) and e-mails are never served to a browser, so CSP does not apply.
        if not {"pdf", "email"} & set(path.relative_to(root).parts)
    ]
    assert len(templates) > 20
    return templates
