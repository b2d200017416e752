"""Another municipality's plan runs through the whole portal with no word of Vejle's.

The example plan (omstilling/plans/eksempel.yaml: the invented "Eksempel Kommune", another
committee, three spor, no investment pool, no advisory committee) is loaded into an empty
database with the demo data; every page of the accessibility audit (tests/browser/pages.py) is
opened for every role with the test client, and a quarterly and a monthly report are compiled
to PDF. No page answers 5xx, and neither the pages nor the PDF's text name anything that is
Vejle's: the names come from the plan.
"""

import html
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from omstilling.demo import seed_demo
from omstilling.models import User
from omstilling.plan_file import load_plan_file
from reports.archive.compiler import report_compile
from reports.archive.services import report_request
from reports.models import ReportKind
from tests.browser.pages import PAGES, ROLES, page_ids
from tests.reports.report_support import at

EKSEMPEL = Path(settings.BASE_DIR) / "omstilling" / "plans" / "eksempel.yaml"
NOW = at(2026, 12, 5)

# What only Vejle's plan calls things: its committee and its short name, the approving body and
# its short names, the advisory committee, the department. Matched case-sensitively and as whole
# words, so that a stored state value like "behandlet_bfu" (never shown) or "Vejledning" does
# not count.
VEJLE_WORDS = [
    "Vejle",
    "BFU",
    "ØKU",
    "Økonomiudvalget",
    "gruppeformænd",
    "§17.4",
    "17.4-udvalg",
    "Børn & Unge",
    "Børn og Unge",
    "Børne- og Familieudvalget",
]

# The pages about one investment or udviklingsskole (pages.py), which a plan without a pool has
# none of.
POOL_OBJECT_PAGES = [
    "investering: detalje",
    "investering: redigér",
    "investering: beslutning",
    "investering: forbrug",
    "udviklingsskole: detalje",
    "udviklingsskole: redigér",
]

pytestmark = [pytest.mark.django_db]


@pytest.fixture(name="eksempel")
def eksempel_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_COMPILE_IN_THREAD = False
    plan, _stats = load_plan_file(EKSEMPEL)
    with time_machine.travel(NOW, tick=False):
        assert seed_demo(today=NOW.date())
    return plan


def _vejle_words(text: str) -> list[str]:
    return [word for word in VEJLE_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def test_the_example_plan_names_none_of_vejles_words():
    text = EKSEMPEL.read_text(encoding="utf-8")

    assert _vejle_words(text) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_runs_for_every_role_with_no_vejle_word(eksempel, client, role):
    ids = page_ids()
    found, missing, shown = {}, [], []
    with time_machine.travel(NOW, tick=True):
        client.force_login(User.objects.get(username=role))
        for page in PAGES:
            if page.missing(ids):
                missing.append(page.key)
                continue
            url = page.url(ids)
            response = client.get(url)
            assert response.status_code < 500, (page.key, url, response.status_code)
            # Walked logged in: no page sends the user back to log in.
            assert "/log-ind/" not in response.get("Location", ""), (page.key, url)
            if response.status_code == 200:
                shown.append(page.key)
            words = _vejle_words(html.unescape(response.content.decode()))
            if words:
                found[page.key] = words

    assert found == {}
    assert len(shown) >= 10, shown
    # Without a pool there is no investment or udviklingsskole to open, and a plan that asks
    # for no approval has no draft waiting for it; everything else is.
    assert sorted(missing) == sorted(
        [*POOL_OBJECT_PAGES, "bilag: tilføj til investering", "statusopdatering: godkend"]
    )


@pytest.mark.parametrize(
    ("kind", "period"),
    [(ReportKind.KVARTALSRAPPORT, "2026-K3"), (ReportKind.MAANEDSRAPPORT, "2026-11")],
)
def test_the_report_names_the_plans_bodies_and_none_of_vejles(eksempel, kind, period):
    with time_machine.travel(NOW, tick=False):
        report = report_compile(report=report_request(kind=kind, period=period))

    assert report.is_finished
    with report.pdf.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert _vejle_words(text) == []
    assert "Skole og Dagtilbud, Eksempel Kommune" in text
    assert "Planen har ingen investeringspulje" in text
    if kind == ReportKind.KVARTALSRAPPORT:
        assert "Kvartalsrapport til Skole- og Dagtilbudsudvalget" in text


def test_without_a_pool_or_an_advisory_committee_the_pages_say_so(eksempel, client):
    ids = page_ids()
    with time_machine.travel(NOW, tick=True):
        client.force_login(User.objects.get(username="chefgruppe"))
        overview = client.get(reverse("tracks:overview")).content.decode()
        pool = client.get(reverse("investments:pool")).content.decode()
        initiative = client.get(
            reverse("tracks:initiative_detail", args=[ids["initiative"]])
        ).content.decode()
        archive = client.get(reverse("archive:list")).content.decode()

    assert 'href="/investeringer/"' not in overview  # no pool in the menu
    assert "Planen har ingen investeringspulje" in pool
    assert 'id="recs-heading"' not in initiative  # no recommendations on the tiltag
    assert "næste kvartalsrapport til SDU" in archive


def test_the_vejle_plan_still_names_its_own_bodies(settings, tmp_path, client):
    """The same pages under Vejle's plan file say BFU, ØKU and §17.4: the words come from the
    plan, and the check above would see them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_plan_file(settings.PLAN_FILE)
    with time_machine.travel(NOW, tick=True):
        assert seed_demo(today=NOW.date())
        client.force_login(User.objects.get(username="chefgruppe"))
        pages = {
            name: html.unescape(client.get(reverse(name)).content.decode())
            for name in ("investments:pool", "reports:dashboard", "archive:list")
        }

    assert "Behandlet i BFU" in pages["investments:pool"]
    assert "Økonomiudvalget og gruppeformændene" in pages["investments:pool"]
    assert "anbefalingerne fra §17.4-udvalget" in pages["reports:dashboard"]
    assert "Kvartalsrapporterne til BFU" in pages["archive:list"]
    assert {"BFU", "ØKU", "§17.4"} <= set(_vejle_words("\n".join(pages.values())))
