"""The Nøgletal page and its export: every role sees it, small numbers never."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from omstilling.models import Institution
from reports.kpis.page import kpi_page
from tests.factories import (
    InstitutionFactory,
    KpiTargetFactory,
    ReferralFactory,
    SpecialOfferCountFactory,
)
from visitation.models import DecisionKind, KpiIndicator, Level, Referral, SpecialOfferType
from visitation.services import referral_record

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))
Q2, Q3 = dt.date(2026, 4, 1), dt.date(2026, 7, 1)
PERSONAS = ["chef", "bfu", "owner", "leader", "support", "visitation", "admin_user"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def figures(school, other_school, visitation):
    """Skole A 14 and 12, Skole B 3 and 4 (small), a daycare 6 and 2 (small)."""
    daycare = InstitutionFactory(name="Børnehave A (demo)", kind=Institution.Kind.DAGTILBUD)
    for quarter, a, b, d in ((Q2, 14, 3, 6), (Q3, 12, 4, 2)):
        SpecialOfferCountFactory(
            institution=school, quarter=quarter, children_in_special_offers=a, district_pupils=600
        )
        SpecialOfferCountFactory(
            institution=other_school,
            quarter=quarter,
            children_in_special_offers=b,
            district_pupils=200,
        )
        SpecialOfferCountFactory(
            institution=daycare,
            quarter=quarter,
            level=Level.DAGTILBUD,
            children_in_special_offers=d,
        )
    KpiTargetFactory(quarter=Q2, target=None, baseline=Decimal(25))
    KpiTargetFactory(quarter=Q3, target=Decimal(20))
    KpiTargetFactory(indicator=KpiIndicator.REFERRALS, quarter=Q3, target=Decimal(6))
    for n in range(3):  # three referrals in K3 2026: a count to hide
        referral_record(
            by=visitation,
            case_number=f"K-{n}",
            institution=school,
            age_group="skole_1_3",
            received_on=dt.date(2026, 8, 3 + n),
        )


def _cells(content: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", content, re.S)
    ]


def _row(content: str, label: str) -> list[str]:
    """The texts of the cells of the first table row headed `label`."""
    start = content.index(f'<th scope="row">{label}</th>')
    row = content[start : content.index("</tr>", start)]
    return _cells(row)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_sees_the_kpis(client, request, persona, figures):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("kpis:overview"))

    assert response.status_code == 200
    assert "Børn og unge i specialtilbud" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("kpis:overview"))

    assert response.status_code == 302


def test_bfu_sees_less_than_5_and_never_a_small_number(client, bfu, figures):
    client.force_login(bfu)

    content = client.get(reverse("kpis:overview")).content.decode()

    assert "&lt;5" in content
    cells = _cells(content)
    assert cells
    for cell in cells:
        if re.fullmatch(r"[\d.]+", cell):
            assert not 1 <= int(cell.replace(".", "")) <= 4, cell
    # Skole B's 3 and 4 are hidden. In K2 2026 the total of the two schools (17) is shown, so
    # Skole A's 14 is hidden too: else Skole B would be 17 less 14.
    assert _row(content, "Skole B (demo)") == ["&lt;5", "&lt;5"]
    assert _row(content, "Skole A (demo)")[0] == "x"
    assert "14" not in cells


def test_the_totals_and_targets_are_shown_per_quarter(client, bfu, figures):
    client.force_login(bfu)

    content = client.get(reverse("kpis:overview")).content.decode()

    # Kvartal | Dagtilbud | Skole | I alt | Mål | Baseline (the first table with these rows).
    # K3 2026: the daycare count is 2, so the school count is hidden too (18 is shown).
    assert _row(content, "K2 2026") == ["6", "17", "23", "–", "25"]
    assert _row(content, "K3 2026") == ["&lt;5", "x", "18", "20", "25"]
    assert "Mål: 20" in content and "Baseline: 25" in content


def test_the_charts_have_text_alternatives_and_a_table(client, bfu, figures):
    client.force_login(bfu)

    content = client.get(reverse("kpis:overview")).content.decode()

    svgs = re.findall(r"<svg [^>]*role=\"img\"[^>]*>", content)
    assert len(svgs) >= 2
    assert content.count("<title id=") == len(svgs)
    assert content.count("<desc id=") == len(svgs)
    for svg in svgs:
        chart = re.search(r'aria-labelledby="([\w-]+)-title"', svg).group(1)
        assert f'aria-describedby="{chart}-desc"' in svg
    assert "Vis som tabel" in content
    assert "fra 23 i K2 2026 til 18 i K3 2026" in content
    # SVG coordinates are written with a decimal point, whatever the language.
    assert re.search(r'points="[\d.]+,[\d.]+ ', content)


def test_a_hidden_count_is_written_in_the_chart_but_never_drawn(client, bfu, figures):
    client.force_login(bfu)

    content = client.get(reverse("kpis:overview")).content.decode()

    # Three referrals in K3 2026: the column chart shows "<5" at the axis and draws no column.
    svg = re.search(r'<svg [^>]*aria-labelledby="henvisninger-graf-title".*?</svg>', content, re.S)
    column = re.search(r"<g>\s*<title>K3 2026: &lt;5</title>(.*?)</g>", svg.group(0), re.S)
    assert column and "<rect" not in column.group(1)
    assert "&lt;5</text>" in column.group(1)
    assert "Henvisninger: ingen tal, der kan vises." in svg.group(0)


def test_the_export_is_suppressed_like_the_page(client, bfu, figures):
    client.force_login(bfu)

    response = client.get(reverse("kpis:export", args=["csv"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Afsnit", "Tabel", "Række", "Kolonne", "Værdi", "Enhed"]
    values = [row[4] for row in rows[1:] if row[5] == "antal"]
    assert "<5" in values and "x" in values
    assert not any(v in {"1", "2", "3", "4"} for v in values)
    school_b = [row for row in rows if row[2] == "Skole B (demo)" and row[3] == "K3 2026"]
    assert school_b and school_b[0][4] == "<5"


def test_the_xlsx_export_has_numbers_as_numbers(client, chef, figures):
    client.force_login(chef)

    response = client.get(reverse("kpis:export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ("Segregeringsgrad", 2, "procent") in {
        (r[3], r[4], r[5]) for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert 23 in values and "<5" in values
    small = [
        row
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[5] == "antal" and row[4] in (1, 2, 3, 4)
    ]
    assert not small, small


def test_the_page_links_to_targets_and_import_for_the_roles_that_may(client, chef, bfu, figures):
    client.force_login(chef)
    chef_page = client.get(reverse("kpis:overview")).content.decode()
    client.force_login(bfu)
    bfu_page = client.get(reverse("kpis:overview")).content.decode()

    assert reverse("visitation:kpi_targets") in chef_page
    assert reverse("visitation:counts") in chef_page
    assert reverse("visitation:kpi_targets") not in bfu_page
    assert reverse("visitation:counts") not in bfu_page


@pytest.mark.parametrize(
    "url",
    [
        ("visitation:workspace", []),
        ("visitation:pre_referral_create", []),
        ("visitation:referral_create", []),
        ("visitation:referral_detail", ["pk"]),
        ("visitation:counts", []),
        ("visitation:kpi_targets", []),
    ],
)
def test_bfu_cannot_reach_any_child_level_page(client, bfu, figures, url):
    name, args = url
    referral = Referral.objects.first()
    client.force_login(bfu)

    response = client.get(reverse(name, args=[referral.pk] if args else []))

    assert response.status_code in (403, 404)


def test_the_menu_shows_the_kpis_to_bfu_and_not_the_visitation(client, bfu):
    client.force_login(bfu)

    content = client.get(reverse("kpis:overview")).content.decode()

    assert f'href="{reverse("kpis:overview")}"' in content
    assert f'href="{reverse("visitation:workspace")}"' not in content


# Queries: session, user, the plan (menu), counts per quarter and level, counts per school,
# targets, frozen months, live referrals, live før-henvisninger, live school starts,
# open forløb, stages, median days; the unread notifications in the header.
KPI_QUERIES = 15


def test_the_page_runs_a_bounded_number_of_queries(
    client, bfu, figures, django_assert_max_num_queries, visitation
):
    client.force_login(bfu)
    with django_assert_max_num_queries(KPI_QUERIES):
        client.get(reverse("kpis:overview"))

    for n in range(6):
        school = InstitutionFactory(name=f"Ekstra skole {n} (demo)")
        SpecialOfferCountFactory(institution=school, quarter=Q3, children_in_special_offers=7 + n)
        referral_record(
            by=visitation,
            case_number=f"EKSTRA-{n}",
            institution=school,
            age_group="skole_0",
            received_on=dt.date(2026, 5, 4 + n),
        )
    with django_assert_max_num_queries(KPI_QUERIES):
        client.get(reverse("kpis:overview"))


def _referral_chart(content: str) -> str:
    svg = re.search(r'<svg [^>]*aria-labelledby="henvisninger-graf-title".*?</svg>', content, re.S)
    return svg.group(0)


def test_the_quarter_under_way_is_marked_and_not_drawn(client, bfu, school, visitation):
    """Referrals so far in the quarter under way would be drawn as a fall: the chart ends at
    the newest completed quarter (as the headline does), and the table marks the quarter's
    row as under way. Once the quarter is over, it is an ordinary quarter."""
    received = [dt.date(2026, 8, d) for d in range(3, 10)] + [dt.date(2026, 10, 5)] * 6
    for n, day in enumerate(received):  # 7 in K3 2026, 6 so far in K4 2026
        referral_record(
            by=visitation,
            case_number=f"K-{n}",
            institution=school,
            age_group="skole_1_3",
            received_on=day,
        )
    client.force_login(bfu)

    content = client.get(reverse("kpis:overview")).content.decode()

    chart = _referral_chart(content)
    assert "<title>K3 2026: 7</title>" in chart and "K4 2026" not in chart
    assert _row(content, "K4 2026 (i gang)")[2] == "6"  # in all, so far
    assert '<th scope="row">K4 2026</th>' not in content

    with time_machine.travel(dt.datetime(2027, 1, 4, 10, tzinfo=ZoneInfo("Europe/Copenhagen"))):
        client.force_login(bfu)  # a new session: the first one has run out by January
        content = client.get(reverse("kpis:overview")).content.decode()

    assert "<title>K4 2026: 6</title>" in _referral_chart(content)
    assert _row(content, "K4 2026")[2] == "6"
    assert "K4 2026 (i gang)" not in content


def test_the_school_year_under_way_is_marked_and_not_drawn(school):
    """As the quarter under way: a school year's count so far is in the table under its own
    label, and the chart shows the completed school years only."""
    daycare = InstitutionFactory(name="Børnehave A (demo)", kind=Institution.Kind.DAGTILBUD)
    decided = [dt.date(2026, 3, 2 + n) for n in range(6)] + [dt.date(2026, 10, 5)] * 5
    for day in decided:  # 6 in 2025/26, 5 so far in 2026/27 (NOW is 24 November 2026)
        ReferralFactory(
            institution=daycare,
            received_on=day - dt.timedelta(days=30),
            decided_on=day,
            decision=DecisionKind.SPECIAL_OFFER,
            special_offer_type=SpecialOfferType.SPECIALSKOLE,
            school_start_direct=True,
        )

    def section(today: dt.date):
        page = kpi_page(today=today)
        return next(s for s in page.sections if s.slug == "skolestart")

    now = section(NOW.date())
    assert [row.label for row in now.tables[0].rows] == ["2025/26", "2026/27 (i gang)"]
    assert [column.title for column in now.chart.columns] == ["2025/26: 6"]

    later = section(dt.date(2027, 8, 2))  # 2026/27 is over
    assert [row.label for row in later.tables[0].rows] == ["2025/26", "2026/27"]
    assert [column.title for column in later.chart.columns] == ["2025/26: 6", "2026/27: 5"]
