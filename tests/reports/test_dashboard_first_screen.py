"""The dashboard answers first: BFU's verdict on the first screen, on the hand-worked data set
of conftest.py (24 Nov 2026; see test_verdict.py for the counts), every count linked to a list
that shows exactly what was counted, and the page's size bounded however much data there is."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine

from omstilling.cache import bump_all
from tests.factories import (
    InitiativeFactory,
    InstitutionFactory,
    KpiTargetFactory,
    SpecialOfferCountFactory,
)
from tests.reports.conftest import TODAY
from tracks.models import Initiative, Milestone, StatusUpdate
from visitation.models import KpiIndicator, Level

URL = "/dashboard/"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _first_screen(html: str) -> str:
    match = re.search(
        r'<section class="verdict-panel" id="status".*?</section>\s*</section>', html, re.S
    )
    assert match
    return match.group(0)


@pytest.fixture
def dashboard(client, bfu, dashboard_data):
    client.force_login(bfu)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_verdict_comes_before_the_filters_and_the_details(dashboard):
    assert dashboard.index('id="status"') < dashboard.index("dashboard-filter")
    assert dashboard.index('id="status"') < dashboard.index('id="spor"')


def test_it_says_in_words_whether_the_plan_is_on_track(dashboard):
    screen = _text(_first_screen(dashboard))

    assert "✗ Planen er ikke på sporet: 1 rødt tiltag og 4 forsinkede milepæle." in screen


def test_it_counts_what_needs_attention_and_links_each_count(dashboard):
    screen = _first_screen(dashboard)
    text = _text(screen)

    assert "1 rødt tiltag (bagud)" in text
    assert "2 gule tiltag (i risiko)" in text
    assert "4 forsinkede milepæle" in text
    assert "5 tiltag uden ejer" in text
    assert "4 tiltag ikke opdateret i 4. kvartal 2026" in text
    for link in (
        "/plan/tiltag/?attention=roed",
        "/plan/tiltag/?attention=gul",
        "/plan/tiltag/?attention=uden_ejer",
        "/plan/tiltag/?attention=uden_opdatering",
        "/plan/milepaele/?state=forsinket",
    ):
        assert f'href="{link}"' in screen


@pytest.mark.parametrize(
    ("query", "count"),
    [("roed", 1), ("gul", 2), ("uden_ejer", 5), ("uden_opdatering", 4)],
)
def test_each_link_lists_exactly_the_tiltag_counted(client, bfu, dashboard_data, query, count):
    client.force_login(bfu)

    response = client.get("/plan/tiltag/", {"attention": query})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_the_overdue_link_lists_the_overdue_milestones_longest_first(client, bfu, dashboard_data):
    client.force_login(bfu)
    m = dashboard_data["milestones"]

    response = client.get("/plan/milepaele/", {"state": "forsinket"})

    assert [x.pk for x in response.context["page"]] == [m[k].pk for k in ("M2", "M11", "M6", "M3")]


def test_it_names_the_longest_overdue_milestones_and_the_tiltag_in_red_and_yellow(
    dashboard, dashboard_data
):
    text = _text(_first_screen(dashboard))

    assert "Diplommoduler i neuropædagogik" in text  # red
    assert "Særskilt forløb for dagplejen" in text  # yellow
    assert dashboard_data["milestones"]["M2"].title in text
    assert "Det bedes udvalget tage stilling til" in text
    assert "ingen investeringer venter på behandling" in text


@pytest.mark.parametrize(
    ("newest", "words", "symbol"),
    [(44, "På vej mod målet", "✓"), (47, "Ikke på vej mod målet", "✗")],
)
def test_each_kpi_is_judged_in_words_and_a_symbol(client, bfu, plan, newest, words, symbol):
    KpiTargetFactory(
        indicator=KpiIndicator.SPECIAL_TOTAL,
        quarter=dt.date(2026, 1, 1),
        target=None,
        baseline=Decimal(50),
    )
    KpiTargetFactory(
        indicator=KpiIndicator.SPECIAL_TOTAL, quarter=dt.date(2027, 1, 1), target=Decimal(40)
    )
    for quarter, children in ((dt.date(2026, 4, 1), 48), (dt.date(2026, 7, 1), newest)):
        SpecialOfferCountFactory(
            institution=InstitutionFactory(),
            quarter=quarter,
            level=Level.SKOLE,
            children_in_special_offers=children,
        )
    client.force_login(bfu)

    with time_machine.travel(TODAY, tick=False):
        html = client.get(URL).content.decode()

    kpis = _text(
        html[html.index('id="noegletal"') : html.index("</section>", html.index('id="noegletal"'))]
    )
    assert f"{symbol} {words} (målet for perioden er 45)" in kpis
    assert "↓ Faldet fra 48 i 2. kvartal 2026." in kpis
    assert "Målet er, at tallet falder." in kpis


# --- bounded whatever the data size ---------------------------------------------------------


def _grow(data, by, n=300):
    """Ten times the data set's tiltag, within its spor: red, yellow and stale tiltag, overdue
    milestones, status updates and tiltag carrying every recommendation."""
    plan = data["plan"]
    spor = [data["spor_1"], data["spor_2"]]
    initiatives = [
        InitiativeFactory(plan=plan, spor=spor[k % 2], lead_area=data["dagtilbud"])
        for k in range(n)
    ]
    healths = ["roed", "gul", "groen"]
    updates = StatusUpdate.objects.bulk_create(
        StatusUpdate(
            initiative=initiative,
            version=1,
            state="i_gang",
            health=healths[k % 3],
            progress=k % 101,
            narrative="Der er en udfordring.",
            author=by,
            created_at=TODAY - dt.timedelta(days=k % 120),
        )
        for k, initiative in enumerate(initiatives)
    )
    for initiative, update in zip(initiatives, updates, strict=True):
        initiative.current_status = update
        initiative.version = 1
    Initiative.objects.bulk_update(initiatives, ["current_status", "version"])
    Milestone.objects.bulk_create(
        Milestone(
            initiative=initiatives[k % n],
            slug=f"vaekst-{k}",
            title=f"Forsinket milepæl {k}",
            planned_quarter=dt.date(2025, 1 + 3 * (k % 4), 1),
        )
        for k in range(3 * n)
    )
    for recommendation in data["recommendations"].values():
        recommendation.initiatives.add(*initiatives[:40])
    # bulk_create and bulk_update send no signal: stale, as after any bulk load (seed_scale).
    bump_all()


def test_the_page_stays_the_same_size_with_ten_times_the_data(client, bfu, chef, dashboard_data):
    client.force_login(bfu)
    small = client.get(URL).content
    _grow(dashboard_data, chef)

    large = client.get(URL).content

    assert Initiative.objects.count() > 300
    assert len(large) <= 1.2 * len(small), (len(small), len(large))
    html = large.decode()
    overdue = Milestone.objects.overdue(TODAY.date()).count()
    assert f"Se alle {overdue:,} forsinkede milepæle".replace(",", ".") in html
