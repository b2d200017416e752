"""The dashboard and Nøgletal kept rendered (omstilling.cache.cached_fragment): a write is on the
very next request for every family a fragment is built from, a fragment cached for one role
never shows another what it may not see, the filters are keyed on their cleaned values, and the
pages' HTML and queries stay bounded however much data there is."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from investments.services import investment_create
from omstilling.cache import bump_all
from reports.models import Report, ReportKind, ReportState
from tests.factories import (
    DevelopmentSchoolFactory,
    InitiativeFactory,
    InstitutionFactory,
    InvestmentFactory,
    KpiTargetFactory,
    SpecialOfferCountFactory,
)
from tests.reports.conftest import TODAY
from tests.reports.test_dashboard import DASHBOARD_CACHED_QUERIES
from tracks.models import Initiative, Milestone, StatusUpdate
from visitation.models import Level, SpecialOfferCount

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dashboard-body"}


def _queries(client, url, data=None, **extra) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {}, **extra)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _main(html: str) -> str:
    """The page's main content: the frame around it (CSRF token, header) is the same."""
    return html[html.index("<main") : html.index("</main>")]


# --- the dashboard: a write on the very next request, per family ----------------------------


@pytest.fixture
def dashboard(client, bfu, dashboard_data):
    client.force_login(bfu)

    def get(**filters) -> str:
        return client.get(URL, filters).content.decode()

    return get


def test_a_finished_quarterly_report_moves_the_since_date_at_once(dashboard):
    """The reports family: the sections count changes since the last quarterly report."""
    assert "Ændret status siden 26. august 2026" in dashboard()

    Report.objects.create(
        kind=ReportKind.KVARTALSRAPPORT,
        period="2026-K3",
        period_label="3. kvartal 2026",
        period_start=dt.date(2026, 7, 1),
        state=ReportState.FAERDIG,
        snapshot={},
        pdf="rapporter/2026/k3.pdf",
        sha256="0" * 64,
        finished_at=timezone.make_aware(dt.datetime(2026, 10, 15, 12)),
    )

    html = dashboard()
    assert "Ændret status siden 15. oktober 2026" in html
    assert "Ændret status siden 26. august 2026" not in html


def test_a_renamed_area_is_in_the_sections_at_once(dashboard, dashboard_data):
    """The core family: the spor cards name their lead areas."""
    assert "Ledende område: Dagtilbud" in dashboard()

    area = dashboard_data["dagtilbud"]
    area.name = "Børn og dagtilbud"
    area.save()

    assert "Ledende område: Børn og dagtilbud" in dashboard()


def test_a_counts_import_is_in_the_verdict_at_once(dashboard):
    """The outcomes family: the verdict judges the KPIs."""
    before = dashboard()
    section = before[before.index('id="noegletal"') :]
    assert "Børn og unge i specialtilbud" not in section[: section.index("</section>")]

    SpecialOfferCountFactory(children_in_special_offers=30)

    after = dashboard()
    section = after[after.index('id="noegletal"') :]
    assert "Børn og unge i specialtilbud" in section[: section.index("</section>")]


def test_a_status_update_is_in_a_filtered_body_at_once(client, bfu, dashboard_data, chef):
    """The plan family, through the filters and the htmx partial."""
    from tests.reports.conftest import set_status

    client.force_login(bfu)
    filters = {"spor": dashboard_data["spor_1"].pk}
    assert "1 ikke startet" not in client.get(URL, filters, **HX).content.decode()
    set_status(dashboard_data["initiatives"]["A4"], chef, TODAY.date(), "ikke_startet", "groen", 0)

    body = client.get(URL, filters, **HX).content.decode()

    assert "1 ikke startet" in body


# --- the dashboard: no leak across viewers -----------------------------------------------------


def test_a_role_without_the_pool_gets_no_investment_links_from_a_fragment_cached_for_chef(
    client, chef, visitation, dashboard_data
):
    waiting = investment_create(
        plan=dashboard_data["plan"],
        development_school=dashboard_data["schools"]["Skole C"],
        by=chef,
        title="Ny læringsstrategi",
        amount=Decimal("750000"),
    )
    detail = reverse("investments:investment_detail", args=[waiting.pk])
    pool = reverse("investments:pool")
    client.force_login(chef)
    chef_html = client.get(URL).content.decode()
    assert f'href="{detail}"' in chef_html and f'href="{pool}"' in chef_html

    client.force_login(visitation)
    html = client.get(URL).content.decode()

    assert "Ny læringsstrategi" in html  # the verdict names it, as to every reader
    assert f'href="{detail}"' not in html
    assert f'href="{pool}"' not in _main(html)


# --- the dashboard: filters keyed on their cleaned values --------------------------------------


def test_an_invalid_filter_is_shown_with_its_error_and_never_cached(
    client, bfu, dashboard_data, monkeypatch
):
    from reports.dashboard import views

    rendered = []
    render_body = views._render_body
    monkeypatch.setattr(
        views, "_render_body", lambda *a, **kw: rendered.append(kw) or render_body(*a, **kw)
    )
    client.force_login(bfu)

    first = client.get(URL, {"spor": "999999"}).content.decode()
    again = client.get(URL, {"spor": "999999"}).content.decode()
    assert len(rendered) == 2  # rendered for each request, never from the cache
    plain = client.get(URL).content.decode()
    client.get(URL)
    assert len(rendered) == 3  # a valid one once, then from the cache

    assert "Marker en gyldig valgmulighed." in first and "Marker en gyldig valgmulighed." in again
    assert "Marker en gyldig valgmulighed." not in plain


def test_the_fragments_are_keyed_on_the_cleaned_filters_not_the_query_string(
    client, bfu, dashboard_data
):
    client.force_login(bfu)
    spor = dashboard_data["spor_2"].pk
    filtered, _ = _queries(client, URL, {"spor": spor})

    # Another spelling of the same filters: the same fragments, from the cache.
    same, queries = _queries(client, URL, {"spor": spor, "area": "", "utm_source": "x"})

    assert queries <= DASHBOARD_CACHED_QUERIES + 1  # the spor filter's lookup only
    assert _main(same) == _main(filtered)


def test_htmx_gets_the_same_body_as_the_full_page(client, bfu, dashboard_data):
    client.force_login(bfu)
    filters = {"area": dashboard_data["skole"].pk}
    full = client.get(URL, filters).content.decode()

    body, queries = _queries(client, URL, filters, **HX)

    assert body.lstrip().startswith('<div id="dashboard-body"')
    assert body.strip() in full
    assert queries <= DASHBOARD_CACHED_QUERIES + 1  # the area filter's lookup


# --- the dashboard: HTML bounded ---------------------------------------------------------------


def _grow(plan, spor_list, area, by, n: int, schools: int):
    """Much more of what grows in use: initiatives with status updates, milestones in the plan's
    quarters, udviklingsskoler with investments (not the plan's spor and recommendations)."""
    initiatives = [
        InitiativeFactory(plan=plan, spor=spor_list[k % 2], lead_area=area, owner=by)
        for k in range(n)
    ]
    updates = StatusUpdate.objects.bulk_create(
        StatusUpdate(
            initiative=initiative,
            version=1,
            state=["i_gang", "afsluttet", "pause"][k % 3],
            health=["groen", "gul", "roed"][k % 3],
            progress=k % 101,
            narrative="" if k % 3 == 0 else "Der er en udfordring.",
            author=by,
            created_at=TODAY - dt.timedelta(days=k % 60),
        )
        for k, initiative in enumerate(initiatives)
    )
    for initiative, update in zip(initiatives, updates, strict=True):
        initiative.current_status = update
        initiative.version = 1
    Initiative.objects.bulk_update(initiatives, ["current_status", "version"])
    quarters = [dt.date(2024 + q // 4, 3 * (q % 4) + 1, 1) for q in range(1, 15)]
    Milestone.objects.bulk_create(
        Milestone(
            initiative=initiatives[k % n],
            slug=f"vaekst-{k}",
            title=f"Milepæl {k}",
            planned_quarter=quarters[k % len(quarters)],
            completed_on=quarters[k % len(quarters)] if k % 3 == 0 else None,
        )
        for k in range(2 * n)
    )
    for k in range(schools):
        school = DevelopmentSchoolFactory(plan=plan)
        InvestmentFactory(
            development_school=school,
            amount=Decimal(100000 + 1000 * k),
            state="godkendt",
            created_by=by,
        )
    bump_all()  # bulk writes send no signal


def test_the_dashboard_html_stays_within_1_2_times_with_much_more_data(
    client, bfu, chef, dashboard_data
):
    """From a plan whose lists already fill their bounds (five red and five yellow tiltag, ten
    overdue milestones, three changes a spor, ten udviklingsskoler in the chart) to five times
    that: the page names the same number of things, with larger counts beside them."""
    plan, area = dashboard_data["plan"], dashboard_data["dagtilbud"]
    spor_list = [dashboard_data["spor_1"], dashboard_data["spor_2"]]
    client.force_login(bfu)
    _grow(plan, spor_list, area, chef, n=60, schools=12)
    small = _main(client.get(URL).content.decode())

    _grow(plan, spor_list, area, chef, n=300, schools=30)
    large = _main(client.get(URL).content.decode())

    assert '<span class="key-figure-value">369</span>' in large  # the growth is counted
    assert "Se alle 45 udviklingsskoler i puljen" in large
    assert len(large) <= 1.2 * len(small), (len(small), len(large))


# --- Nøgletal ----------------------------------------------------------------------------------

KPIS = "/noegletal/"
SCHOOLS = "/noegletal/distriktsskoler/"
Q3 = dt.date(2026, 7, 1)


@pytest.fixture
def frozen_kpis():
    with time_machine.travel(TODAY, tick=False):
        yield


def _schools(n: int, start: int = 0) -> None:
    """`n` district schools with counts in K3 2026 (Skole 0 … ), one of them small."""
    schools = InstitutionFactory.create_batch(n)
    for k, school in enumerate(schools, start=start):
        school.name = f"Distriktsskole {k:03d}"
    type(schools[0]).objects.bulk_update(schools, ["name"])
    SpecialOfferCount.objects.bulk_create(
        SpecialOfferCount(
            institution=school,
            quarter=Q3,
            level=Level.SKOLE,
            children_in_special_offers=3 if k == start else 10 + k % 20,
            district_pupils=400 + k,
        )
        for k, school in enumerate(schools, start=start)
    )
    bump_all()


def _rows(html: str, caption: str) -> list[str]:
    start = html.index(caption)
    table = html[start : html.index("</table>", start)]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r'<th scope="row">([^<]+)</th>', body)


def test_the_kpi_page_names_the_ten_largest_schools_and_links_to_all(client, bfu, frozen_kpis):
    _schools(30)
    client.force_login(bfu)

    html = client.get(KPIS).content.decode()

    shown = _rows(html, "pr. distriktsskole (skoleniveau)")
    assert len(shown) == 10
    assert "de 10 af 30 skoler med de største viste tal" in html
    assert f'<a href="{SCHOOLS}">Se alle 30 distriktsskoler</a>' in html
    # The largest shown figures first; the small, hidden count never decides the order.
    assert "Distriktsskole 000" not in shown
    assert shown[0] == "Distriktsskole 019"  # 29 children: the largest


def test_the_schools_page_lists_every_school_50_a_page_with_the_same_cells(
    client, bfu, frozen_kpis
):
    _schools(60)
    client.force_login(bfu)

    first = client.get(SCHOOLS).content.decode()
    second = client.get(SCHOOLS, {"side": 2}).content.decode()

    caption = "pr. distriktsskole (skoleniveau)"
    assert _rows(first, caption) == [f"Distriktsskole {k:03d}" for k in range(50)]
    assert _rows(second, caption) == [f"Distriktsskole {k:03d}" for k in range(50, 60)]
    assert "Viser 51–60 af 60." in second
    # Disclosure control as on the page: the small count is hidden, never written.
    row = first[first.index('<th scope="row">Distriktsskole 000</th>') :]
    row = row[: row.index("</tr>")]
    assert "&lt;5" in row and ">3<" not in row


def test_the_kpi_pages_html_and_queries_stay_bounded(
    client, bfu, frozen_kpis, django_assert_max_num_queries
):
    from tests.reports.test_kpis import KPI_QUERIES

    _schools(60)
    client.force_login(bfu)
    with django_assert_max_num_queries(KPI_QUERIES):
        small = _main(client.get(KPIS).content.decode())
    with django_assert_max_num_queries(KPI_QUERIES):
        small_list = _main(client.get(SCHOOLS).content.decode())
    with django_assert_max_num_queries(4):  # session, user, plan, notifications
        client.get(SCHOOLS)

    _schools(300, start=60)
    with django_assert_max_num_queries(KPI_QUERIES):
        large = _main(client.get(KPIS).content.decode())
    with django_assert_max_num_queries(KPI_QUERIES):
        large_list = _main(client.get(SCHOOLS, {"side": 3}).content.decode())
    with django_assert_max_num_queries(4):
        client.get(SCHOOLS, {"side": 3})

    assert "Se alle 360 distriktsskoler" in large
    assert len(large) <= 1.2 * len(small), (len(small), len(large))
    # A page of 50 schools, whatever their number.
    assert len(_rows(large_list, "pr. distriktsskole (skoleniveau)")) == 50
    assert len(large_list) <= 1.2 * len(small_list), (len(small_list), len(large_list))


def test_a_counts_import_is_on_both_kpi_pages_at_once(client, bfu, frozen_kpis):
    _schools(12)
    client.force_login(bfu)
    assert "Distriktsskole 900" not in client.get(KPIS).content.decode()
    assert "Distriktsskole 900" not in client.get(SCHOOLS).content.decode()

    SpecialOfferCountFactory(
        institution=InstitutionFactory(name="Distriktsskole 900"),
        children_in_special_offers=99,
        district_pupils=500,
    )

    assert "Distriktsskole 900" in client.get(KPIS).content.decode()
    assert "Distriktsskole 900" in client.get(SCHOOLS, {"side": 1}).content.decode()


def test_a_target_is_on_the_kpi_page_at_once(client, bfu, frozen_kpis):
    _schools(12)
    client.force_login(bfu)
    assert "Mål: 77" not in client.get(KPIS).content.decode()

    KpiTargetFactory(quarter=Q3, target=Decimal(77))

    assert "Mål: 77" in client.get(KPIS).content.decode()


def test_bfu_gets_no_chef_links_from_the_kpi_page_cached_for_chef(client, chef, bfu, frozen_kpis):
    _schools(12)
    targets = reverse("visitation:kpi_targets")
    client.force_login(chef)
    assert f'href="{targets}"' in client.get(KPIS).content.decode()

    client.force_login(bfu)
    html = client.get(KPIS).content.decode()

    assert f'href="{targets}"' not in html
    assert "Distriktsskole 005" in html


# --- what a hit costs: the entry fetched from the cache and the frame around it ----------------


@pytest.fixture
def kept(monkeypatch):
    """The HTML each view gets from omstilling.cache.cached_fragment, by fragment name."""
    from reports.dashboard import views as dashboard_views
    from reports.kpis import views as kpi_views

    fragments = {}
    for module in (dashboard_views, kpi_views):

        def spy(request, *, name, original=module.cached_fragment, **kwargs):
            fragments[name] = html = original(request, name=name, **kwargs)
            return html

        monkeypatch.setattr(module, "cached_fragment", spy)
    return fragments


def test_a_hit_without_filters_builds_no_filter_form(client, bfu, dashboard_data, monkeypatch):
    """The form is rendered into the kept entry: a hit needs it only to read filters."""
    from reports.dashboard import views

    built = []

    class CountedForm(views.DashboardFilterForm):
        def __init__(self, *args, **kwargs):
            built.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(views, "DashboardFilterForm", CountedForm)
    client.force_login(bfu)

    first = client.get(URL).content.decode()
    assert len(built) == 1  # a miss renders the form
    again = client.get(URL).content.decode()
    assert len(built) == 1  # a hit builds none
    client.get(URL, {"spor": dashboard_data["spor_1"].pk})
    assert len(built) == 2  # a filter is read through it

    assert 'name="spor"' in again and _main(again) == _main(first)


def test_the_heading_and_its_lead_are_kept_with_the_main_part(client, bfu, dashboard_data, kept):
    """The frame renders for every request: nothing of the plan's is left in it."""
    client.force_login(bfu)
    client.get(URL)

    main = kept["dashboard-main"]
    assert main.lstrip().startswith("<h1>Overblik over omstillingsplanen</h1>")
    assert '<p class="dashboard-lead">Status den 24. november 2026' in main


# The kept HTML of the hand-worked plan (tests/reports/conftest.py), in bytes: the dashboard's
# main part and the Nøgletal figures: 49 601 and 7 549 bytes with the templates' indentation, the
# per-bar attributes nothing reads and a class on every table cell; 43 363 and 6 579 without.
DASHBOARD_MAIN_BYTES = 45_000
KPI_FIGURES_BYTES = 7_000


def test_the_kept_html_holds_no_indentation_and_stays_small(
    client, bfu, dashboard_data, frozen_kpis, kept
):
    client.force_login(bfu)
    client.get(URL)
    client.get(KPIS)

    dashboard, kpis = kept["dashboard-main"], kept["kpi-figures"]
    for html in (dashboard, kpis):
        assert not re.search(r"\n[ \t\n]", html)
    # A figure's alignment comes from the table's class, not from each cell's.
    assert '<td class="numeric">' not in dashboard and "align-text-right" not in kpis
    assert "data-value=" not in dashboard
    assert len(dashboard.encode()) <= DASHBOARD_MAIN_BYTES
    assert len(kpis.encode()) <= KPI_FIGURES_BYTES
