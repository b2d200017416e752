"""A 390-px phone (issue 11, part 7): no main action needs sideways scrolling.

The header menu is DKFDS's collapsed mobile menu (and every link without JavaScript); the lists
are cards with their status, progress and action in view; the Nøgletal charts fit and show the
newest periods; long words in a title break with a hyphen. Each test looks at the page as a user
of the role would, asserts what must be in view, and saves a screenshot in test-artifacts/ for
people to look at.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in
from tests.browser.conftest import ARTIFACTS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# What sticks out of the viewport sideways, and which boxes scroll sideways inside the page.
_SIDEWAYS_JS = """
(selector) => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase()
    + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const outside = [...document.querySelectorAll(selector)].filter(visible).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.left < -1 || r.right > width + 1;
  }).map(describe);
  const scrolling = [...document.querySelectorAll("main *")].filter(visible).filter((el) => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
  }).map((el) => describe(el) + (el.querySelector("table") ? " (a data table)" : ""));
  return {
    pageWidth: document.documentElement.scrollWidth, width, outside, scrolling,
  };
}
"""


_NO_ANIMATION_JS = "() => document.getAnimations().every((a) => a.playState !== 'running')"


def _sideways(page, selector: str = "main *") -> dict:
    return page.evaluate(_SIDEWAYS_JS, selector)


def _assert_fits(page, selector: str = "main *", *, data_tables_may_scroll: bool = False) -> None:
    """No sideways scrolling of the page, nothing of `selector` outside the viewport, and no box
    in the page that scrolls sideways (a wide data table may, with `data_tables_may_scroll`:
    WCAG 1.4.10 excepts it, but not a list whose action or status would scroll away)."""
    result = _sideways(page, selector)
    assert result["pageWidth"] <= result["width"], result
    assert not result["outside"], result
    scrolling = [
        box
        for box in result["scrolling"]
        if not (data_tables_may_scroll and box.endswith("(a data table)"))
    ]
    assert not scrolling, result


def _in_view_sideways(locator) -> None:
    """The element is shown and lies within the viewport's width (scrolling down may be needed,
    scrolling sideways not)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = locator.page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


def _phone(open_page, role: str):
    return open_page(role, **PHONE)


@pytest.fixture
def view_shot(request):
    """Save what is in the viewport now (a phone's screen, not the whole page), named after the
    test: view_shot(page, "step")."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, step: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{step}.png"))

    return _shot


# --- the header menu --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leder", "chefgruppe", "bfu"])
def test_the_menu_is_dkfds_collapsed_mobile_menu_on_a_phone(
    role, open_page, portal_module, view_shot
):
    page = _phone(open_page, role)
    page.goto(f"{portal_module.url}/plan/")
    button = page.locator(".js-menu-open")
    header = page.locator("header.header")

    # Collapsed: one "Menu" button, no menu links, and the header takes a small part of the
    # screen (it took half of it before).
    expect(button).to_be_visible()
    expect(page.locator(".navigation-menu .nav-link").first).to_be_hidden()
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_have_count(0)
    assert header.bounding_box()["height"] < 0.2 * PHONE["height"]
    _assert_fits(page, "header *")
    _assert_fits(page)  # the plan's tables of tiltag are cards too
    view_shot(page, "closed")

    # Opened with the keyboard: a dialog named "Menu" with the main menu and the user's links;
    # focus moves into it and stays there; Escape closes it and focus returns to the button.
    button.focus()
    page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog", name="Menu")
    expect(drawer).to_be_visible()
    page.wait_for_function(_NO_ANIMATION_JS)  # it slides in (DKFDS: 0.3 s)
    expect(page.locator(":focus")).to_have_class("function-link button-menu-close js-menu-close")
    nav = drawer.get_by_role("navigation", name="Hovedmenu")
    links = nav.get_by_role("link")
    assert links.count() >= 5
    for i in range(links.count()):
        _in_view_sideways(links.nth(i))
    expect(drawer.get_by_role("button", name="Log af")).to_be_visible()
    expect(nav.locator("[aria-current='page']")).to_have_text("Planen")
    view_shot(page, "open")
    for _ in range(links.count() + 4):  # round the drawer and back into it
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.mobile-drawer')")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(page.locator(":focus")).to_have_class(
        "function-link button-menu-open js-menu-open ml-auto d-print-none"
    )

    # A link in the drawer leads on (and the drawer is closed on the next page).
    button.click()
    nav.get_by_role("link", name="Nøgletal").click()
    expect(page).to_have_url(f"{portal_module.url}/noegletal/")
    expect(page.get_by_role("dialog", name="Menu")).to_be_hidden()


def test_the_desktop_keeps_its_menu_bar_and_no_menu_button(open_page, portal_module):
    page = open_page("chefgruppe", **DESKTOP)
    page.goto(f"{portal_module.url}/plan/tiltag/")

    expect(page.locator(".js-menu-open")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hovedmenu")
    expect(nav).to_have_count(1)
    expect(nav.get_by_role("link", name="Tiltag")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="Log af")).to_be_visible()


def test_without_javascript_every_menu_link_is_in_the_header(browser, portal_module, view_shot):
    context = browser.new_context(locale="da-DK", java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, portal_module.url, "leder")
        page.goto(f"{portal_module.url}/plan/")

        expect(page.locator(".js-menu-open")).to_be_hidden()  # it could not open anything
        nav = page.get_by_role("navigation", name="Hovedmenu")
        expect(nav).to_have_count(1)
        drawer_links = page.locator(".navigation-menu-mobile .nav-link").count()
        links = nav.get_by_role("link")
        assert links.count() == drawer_links >= 5
        for i in range(links.count()):
            _in_view_sideways(links.nth(i))
        _in_view_sideways(page.locator(".portal-user").get_by_role("button", name="Log af"))
        _assert_fits(page, "header *")
        view_shot(page, "no-js")
    finally:
        context.close()


# --- lists as cards -------------------------------------------------------------------------


def test_my_milestones_are_cards_with_the_action_in_view(open_page, portal_module, view_shot):
    page = _phone(open_page, "leder")
    page.goto(f"{portal_module.url}/plan/milepaele/mine/")
    rows = page.locator(".milestones-table tbody tr")
    assert rows.count() >= 2
    _assert_fits(page)
    for i in range(rows.count()):
        row = rows.nth(i)
        _in_view_sideways(row.locator("td").first.locator("strong"))  # the milestone's title
        _in_view_sideways(row.locator("td[data-title='Tiltag'] a"))
        quarter = row.locator("td[data-title='Frist'] .text-muted")
        _in_view_sideways(quarter)
        expect(quarter).to_contain_text("kvartal")
        _in_view_sideways(row.locator("td[data-title='Status'] .badge"))
    view_shot(page, "cards")  # the first cards, below the page's introduction

    # The row swap works in a card: the form, then the row marked as reached, then undone
    # (the module's other tests find the milestone as it was).
    row = rows.filter(has=page.get_by_role("link", name="Markér som nået")).first
    row_id = row.get_attribute("id")
    action = row.get_by_role("link", name="Markér som nået")
    _in_view_sideways(action)
    action.click()
    date_input = page.locator(f"#{row_id} #id_completed_on")
    expect(date_input).to_be_visible()
    _in_view_sideways(date_input)
    _in_view_sideways(page.locator(f"#{row_id} button[type=submit]"))
    _assert_fits(page)
    page.locator(f"#{row_id}").scroll_into_view_if_needed()
    view_shot(page, "form")
    date_input.fill(dt.date.today().isoformat())
    page.locator(f"#{row_id} button[type=submit]").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("Milepælen er markeret som nået.")
    _in_view_sideways(page.locator(f"#{row_id} td[data-title='Status'] .badge"))
    undo = page.locator(f"#{row_id}").get_by_role("button", name="Fortryd")
    _in_view_sideways(undo)
    _assert_fits(page)
    page.locator(f"#{row_id}").scroll_into_view_if_needed()
    view_shot(page, "reached")
    undo.click()
    expect(page.locator(f"#{row_id}")).to_contain_text("Afslutningen er fortrudt.")
    _in_view_sideways(page.locator(f"#{row_id}").get_by_role("link", name="Markér som nået"))


@pytest.mark.parametrize("role", ["chefgruppe", "bfu", "leder"])
def test_the_tiltag_list_shows_status_health_and_progress_in_each_card(
    role, open_page, portal_module, view_shot
):
    page = _phone(open_page, role)
    page.goto(f"{portal_module.url}/plan/tiltag/")
    rows = page.locator("#results tbody tr")
    assert rows.count() >= 10
    _assert_fits(page)
    for i in range(rows.count()):
        row = rows.nth(i)
        _in_view_sideways(row.locator("td a").first)  # the title, a link to the tiltag
        status = row.locator("td[data-title='Status']")
        _in_view_sideways(status)
        health = status.locator(".health")
        if health.count():  # health in words and a symbol, never colour alone
            expect(health).to_have_text(re.compile(r"^(Grøn|Gul|Rød) – \w"))
            _in_view_sideways(health.locator(".health-symbol"))
        _in_view_sideways(row.locator("td[data-title='Fremdrift'] > *").first)
    # The title, status and progress come first in each card, above spor, area and owner.
    first = rows.first
    tops = [
        first.locator(f"td{cell}").bounding_box()["y"]
        for cell in ["[data-title='']", "[data-title='Status']", "[data-title='Fremdrift']"]
    ]
    assert tops == sorted(tops)
    assert tops[-1] < first.locator("td[data-title='Spor']").bounding_box()["y"]
    first.scroll_into_view_if_needed()
    view_shot(page, "cards")


@pytest.mark.parametrize(
    ("role", "path", "table"),
    [
        ("chefgruppe", "/investeringer/", ".investment-table"),
        ("bfu", "/investeringer/", ".investment-table"),
        ("bfu", "/investeringer/alle/", ".investment-table"),
        ("leder", "/stoettesystem/forloeb/", ".forloeb-table"),
        ("chefgruppe", "/rapporter/", ".archive-table"),
        ("bfu", "/rapporter/", ".archive-table"),
        ("visitation", "/visitation/", ".table--responsive-headers"),
    ],
    ids=[
        "investeringer-chefgruppe",
        "investeringer-bfu",
        "investeringer-alle-bfu",
        "forloeb-leder",
        "arkiv-chefgruppe",
        "arkiv-bfu",
        "visitation",
    ],
)
def test_the_other_lists_are_cards_too(role, path, table, open_page, portal_module, view_shot):
    if table == ".archive-table":
        _a_failed_report()  # a row with state, reason and action ("Prøv igen")
    page = _phone(open_page, role)
    page.goto(portal_module.url + path)
    rows = page.locator(f"{table} tbody tr")
    assert rows.count() >= 1
    _assert_fits(page)
    for i in range(min(rows.count(), 20)):
        for cell in rows.nth(i).locator("td, th").all():
            if cell.is_visible():
                _in_view_sideways(cell)
    for badge in page.locator(f"{table} .badge").all():
        _in_view_sideways(badge)
    if role == "chefgruppe" and table == ".archive-table":
        _in_view_sideways(page.locator(table).get_by_role("button", name="Prøv igen").first)
    rows.first.scroll_into_view_if_needed()
    view_shot(page, "cards")


def _a_failed_report() -> None:
    from reports.models import Report, ReportKind, ReportState

    Report.objects.get_or_create(
        kind=ReportKind.MAANEDSRAPPORT,
        period="2026-01",
        version=1,
        defaults={
            "period_label": "januar 2026",
            "period_start": dt.date(2026, 1, 1),
            "state": ReportState.FEJLET,
            "failure_reason": "WeasyPrint kunne ikke skrive filen.",
        },
    )


# --- Nøgletal charts ----------------------------------------------------------------------------


def test_the_noegletal_charts_fit_a_phone_and_show_the_newest_periods(
    open_page, portal_module, view_shot
):
    page = _phone(open_page, "bfu")
    page.goto(f"{portal_module.url}/noegletal/")
    charts = page.locator("figure.kpi-chart")
    assert charts.count() >= 2
    # The data tables with a column per school or quarter may scroll inside their own box; the
    # charts may not.
    _assert_fits(page, "main .kpi-chart *", data_tables_may_scroll=True)
    for i in range(charts.count()):
        chart = charts.nth(i)
        expect(chart.locator(".chart-wide")).to_be_hidden()
        svg = chart.locator(".chart-narrow svg")
        _in_view_sideways(svg)
        labels = svg.locator("g.axis text[text-anchor='middle']").all_text_contents()
        titles = chart.locator(".chart-wide svg title").all_text_contents()
        # At least 3 periods, or all when the chart has fewer values (the school-start chart
        # draws completed school years only: two in the demo data).
        values = [title for title in titles if ": " in title]
        assert len(labels) >= min(3, len(values)), (labels, titles)
        # The phone's chart ends at the newest period the wide one draws a value for.
        assert labels[-1] == _newest_period(titles), (labels, titles)
        section = chart.locator("xpath=ancestor::section")
        expect(section.get_by_text("Vis som tabel")).to_be_visible()
    charts.first.scroll_into_view_if_needed()
    view_shot(page, "chart")

    page.set_viewport_size(DESKTOP)  # a desktop has the wide chart with every period
    expect(charts.first.locator(".chart-wide svg")).to_be_visible()
    expect(charts.first.locator(".chart-narrow")).to_be_hidden()


def _newest_period(titles: list[str]) -> str:
    """The newest period a chart draws a value for: the last marker of its first line
    ("Faktisk antal i alt, K3 2026: 40") or its last column ("K4 2026: <5")."""
    values = [title.rsplit(": ", 1)[0] for title in titles if ": " in title]
    if ", " in values[0]:
        line = values[0].rsplit(", ", 1)[0]
        values = [value for value in values if value.startswith(line + ", ")]
    return values[-1].rsplit(", ", 1)[-1]


# --- long words in headings -------------------------------------------------------------------

# Where each line of the heading ends: the character before each line break.
_LINE_ENDS_JS = """
(el) => {
  const text = el.firstChild;
  const ends = [];
  let top = null;
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const rects = range.getClientRects();  // a character at a break may have two
    const rect = rects[rects.length - 1];
    if (!rect || !rect.width) continue;
    if (top !== null && rect.top > top + 2) ends.push(text.data[i - 1]);
    top = rect.top;
  }
  return ends;
}
"""


@pytest.mark.parametrize("role", ["chefgruppe", "bfu", "leder"])
def test_long_danish_words_in_a_title_break_with_a_hyphen(
    role, open_page, portal_module, view_shot
):
    from tracks.models import Initiative

    initiative = Initiative.objects.filter(title__contains="kompetenceudviklingsforløb").first()
    page = _phone(open_page, role)
    page.goto(f"{portal_module.url}/plan/tiltag/{initiative.pk}/")
    h1 = page.locator("h1")

    expect(page.locator("html")).to_have_attribute("lang", "da")
    _in_view_sideways(h1)
    assert h1.evaluate("el => el.scrollWidth <= el.clientWidth")
    ends = h1.evaluate(_LINE_ENDS_JS)
    assert ends, "the title fits one line: nothing to check"
    # A line ends between words or at a soft hyphen (shown as "-"), never inside a syllable.
    assert set(ends) <= {" ", "\u00ad", "-"}, ends
    assert "\u00ad" in ends
    assert h1.inner_text().replace("\u00ad", "") == initiative.title
    view_shot(page, "title")
