"""No state change on GET: every URL, as every role, answers GET without writing.

Views that change state accept only POST (GET answers 405) or answer GET with a form. The
walk runs on the Vejle plan with the demo data, with the sequences reset so that the example
id 1 in each URL names a real row.
"""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from omstilling.models import User
from tests import factories
from tests.omstilling.test_deny_by_default import URLS as EXAMPLE_URLS

# The admin's object URLs take any string as the id; the walk asks for row 1 there too.
URLS = [(name, url.replace("/x/", "/1/")) for name, url in EXAMPLE_URLS]

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Writes a GET may make: the session (its idle timeout is renewed) and the audit trail of who
# read child-level rows (omstilling.AccessLog), which is the point of reading them.
ALLOWED_WRITES = {"django_session", "omstilling_accesslog"}
# Inline script and style that the Content-Security-Policy would block in a rendered page.
# A JSON data block (<script type="application/json">, e.g. the settings of the open data's
# Swagger UI) is no script: the browser never runs it and the policy does not apply to it.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>|<style\b|\sstyle\s*=|"
    r"\son[a-z]+\s*=\s*[\"']",
    re.IGNORECASE,
)
# One row of each kind the demo data does not create, so every `pk=1` URL finds its row.
EXTRA_ROWS = [
    factories.InvestmentDecisionFactory,
    factories.SpendingFactory,
    factories.PreReferralFactory,
    factories.ReferralFactory,
]


def _row_counts() -> dict[str, int]:
    tables = set(connection.introspection.table_names()) - ALLOWED_WRITES
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.db_table in tables
    }


@pytest.fixture
def portal_data(settings):
    # The walk asks every URL once per role: more than the open data's rate per client.
    settings.PUBLIC_API_RATE = "100000/m"
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("load_plan", verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    for factory in EXTRA_ROWS:
        if not factory._meta.model.objects.exists():
            factory()


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_no_url_changes_state_on_get(portal_data):
    """Each URL is asked for by one role after another until one of them gets a page."""
    superuser = User.objects.create_superuser("root", "root@kommune.example", "x")
    # Logging in writes (last_login, axes' access log), so every user logs in before the walk.
    clients = {}
    for user in [*User.objects.exclude(pk=superuser.pk).order_by("pk"), superuser]:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    writes, inline, answered = [], [], {}
    current = ""

    def record_writes(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1) not in ALLOWED_WRITES:
            writes.append(f"{current}: {sql[:120]}")
        return execute(sql, params, many, context)

    before = _row_counts()
    with connection.execute_wrapper(record_writes):
        for name, url in URLS:
            # The admin is walked by the superuser, who sees all of it.
            users = ["root"] if name.startswith("admin:") else list(clients)
            for username in users:
                client = clients[username]
                current = f"{username} GET {url}"
                response = client.get(url)
                answered.setdefault(name, set()).add(response.status_code)
                if response.status_code != 200:
                    continue
                if response["Content-Type"].startswith("text/html") and "admin:" not in name:
                    inline += [f"{current}: {m.group(0)}" for m in INLINE.finditer(response.text)]
                break
    after = _row_counts()

    assert not writes, "GET wrote to the database:\n" + "\n".join(writes)
    assert after == before
    assert not inline, "inline script or style in a page:\n" + "\n".join(inline)
    # The walk reached the views, not only their access checks; POST-only views answer 405.
    # Every portal URL got past the access checks for some role: a page or form (200), a
    # redirect, 405 from a POST-only view, or 404 where the data has no row 1 of its kind.
    unreached = {
        name: codes
        for name, codes in answered.items()
        if not name.startswith("admin:") and not codes & {200, 301, 302, 404, 405}
    }
    assert not unreached, f"no role got past the access check: {unreached}"
