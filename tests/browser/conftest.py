"""Browser journeys: Playwright (Python) driving Debian's Chromium against a live server.

The server carries the real Vejle plan and the demo users. Screenshots of each journey are
saved under test-artifacts/ (kept by CI as artifacts).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tests.browser.actions import log_in

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _accessibility_statement():
    """The audit checks the footer's link to the statement, which shows once its address is set
    (ACCESSIBILITY_STATEMENT_URL, empty by default)."""
    with override_settings(ACCESSIBILITY_STATEMENT_URL="https://www.was.digst.dk/eksempel"):
        yield


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's helper of the same name, except for tests on `portal_module`.

    pytest-django gives every test that uses the live server a transactional database, flushed
    after the test. A test on `portal_module` shares the data the module loaded once, so it gets
    no flush of its own (the module flushes when it ends).
    """
    if "live_server" not in request.fixturenames or "portal_module" in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


def _load_plan_and_demo_data():
    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise
        call_command("load_plan", verbosity=0)
        call_command("seed_demo", verbosity=0)
    _make_the_plan_public()


def _make_the_plan_public():
    """The public progress page is off by default; the audit visits it switched on."""
    from omstilling.models import Plan

    Plan.objects.update(is_public=True)


@pytest.fixture(scope="module")
def portal_module(live_server, django_db_setup, django_db_blocker):
    """The live server with the Vejle plan and the demo data, loaded once for a whole module.

    (live_server first, as for `portal`: started before the test database exists, the server's
    threads open their own connections to it instead of sharing the test's.)

    The module's tests share the data (what one test changes, the next sees) and may use the
    ORM without a db fixture. When the module ends the database is flushed, as after any
    live-server test.
    """
    from django.conf import settings

    # The demo passwords are hashed once, outside any test's settings: with the fast test
    # hasher, which every test's settings must also accept.
    fast_hashing = override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]
    )
    with django_db_blocker.unblock(), fast_hashing:
        live_server._live_server_modified_settings.enable()
        try:
            _load_plan_and_demo_data()
            yield live_server
        finally:
            call_command("flush", interactive=False, verbosity=0)
            live_server._live_server_modified_settings.disable()
            # The connection this fixture used is not the one pytest-django drops the test
            # database with at the end of the run (Django keeps connections per context, and
            # this one's context differs); left open, PostgreSQL refuses to drop the database.
            connection.close()


@pytest.fixture(scope="module")
def user_context(browser, portal_module):
    """One logged-in browser context per demo user for the whole module: user_context("bfu").

    `user_context(None)` is a context without a log-in.
    """
    contexts = {}

    def _context(username: str | None):
        if username not in contexts:
            context = browser.new_context(locale="da-DK")
            if username:
                page = context.new_page()
                log_in(page, portal_module.url, username)
                assert "/log-ind/" not in page.url, f"{username} could not log in"
                page.close()
            contexts[username] = context
        return contexts[username]

    yield _context
    for context in contexts.values():
        context.close()


@pytest.fixture
def open_page(user_context):
    """A new tab in a demo user's module-wide context, closed after the test: open_page("bfu")."""
    pages = []

    def _open(username: str | None, **viewport):
        page = user_context(username).new_page()
        if viewport:
            page.set_viewport_size(viewport)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


@pytest.fixture
def portal(live_server, settings, transactional_db):
    """The live server with the Vejle plan and the demo data loaded."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("load_plan", verbosity=0)
    call_command("seed_demo", verbosity=0)
    _make_the_plan_public()
    settings.DEBUG = False
    return live_server


@pytest.fixture
def login(browser, request):
    """Open a fresh browser context logged in as a demo user; returns the page. The server is
    the module's (`portal_module`) when the test uses it, else a `portal` of the test's own."""
    shared = "portal_module" in request.fixturenames
    server = request.getfixturevalue("portal_module" if shared else "portal")
    contexts = []

    def _login(username: str, **context_options):
        context = browser.new_context(locale="da-DK", **context_options)
        contexts.append(context)
        page = context.new_page()
        log_in(page, server.url, username)
        return page

    yield _login
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    """Save a screenshot named after the test: shot(page, "step")."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
