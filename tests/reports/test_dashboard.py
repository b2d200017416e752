"""The BFU dashboard: who may read it, that every number equals the hand-computed one (see
conftest.py), that the filters narrow every section, the htmx partial, and its query bound."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from omstilling.cache import bump_all
from reports.dashboard.selectors import changes_since
from tests.factories import (
    AreaFactory,
    DevelopmentSchoolFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    InvestmentFactory,
    RecommendationFactory,
    RecommendationThemeFactory,
    SpendingFactory,
    SporFactory,
)
from tests.reports.conftest import TODAY
from tracks.models import Initiative, Milestone, StatusUpdate

URL = "/dashboard/"


class _Tables(HTMLParser):
    """Every table of a page as {caption: [[cell, …], …]}, header cells included."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows = None
        self._row = None
        self._cell = None
        self._caption = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._cell = []
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = " ".join("".join(self._cell).split())
            self._cell = None
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def table(html: str, caption_start: str) -> list[list[str]]:
    for caption, rows in tables(html).items():
        if caption.startswith(caption_start):
            return rows
    raise AssertionError(f"no table '{caption_start}' in {list(tables(html))}")


def text(html: str) -> str:
    """The words of `html` as one line, as a reader sees them."""
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([.,:;)])", r"\1", words)


def section(html: str, section_id: str) -> str:
    match = re.search(
        rf'<section class="dashboard-section" id="{section_id}".*?</section>', html, re.S
    )
    assert match, section_id
    return match.group(0)


@pytest.fixture
def page(client, bfu, dashboard_data):
    client.force_login(bfu)

    def get(**params):
        response = client.get(URL, params)
        assert response.status_code == 200
        return response.content.decode()

    return get


# --- access ------------------------------------------------------------------------------------


def test_it_is_reachable_by_its_name():
    assert reverse("reports:dashboard") == URL


@pytest.mark.parametrize(
    "persona",
    ["chef", "bfu", "owner", "leader", "support", "visitation", "admin"],
)
def test_it_lets_every_role_read(client, all_personas, persona, plan):
    client.force_login(all_personas[persona])

    response = client.get(URL)

    assert response.status_code == 200
    assert "Overblik over omstillingsplanen" in response.content.decode()


def test_it_sends_anonymous_visitors_to_log_in(client, plan):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_a_user_without_a_role(client, no_role, plan):
    client.force_login(no_role)

    assert client.get(URL).status_code == 403


def test_it_is_the_landing_page_of_bfu_members(client, bfu, plan):
    response = client.post(reverse("login"), {"username": "bfu", "password": "pw"}, follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert response.status_code == 200


def test_it_leaves_the_chefgruppe_on_the_plan_but_in_the_menu(client, chef, plan):
    client.force_login(chef)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("tracks:overview")
    assert f'href="{URL}" class="nav-link"><span>Overblik</span>' in response.content.decode()


def test_it_links_the_pool_only_for_roles_that_read_investments(client, support, bfu, plan):
    client.force_login(support)
    assert reverse("investments:pool") not in section(
        client.get(URL).content.decode(), "investeringer"
    )
    client.force_login(bfu)
    assert reverse("investments:pool") in section(client.get(URL).content.decode(), "investeringer")


def test_it_says_so_when_no_plan_is_loaded(client, bfu):
    client.force_login(bfu)

    assert client.get(URL).status_code == 404


# --- the numbers, against the hand-computed ones in conftest.py ---------------------------------


def test_it_counts_initiatives_per_spor_and_state(page):
    rows = table(page(), "Tiltag pr. spor fordelt på arbejdsstatus")

    assert rows == [
        [
            "Spor",
            "Ikke startet",
            "I gang",
            "Afsluttet",
            "Sat på pause",
            "Opgivet",
            "Ingen status",
            "I alt",
            "Fremdrift",
        ],
        ["Spor 1: Det gode dagtilbud for alle børn", "0", "2", "1", "1", "0", "1", "5", "45 %"],
        ["Spor 2: Det gode skoletilbud", "1", "2", "0", "0", "1", "0", "4", "50 %"],
        ["Alle spor", "1", "4", "1", "1", "1", "1", "9", "47 %"],
    ]


def test_it_shows_the_key_figures(page):
    html = page()
    figures = text(re.search(r'<ul class="key-figures.*?</ul>', html, re.S).group(0))

    assert "Tiltag 9 4 i gang, 1 afsluttet" in figures
    assert "Fremdrift 47 %" in figures
    assert "Forsinkede milepæle 4 af 12 milepæle" in figures
    assert "Godkendt af puljen 6.500.000 kr. af 50.000.000 kr.; 43.500.000 kr. er fri" in figures


def test_it_shows_each_spors_progress_and_the_rule(page):
    html = section(page(), "spor")

    assert table(html, "Fremdrift pr. spor")[1:] == [
        ["Spor 1", "45 %", "4 / 5"],
        ["Spor 2", "50 %", "3 / 4"],
    ]
    assert "Sporets fremdrift er gennemsnittet af fremdriften" in html
    assert 'value="45"' in html and "45\u00a0%" in html
    assert "(4 af 5 tiltag tæller med)" in text(html)
    assert "(3 af 4 tiltag tæller med)" in text(html)


def test_it_lists_net_status_changes_of_the_last_90_days_per_spor(page, dashboard_data):
    i = dashboard_data["initiatives"]
    html = section(page(), "spor")
    cards = re.findall(r'<article class="spor-card".*?</article>', html, re.S)

    def changed(card):
        return re.findall(r'<li>\s*<a href="/plan/tiltag/(\d+)/">', card)

    assert "Ændret status siden 26. august 2026" in cards[0]
    # A1 (latest 1 Oct) before A3 (15 Sep); A2, A5 (progress only) and A4 are not listed.
    assert changed(cards[0]) == [str(i["A1"].pk), str(i["A3"].pk)]
    # B4 (health changed 20 Nov) before B1 (first status 1 Sep); B3 went back to what it was.
    assert changed(cards[1]) == [str(i["B4"].pk), str(i["B1"].pk)]
    assert "Ændret 1. oktober 2026. Før: i gang, grøn – på sporet." in text(cards[0])
    assert "Ændret 15. september 2026. Før: ingen status." in text(cards[0])


def test_it_counts_milestones_per_quarter_with_today_marked(page):
    html = page()
    rows = table(html, "Milepæle pr. planlagt kvartal")
    counts = {row[0]: row[1:] for row in rows[1:]}

    # The timeline runs from the plan's first quarter to the milestone planned after its end.
    assert rows[1][0] == "2. kvartal 2024"
    assert rows[-2][0] == "1. kvartal 2028"
    assert len(rows) == 1 + 16 + 1
    assert counts["2. kvartal 2024"] == ["1", "0", "0", "1"]
    assert counts["1. kvartal 2025"] == ["1", "0", "1", "2"]
    assert counts["2. kvartal 2025"] == ["0", "0", "0", "0"]
    assert counts["1. kvartal 2026"] == ["0", "0", "1", "1"]
    assert counts["2. kvartal 2026"] == ["1", "0", "0", "1"]
    assert counts["3. kvartal 2026"] == ["1", "0", "1", "2"]
    assert counts["4. kvartal 2026 (i dag)"] == ["0", "2", "1", "3"]
    assert counts["2. kvartal 2027"] == ["0", "1", "0", "1"]
    assert counts["1. kvartal 2028"] == ["0", "1", "0", "1"]
    assert counts["I alt"] == ["4", "4", "4", "12"]
    assert "I dag, 24. november 2026" in html
    assert "I dag er 24. november 2026 i 4. kvartal 2026." in html


def test_it_lists_overdue_milestones_with_initiative_and_owner(page, owner, other_owner):
    rows = table(page(), "Forsinkede milepæle med tiltag og ejer")

    assert rows[1:] == [
        ["Milepæl M2", "Fælles kompetenceforløb Spor 1", str(owner), "31. marts 2025", "603 dage"],
        [
            "Milepæl M11 Skole A (demo)",
            "Læringsmiljøer Spor 2",
            "Ingen ejer",
            "31. marts 2026",
            "238 dage",
        ],
        [
            "Milepæl M6",
            "Lederudvikling Spor 2",
            "Arbejdsgruppe for overgange",
            "30. september 2026",
            "55 dage",
        ],
        [
            "Milepæl M3",
            "Særskilt forløb for dagplejen Spor 1",
            str(other_owner),
            "1. november 2026",
            "23 dage",
        ],
    ]


def test_it_traces_recommendations_and_flags_those_no_initiative_carries(page, dashboard_data):
    i = dashboard_data["initiatives"]
    html = section(page(), "anbefalinger")
    chunks = html.split('<li class="recommendation')[1:]
    items = {re.search(r'id="anbefaling-(\d+)"', chunk).group(1): chunk for chunk in chunks}

    assert "2 af 4 anbefalinger udmøntes af mindst ét tiltag i planen." in text(html)
    assert "2 anbefalinger udmøntes ikke af noget tiltag" in html
    for number in ("2", "4"):
        assert "Ingen tiltag udmønter anbefalingen" in items[number]
    for number in ("1", "3"):
        assert "Ingen tiltag udmønter anbefalingen" not in items[number]
    assert (
        f"/plan/tiltag/{i['A1'].pk}/" in items["1"] and f"/plan/tiltag/{i['B1'].pk}/" in items["1"]
    )
    assert "Afsluttet" in items["1"] and "Ikke startet" in items["1"]
    assert f"/plan/tiltag/{i['B4'].pk}/" in items["3"] and "Gul – i risiko" in items["3"]


def test_it_shows_approved_and_spent_per_school_and_against_the_pool(page):
    html = page()

    assert table(html, "Godkendt og forbrugt pr. udviklingsskole")[1:] == [
        ["Skole A (udvikling)", "2", "3.500.000 kr.", "1.750.000,75 kr."],
        ["Skole B (udvikling)", "2", "3.000.000 kr.", "0 kr."],
        ["Skole C (udvikling)", "0", "0 kr.", "0 kr."],
        ["Alle udviklingsskoler", "4", "6.500.000 kr.", "1.750.000,75 kr."],
    ]
    assert table(html, "Puljen: bevilget")[1:] == [
        ["Bevilget", "50.000.000 kr."],
        ["Godkendt", "6.500.000 kr."],
        ["Forbrugt", "1.750.000,75 kr."],
        ["Godkendt, ikke forbrugt", "4.749.999,25 kr."],
        ["Fri i puljen", "43.500.000 kr."],
    ]


def test_it_renders_the_charts_with_their_text_alternatives(page):
    html = page()

    assert html.count('role="img"') == 5
    assert html.count("Vis som tabel") == 5
    assert (
        "Spor 1: Det gode dagtilbud for alle børn (5 tiltag): 2 i gang, 1 afsluttet, "
        "1 sat på pause, 1 ingen status." in html
    )
    assert "Skole A (udvikling) (3,5 mio. kr. godkendt): 1.750.000,75 kr. forbrugt" in html
    assert "4. kvartal 2026: 2 planlagt, 1 forsinket" in html
    assert "Spor 2 (50\u00a0% · 3 af 4 tiltag): 50\u00a0% fremdrift, 50\u00a0% mangler." in html


def test_it_handles_a_plan_without_content(client, bfu, plan, spor):
    client.force_login(bfu)

    html = client.get(URL).content.decode()

    assert "Ingen tiltag" in html
    assert "Ingen milepæle." in html
    assert "Der er endnu ingen udviklingsskoler." in html
    assert "Puljen og udviklingsskolerne" in html and "Planen har ingen pulje" in html
    assert "Ingen anbefalinger at vise." in html


# --- filters ----------------------------------------------------------------------------------


def test_the_spor_filter_narrows_every_section(page, dashboard_data, owner):
    html = page(spor=dashboard_data["spor_1"].pk)

    assert [row[0] for row in table(html, "Tiltag pr. spor")[1:]] == [
        "Spor 1: Det gode dagtilbud for alle børn"
    ]
    assert len(re.findall(r'<article class="spor-card"', html)) == 1
    milestones = {r[0]: r[1:] for r in table(html, "Milepæle pr. planlagt kvartal")[1:]}
    # M1, M10 done; M4, M5, M12 planned; M2, M3 overdue
    assert milestones["I alt"] == ["2", "3", "2", "7"]
    assert [r[0] for r in table(html, "Forsinkede milepæle")[1:]] == ["Milepæl M2", "Milepæl M3"]
    recommendations = section(html, "anbefalinger")
    assert 'id="anbefaling-1"' in recommendations  # carried by A1 in spor 1
    assert 'id="anbefaling-3"' not in recommendations  # carried only by B4 in spor 2
    assert 'id="anbefaling-2"' in recommendations  # flagged whatever the filter
    assert "1 anbefaling udmøntes kun af tiltag uden for filtrene og vises ikke." in text(
        recommendations
    )
    assert "Puljen vises for hele planen" in section(html, "investeringer")
    assert "Viser: spor 1: Det gode dagtilbud for alle børn" in text(html)


def test_the_area_filter_narrows_every_section(page, dashboard_data):
    html = page(area=dashboard_data["dagtilbud"].pk)

    assert table(html, "Tiltag pr. spor")[1:3] == [
        ["Spor 1: Det gode dagtilbud for alle børn", "0", "2", "1", "0", "0", "1", "4", "57 %"],
        ["Spor 2: Det gode skoletilbud", "0", "1", "0", "0", "0", "0", "1", "70 %"],
    ]
    milestones = {r[0]: r[1:] for r in table(html, "Milepæle pr. planlagt kvartal")[1:]}
    # Dagtilbud: A1 (M1 done, M2 overdue), A2 (M3 overdue, M4 planned), A4 (M10 done),
    # A5 (M12 planned), B3 (M11 overdue).
    assert milestones["I alt"] == ["2", "2", "3", "7"]
    assert [r[0] for r in table(html, "Forsinkede milepæle")[1:]] == [
        "Milepæl M2",
        "Milepæl M11 Skole A (demo)",
        "Milepæl M3",
    ]
    spor_cards = re.findall(r'<article class="spor-card".*?</article>', html, re.S)
    assert "Fælles kompetenceforløb" in spor_cards[0]
    assert "Diplommoduler" not in spor_cards[0]  # A3 changed, but belongs to Skole
    assert "Ingen tiltag har skiftet status i perioden." in spor_cards[1]
    recommendations = section(html, "anbefalinger")
    assert 'id="anbefaling-1"' in recommendations
    assert f"/plan/tiltag/{dashboard_data['initiatives']['B1'].pk}/" not in recommendations
    assert 'id="anbefaling-3"' not in recommendations
    assert "Viser: tiltag med ledende område Dagtilbud" in text(html)


def test_the_filters_combine(page, dashboard_data):
    html = page(spor=dashboard_data["spor_2"].pk, area=dashboard_data["skole"].pk)

    assert table(html, "Tiltag pr. spor")[1:] == [
        ["Spor 2: Det gode skoletilbud", "1", "1", "0", "0", "1", "0", "3", "40 %"],
    ]
    assert [r[0] for r in table(html, "Forsinkede milepæle")[1:]] == ["Milepæl M6"]


def test_a_bad_filter_value_is_reported_and_the_rest_still_applies(page, dashboard_data):
    html = page(spor="999999", area=dashboard_data["skole"].pk)

    assert "Marker en gyldig valgmulighed." in html
    assert [r[0] for r in table(html, "Tiltag pr. spor")[1:-1]] == [
        "Spor 1: Det gode dagtilbud for alle børn",
        "Spor 2: Det gode skoletilbud",
    ]
    assert table(html, "Tiltag pr. spor")[-1][-2] == "4"  # A3, B1, B2, B4


# --- htmx ---------------------------------------------------------------------------------------


def test_the_filter_form_works_with_and_without_javascript(page):
    html = page()
    form = re.search(r'<form method="get" action="/dashboard/"[^>]*>', html).group(0)

    assert 'hx-get="/dashboard/"' in form
    assert 'hx-target="#dashboard-body"' in form
    assert 'hx-push-url="true"' in form
    assert '<a href="/dashboard/">Nulstil filtre</a>' in html


def test_htmx_gets_only_the_body(client, bfu, dashboard_data):
    client.force_login(bfu)

    response = client.get(
        URL,
        {"spor": dashboard_data["spor_2"].pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="dashboard-body",
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-body"')
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert [row[0] for row in table(html, "Tiltag pr. spor")[1:]] == [
        "Spor 2: Det gode skoletilbud"
    ]
    assert "HX-Request" in response["Vary"]


def test_a_full_page_load_of_a_filtered_url_has_the_form_filled_in(page, dashboard_data):
    html = page(spor=dashboard_data["spor_2"].pk)

    assert f'<option value="{dashboard_data["spor_2"].pk}" selected>' in html


# --- "since when" -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changes_are_counted_from_90_days_back_until_there_is_a_report():
    assert changes_since(today=dt.date(2026, 11, 24)) == dt.date(2026, 8, 26)


# --- query bound --------------------------------------------------------------------------------

# The dashboard with an empty cache, whatever the number of initiatives, milestones, updates
# and investments:
#   1. session  2. user  3. plan
#   the sections (reports.dashboard.build): 4. the date of the last quarterly report to BFU
#   5. spor with state counts and progress sums  6. their lead areas  7. status changes counted
#   per spor  8. the newest three per spor  9. milestones counted per quarter  10. the ten
#   longest overdue  11. recommendations with their counts  12. the first tiltag carrying each
#   13–16. the pool (investments.selectors.pool_summary)
#   17–18. choices of the spor and area filters
#   the verdict (reports.verdict.plan_verdict): 19. tiltag counted by kind  20–23. the first
#   red, yellow, ownerless and stale tiltag  24–25. the longest overdue milestones and their
#   count  26–27. the decisions waiting and their count
#   28–38. the KPI page the verdict judges (reports.kpis.page.kpi_page)
#   39. the unread notifications in the header  40. the milestones re-planned this quarter
DASHBOARD_QUERIES = 40
# A filter adds the lookups that validate it: 41. spor  42. area; the htmx body has no verdict.
DASHBOARD_FILTERED_QUERIES = 42
# Once cached: session, user, the plan viewed (the page header's too: one lookup a request,
# omstilling.access.request_current_plan), and the unread notifications in the header. The
# verdict, the filter form with its choices and the sections are rendered fragments in the
# cache (reports/dashboard/views.py).
DASHBOARD_CACHED_QUERIES = 4


def _grow_tenfold(plan, by):
    """Ten times Vejle: 5 spor, 310 initiatives with 3 status updates each, 750 milestones,
    180 recommendations, 20 udviklingsskoler with 100 investments and 200 spendings."""
    spor_list = [SporFactory(plan=plan, number=10 + n) for n in range(5)]
    areas = [AreaFactory() for _ in range(6)]
    body = GovernanceBodyFactory()
    initiatives = [
        InitiativeFactory(
            plan=plan,
            spor=spor_list[n % 5],
            lead_area=areas[n % 6],
            owner=by if n % 2 else None,
            owner_body=body if n % 3 == 0 else None,
        )
        for n in range(310)
    ]
    states = ["ikke_startet", "i_gang", "afsluttet", "pause", "opgivet"]
    updates = [
        StatusUpdate(
            initiative=initiative,
            version=version,
            state=states[(n + version) % 5],
            health="groen",
            progress=(n * 7 + version) % 101,
            author=by,
            created_at=TODAY - dt.timedelta(days=40 * (3 - version) + n % 30),
        )
        for n, initiative in enumerate(initiatives)
        for version in (1, 2, 3)
    ]
    StatusUpdate.objects.bulk_create(updates)
    latest = {u.initiative_id: u for u in updates if u.version == 3}
    for initiative in initiatives:
        initiative.current_status = latest[initiative.pk]
        initiative.version = 3
    Initiative.objects.bulk_update(initiatives, ["current_status", "version"])
    quarters = [dt.date(2024 + q // 4, 3 * (q % 4) + 1, 1) for q in range(15)]
    Milestone.objects.bulk_create(
        Milestone(
            initiative=initiatives[n % 310],
            slug=f"vaekst-{n}",
            title=f"Milepæl {n}",
            planned_quarter=quarters[n % 15],
            completed_on=quarters[n % 15] if n % 3 == 0 else None,
        )
        for n in range(750)
    )
    theme = RecommendationThemeFactory(plan=plan)
    for n in range(180):
        recommendation = RecommendationFactory(theme=theme)
        if n % 4:
            recommendation.initiatives.add(initiatives[n], initiatives[n + 100])
    schools = [DevelopmentSchoolFactory(plan=plan) for _ in range(20)]
    for n in range(100):
        investment = InvestmentFactory(
            development_school=schools[n % 20],
            amount=Decimal("100000.00"),
            state="godkendt" if n % 2 else "i_gang",
            created_by=by,
        )
        investment.initiatives.add(initiatives[n])
        SpendingFactory(investment=investment, amount=Decimal("1000.50"), by=by)
        SpendingFactory(investment=investment, amount=Decimal("2000.25"), by=by)
    # bulk_create and bulk_update send no signal: stale like after any bulk load (seed_scale).
    bump_all()


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(
    client, bfu, chef, dashboard_data, django_assert_max_num_queries
):
    client.force_login(bfu)
    filters = {"spor": dashboard_data["spor_1"].pk, "area": dashboard_data["dagtilbud"].pk}
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dashboard-body"}

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        small = client.get(URL)
    with django_assert_max_num_queries(DASHBOARD_CACHED_QUERIES):
        client.get(URL)
    with django_assert_max_num_queries(DASHBOARD_FILTERED_QUERIES):
        client.get(URL, filters, **hx)
    _grow_tenfold(dashboard_data["plan"], chef)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        large = client.get(URL)
    with django_assert_max_num_queries(DASHBOARD_CACHED_QUERIES):
        client.get(URL)
    with django_assert_max_num_queries(DASHBOARD_FILTERED_QUERIES):
        client.get(URL, filters, **hx)

    assert small.context["key_figures"]["initiatives"] == 9
    assert large.context["key_figures"]["initiatives"] == 319
    assert large.context["key_figures"]["milestones"] == 762
    assert len(large.context["investments"]["schools"]) == 23
    assert large.context["investments"]["approved"] == Decimal("16500000.00")
    assert large.context["investments"]["spent"] == Decimal("2050075.75")


def test_it_counts_the_large_data_set_right(client, bfu, chef, dashboard_data):
    """Spot checks that the SQL aggregates match a count in Python on the tenfold data."""
    _grow_tenfold(dashboard_data["plan"], chef)
    client.force_login(bfu)

    with time_machine.travel(TODAY, tick=False):
        response = client.get(URL)

    initiatives = list(Initiative.objects.select_related("current_status"))
    in_progress = sum(
        1 for i in initiatives if i.current_status and i.current_status.state == "i_gang"
    )
    assert response.context["key_figures"]["in_progress"] == in_progress
    today = TODAY.date()
    overdue = [m for m in Milestone.objects.all() if m.is_overdue(today)]
    assert response.context["key_figures"]["overdue"] == len(overdue)
    html = response.content.decode()
    shown = table(html, "Forsinkede milepæle med tiltag og ejer")[1:]
    assert len(shown) == 10  # the longest overdue; the rest behind "Se alle …"
    assert len(overdue) > 10
    assert f"Se alle {len(overdue)} forsinkede milepæle" in html
    assert "/plan/milepaele/?state=forsinket" in html


def test_it_shows_the_kpi_headlines_with_small_counts_suppressed(client, bfu, plan):
    from tests.factories import SpecialOfferCountFactory

    SpecialOfferCountFactory(children_in_special_offers=3)
    client.force_login(bfu)

    html = client.get("/dashboard/").content.decode()

    section = html[html.index('id="noegletal"') :]
    section = section[: section.index("</section>")]
    assert "Børn og unge i specialtilbud" in section
    assert "&lt;5" in section
    assert ">3<" not in section


def test_it_counts_the_milestones_replanned_this_quarter_with_a_link(client, chef, initiative):
    from tests.factories import MilestoneFactory
    from tracks.services import initiative_archive, milestone_replan

    moved = MilestoneFactory(initiative=initiative, planned_quarter=dt.date(2025, 4, 1))
    with time_machine.travel(dt.datetime(2025, 8, 1, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))):
        milestone_replan(
            milestone=moved,
            by=chef,
            to_quarter=dt.date(2025, 10, 1),
            reason="Venter på kurset",
            expected_version=0,
        )
        client.force_login(chef)
        body = client.get(reverse("reports:dashboard")).content.decode()
        assert "1 milepæl er flyttet til et andet kvartal i 3. kvartal 2025." in body
        assert reverse("tracks:replanned_list") + "?kvartal=2025-Q3" in body

        initiative_archive(initiative=initiative, by=chef, expected_version=0)
        body = client.get(reverse("reports:dashboard")).content.decode()
        assert "0 milepæle er flyttet til et andet kvartal i 3. kvartal 2025." in body
