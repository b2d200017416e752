"""Browser journeys: Playwright (Python) driving Debian's Chromium against a live server.

The server carries the real Vejle plan and the demo users. Screenshots of each journey are
saved under test-artifacts/ (kept by CI as artifacts).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

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


@pytest.fixture
def portal(live_server, settings, transactional_db):
    """The live server with the Vejle plan and the demo data loaded."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("load_plan", verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    return live_server


@pytest.fixture
def login(browser, portal, request):
    """Open a fresh browser context logged in as a demo user; returns the page."""
    contexts = []

    def _login(username: str, **context_options):
        context = browser.new_context(locale="da-DK", **context_options)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{portal.url}/log-ind/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
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
