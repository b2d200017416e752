"""WCAG 2.1 AA in a real browser: axe-core on every page of every role and after each htmx
swap, plus what axe cannot check by itself (lang, skip link, visible focus, headings, error
messages tied to their fields, 200 % zoom and 320 px without horizontal scrolling, the footer
link to the accessibility statement).

One live server, one browser and one set of demo data serve the whole module (portal_module);
each demo user logs in once (user_context). Each page is one test that audits it for every role,
so that what is audited does not depend on the order the tests run in; the pages are split into
a few xdist groups that workers take up side by side. The pages audited and their violation
counts are printed at the end of the run and written to test-artifacts/a11y-audit.txt.
"""

import re
import unicodedata
from dataclasses import asdict, replace

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.a11y import (
    AuditEntry,
    axe_once_per_page_violations,
    axe_violations,
    focus_document_start,
    focus_problems,
    format_violations,
    horizontal_overflow,
    open_all_details,
    page_checks,
    set_width,
)
from tests.browser.actions import log_in
from tests.browser.pages import (
    ANONYMOUS,
    BY_KEY,
    NOT_PAGES,
    NOT_PAGES_NAMESPACES,
    PAGES,
    ROLES,
    page_ids,
    url_names,
)
from tests.summaries import gather

DESKTOP = {"width": 1280, "height": 900}
# The page audit's tests are split into this many xdist groups (each worker that takes one up
# loads the demo data once for the module).
PAGE_GROUPS = 3


def _roles(page) -> list[str]:
    """Every role (a page the role may not see is audited as the 403 page it gets); without a
    log-in too for the pages marked anonymous; the log-in page only without a log-in, as a
    logged-in user is sent on from it."""
    roles = [ANONYMOUS] if page.anonymous else []
    return roles + ([] if page.url_name == "login" else ROLES)


def _slug(text: str) -> str:
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture(scope="module")
def ids(portal_module):
    return page_ids()


@pytest.fixture(scope="module")
def role_tab(user_context):
    """One tab per demo user for the page audit, reused from page to page (a new tab per page
    costs more than the audit of a small page)."""
    tabs = {}

    def _tab(role: str):
        if role not in tabs:
            tabs[role] = user_context(None if role == ANONYMOUS else role).new_page()
        tabs[role].set_viewport_size(DESKTOP)
        return tabs[role]

    yield _tab
    for tab in tabs.values():
        tab.close()


@pytest.fixture
def record(request):
    """Gather an audited page for the report at the end of the run (tests/summaries.py)."""

    def _record(entry: AuditEntry) -> None:
        gather(request.config, "a11y-audit", asdict(entry))

    return _record


def audit(
    page, *, role: str, label: str, path: str, status: int | None = None, narrow: bool = True
) -> tuple[AuditEntry, list[str]]:
    """axe-core plus our own checks on the page as it is now, at the desktop width and (with
    `narrow`: once per page) the rules run once per page and axe again at 320 px, where the
    layout differs; the result for the report and the problems found (empty when the page is
    clean)."""
    open_all_details(page)
    violations = axe_violations(page)
    checks = page_checks(page)
    problems = list(checks["problems"])
    if checks["statementUrl"] not in (None, settings.ACCESSIBILITY_STATEMENT_URL):
        problems.append(f"the statement link goes to {checks['statementUrl']}")
    if narrow:
        violations += axe_once_per_page_violations(page)
        set_width(page, 320)
        violations += [
            {**violation, "id": f"{violation['id']}@320px"} for violation in axe_violations(page)
        ]
        set_width(page, DESKTOP["width"], DESKTOP["height"])
    entry = AuditEntry(
        role=role,
        page=label,
        path=path,
        status=status,
        violations=len(violations),
        rules=sorted({violation["id"] for violation in violations}),
        other_problems=len(problems),
    )
    report = []
    if violations:
        report.append(format_violations(violations))
    report.extend(f"- {problem}" for problem in problems)
    return entry, report


def reflow_problems(page, widths=(640, 320)) -> list[str]:
    """No horizontal scrolling of the page at 200 % zoom (640 px) and at 320 px."""
    problems = []
    for width in widths:
        result = horizontal_overflow(page, width)
        if result["scrollWidth"] > width:
            problems.append(
                f"- {result['scrollWidth']} px wide at a {width}-px viewport: "
                + "; ".join(result["culprits"])
            )
    set_width(page, DESKTOP["width"], DESKTOP["height"])
    return problems


def test_every_url_pattern_is_audited_or_is_no_page():
    audited = {page.url_name for page in PAGES if page.url_name}
    missing = [
        name
        for name in url_names()
        if name not in audited
        and name not in NOT_PAGES
        and name.split(":")[0] not in NOT_PAGES_NAMESPACES
    ]
    assert not missing, f"URL patterns neither audited nor listed in NOT_PAGES: {missing}"
    stale = [name for name in [*audited, *NOT_PAGES] if name not in url_names()]
    assert not stale, f"pages.py names URL patterns that no longer exist: {stale}"


@pytest.fixture(scope="module")
def forbidden_page(role_tab):
    """A role's 403 page, audited the first time the role meets it and reused for every other
    page it may not open: the 403 page is the same for each of them (templates/403.html under
    the role's own header), so its audit comes out the same whichever page met it first."""
    audited = {}

    def _audit(role: str, path: str) -> tuple[AuditEntry, list[str]]:
        if role not in audited:
            page = role_tab(role)
            entry, problems = audit(
                page, role=role, label="403", path=path, status=403, narrow=False
            )
            reflow = reflow_problems(page)
            entry.other_problems += len(reflow)
            audited[role] = entry, problems + reflow
        return audited[role]

    return _audit


def _page_param(index: int, page) -> pytest.param:
    return pytest.param(
        page.key,
        id=_slug(page.key),
        marks=pytest.mark.xdist_group(f"a11y-pages-{index % PAGE_GROUPS}"),
    )


@pytest.mark.parametrize("key", [_page_param(index, page) for index, page in enumerate(PAGES)])
def test_page_is_accessible_for_every_role(
    key, role_tab, forbidden_page, portal_module, ids, record
):
    """The page as each role gets it. axe runs again at 320 px for the first role (in the order
    of ROLES) that may open the page: the layout differs by width, hardly by role. The reflow
    check runs for every role (at 640 px too for that first role). Some role must be able to
    open the page: an audit of 403 pages only would prove nothing."""
    path = BY_KEY[key].url(ids)
    expected = {404} if key == "404" else {200, 403}
    problems, opened_by = [], []
    for role in _roles(BY_KEY[key]):
        tab = role_tab(role)
        response = tab.goto(portal_module.url + path)
        status = response.status if response else None
        if status not in expected:
            problems.append(f"{role} {path}: HTTP {status}")
            continue
        if "/log-ind/" in tab.url and key != "log ind":
            problems.append(f"{role} {path}: sent to log in")
            continue
        if status == 403:
            entry, found = forbidden_page(role, path)
            record(replace(entry, page=key, path=path))
            problems += [f"{role} {path} (its 403 page):", *found] if found else []
            continue
        narrow = status == 200 and not opened_by
        entry, found = audit(tab, role=role, label=key, path=path, status=status, narrow=narrow)
        reflow = reflow_problems(tab, (640, 320) if narrow or status != 200 else (320,))
        entry.other_problems += len(reflow)
        record(entry)
        found += reflow
        if role == "bfu" and BY_KEY[key].url_name not in BFU_OWN_ACCOUNT:
            found += _edit_controls(tab)
        problems += [f"{role} {path}:", *found] if found else []
        if status == 200:
            opened_by.append(role)
    assert not problems, "\n".join(problems)
    assert opened_by or key == "404", f"no role could open {path}: only 403 pages were audited"


# A BFU member reads and never writes: no control on any page that would change something.
# (Log af and the language choice in the header and footer change no data; the only thing a
# BFU member may change is its own: its password, and which plan it reads — the plan chooser
# keeps that choice in the session and changes no data — and its own notifications: marking
# them read and choosing how they are e-mailed.)
BFU_OWN_ACCOUNT = {
    "password_change",
    "plan_list",
    "notifications:list",
    "notifications:preferences",
}
_EDIT_CONTROLS_JS = """
() => Array.from(document.querySelectorAll(
  "main form[method=post i], main [hx-post], main [hx-put], main [hx-patch], main [hx-delete]"
)).map((el) => el.outerHTML.slice(0, 160))
"""


def _edit_controls(page) -> list[str]:
    return [f"an edit control for BFU: {html}" for html in page.evaluate(_EDIT_CONTROLS_JS)]


# --- After each htmx swap --------------------------------------------------------------------


def _clean(page, role: str, label: str, record) -> None:
    """Audit the page as it is after a swap; fail with the problems found."""
    path = page.url.split("//", 1)[-1].split("/", 1)[-1]
    entry, problems = audit(page, role=role, label=label, path="/" + path, status=200)
    reflow = reflow_problems(page)
    entry.other_problems += len(reflow)
    record(entry)
    problems += reflow
    assert not problems, f"{role}, {label}:\n" + "\n".join(problems)


def test_status_update_swaps(open_page, portal_module, ids, record):
    page = open_page("chefgruppe", **DESKTOP)
    page.goto(f"{portal_module.url}/plan/tiltag/{ids['initiative']}/")

    page.click("text=Opdatér status")
    expect(page.locator(":focus")).to_have_id("status-form-heading")
    _clean(page, "chefgruppe", "htmx: statusformular åbnet", record)

    page.fill("#id_progress", "120")
    page.click("text=Gem status")
    expect(page.locator("#id_progress-error")).to_be_visible()
    assert "id_progress-error" in page.get_attribute("#id_progress", "aria-describedby")
    assert page.get_attribute("#id_progress", "aria-invalid") == "true"
    _clean(page, "chefgruppe", "htmx: statusformular med fejl", record)

    page.fill("#id_progress", "40")
    page.click("text=Gem status")
    expect(page.locator("#status-panel .alert-success")).to_be_visible()
    expect(page.locator(":focus")).to_have_id("status-heading")
    _clean(page, "chefgruppe", "htmx: status gemt", record)


def test_milestone_row_swaps(open_page, portal_module, record):
    page = open_page("leder", **DESKTOP)
    page.goto(f"{portal_module.url}/plan/milepaele/mine/")
    row = page.locator("tbody tr", has=page.locator("text=Markér som nået")).first
    row_id = row.get_attribute("id")
    row.locator("text=Markér som nået").click()
    expect(page.locator(f"#{row_id} #id_completed_on")).to_be_visible()
    expect(page.locator(":focus")).to_have_attribute("data-focus-after-swap", "")
    _clean(page, "leder", "htmx: milepæl, formular i rækken", record)

    page.fill(f"#{row_id} #id_completed_on", "")
    page.locator(f"#{row_id} button[type=submit]").click()
    expect(page.locator(f"#{row_id} #id_completed_on-error")).to_be_visible()
    _clean(page, "leder", "htmx: milepæl, formular med fejl", record)

    page.fill(f"#{row_id} #id_completed_on", page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.locator(f"#{row_id} button[type=submit]").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("Milepælen er markeret som nået.")
    _clean(page, "leder", "htmx: milepæl markeret som nået", record)

    page.locator(f"#{row_id} button", has_text="Fortryd").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("Afslutningen er fortrudt.")
    _clean(page, "leder", "htmx: milepæl fortrudt", record)


def test_comment_thread_swaps(open_page, portal_module, ids, record):
    page = open_page("initiativejer", **DESKTOP)
    page.goto(f"{portal_module.url}/droeftelse/tiltag/{ids['comment_initiative']}/")

    page.locator("#id_text").press_sequentially("Spørg @led")
    expect(page.locator(".mention-suggestions")).to_contain_text("@leder")
    _clean(page, "initiativejer", "htmx: drøftelse, forslag til @omtale", record)

    page.fill("#id_text", "")
    page.click("text=Gem kommentar")
    expect(page.locator("#id_text-error")).to_be_visible()
    assert "id_text-error" in page.get_attribute("#id_text", "aria-describedby")
    _clean(page, "initiativejer", "htmx: drøftelse, kommentar med fejl", record)

    page.fill("#id_text", "@leder kan du tage det med på næste møde?")
    page.click("text=Gem kommentar")
    expect(page.locator("#thread")).to_contain_text("kan du tage det med på næste møde?")
    expect(page.locator(":focus")).to_have_id("thread-heading")
    _clean(page, "initiativejer", "htmx: drøftelse, kommentar gemt", record)


def test_dashboard_filter_swap(open_page, portal_module, record):
    page = open_page("bfu", **DESKTOP)
    page.goto(f"{portal_module.url}/dashboard/")
    page.select_option("#id_spor", index=2)
    expect(page).to_have_url(re.compile(r"spor=\d+"))
    expect(page.locator(".dashboard-scope")).to_contain_text("spor 2")
    _clean(page, "bfu", "htmx: overblik filtreret", record)


def test_initiative_list_filter_swap(open_page, portal_module, record):
    page = open_page("chefgruppe", **DESKTOP)
    page.goto(f"{portal_module.url}/plan/tiltag/")
    before = page.locator("#results tbody tr").count()
    page.select_option("#id_spor", index=1)
    expect(page).to_have_url(re.compile(r"spor=\d+"))
    expect(page.locator("#results tbody tr")).not_to_have_count(before)
    _clean(page, "chefgruppe", "htmx: tiltag filtreret", record)


def test_directory_filter_swap(open_page, portal_module, record):
    page = open_page("stoettesystem", **DESKTOP)
    page.goto(f"{portal_module.url}/stoettesystem/hvem-kan-hjaelpe/")
    page.fill("#id_q", "sprog")
    expect(page).to_have_url(re.compile(r"q=sprog"))
    _clean(page, "stoettesystem", "htmx: hvem kan hjælpe filtreret", record)


def test_forloeb_step_swaps(open_page, portal_module, ids, record):
    page = open_page("stoettesystem", **DESKTOP)
    page.goto(f"{portal_module.url}/stoettesystem/forloeb/{ids['forloeb']}/")
    page.fill("#id_note", "cpr 010203-1234")  # refused: no CPR numbers in notes
    page.click("text=Gem skridt")
    expect(page.locator("#id_note-error")).to_be_visible()
    _clean(page, "stoettesystem", "htmx: forløb, skridt med fejl", record)

    page.fill("#id_note", "Aftalt på mødet.")
    page.click("text=Gem skridt")
    expect(page.locator("#forloeb-panel .alert-success")).to_be_visible()
    _clean(page, "stoettesystem", "htmx: forløb, skridt gemt", record)


def test_milestone_replan_swaps(open_page, portal_module, ids, record):
    """The re-plan form swapped into a milestone's row, with its errors, and the row saved."""
    page = open_page("initiativejer", **DESKTOP)
    page.goto(f"{portal_module.url}/plan/tiltag/{ids['initiative']}/")
    row = page.locator(f"#milestone-{ids['owned_milestone']}")
    row.locator("a", has_text="Flyt til et andet kvartal").click()
    expect(row.locator("form")).to_be_visible()
    row.locator("button[type=submit]").click()
    expect(row.locator("#id_reason-error")).to_be_visible()
    _clean(page, "initiativejer", "htmx: milepæl, flyt med fejl", record)

    from omstilling.quarters import Quarter
    from tracks.models import Milestone

    milestone = Milestone.objects.select_related("initiative__plan").get(pk=ids["owned_milestone"])
    tiltag = milestone.initiative
    last = tiltag.end_quarter or tiltag.plan.end_quarter
    target = last if last != milestone.planned_quarter else tiltag.start_quarter
    row.locator("#id_quarter").select_option(Quarter.of(target).code)
    row.locator("#id_reason").fill("Afventer arbejdsgruppen.")
    row.locator("button[type=submit]").click()
    expect(row).to_contain_text("Milepælen er flyttet.")
    _clean(page, "initiativejer", "htmx: milepæl flyttet", record)


def test_investment_panel_swaps(open_page, portal_module, ids, record):
    page = open_page("chefgruppe", **DESKTOP)
    page.goto(f"{portal_module.url}/investeringer/{ids['investment']}/")
    for button, panel in [
        ("Registrér næste trin", "#decision-panel"),
        ("Registrér forbrug", "#spending-panel"),
    ]:
        link = page.locator(f"a:has-text('{button}')")
        if link.count() == 0:
            continue  # the investment's state offers no such step
        link.click()
        expect(page.locator(f"{panel} form")).to_be_visible()
        _clean(page, "chefgruppe", f"htmx: investering, {button.lower()}", record)
        page.locator(f"{panel} a:has-text('Annullér')").click()
        expect(page.locator(f"{panel} form")).to_have_count(0)


# --- Forms: errors on full pages -------------------------------------------------------------

FORMS = [
    (ANONYMOUS, "/log-ind/"),
    ("bfu", "/adgangskode/"),
    ("chefgruppe", "/investeringer/ny/"),
    ("chefgruppe", "/plan/spor/ny/"),
    ("chefgruppe", "/investeringer/skoler/ny/"),
    ("chefgruppe", "/visitation/bestand/"),
    ("stoettesystem", "/stoettesystem/forloeb/nyt/"),
    ("visitation", "/visitation/foer-henvisninger/ny/"),
    ("visitation", "/visitation/henvisninger/ny/"),
]


@pytest.mark.parametrize(("role", "path"), FORMS, ids=[f"{r}-{_slug(p)}" for r, p in FORMS])
def test_form_errors_are_shown_on_their_fields(role, path, open_page, portal_module, record):
    """Sent empty, each form comes back with its errors tied to the fields (aria-describedby,
    aria-invalid) and no accessibility violation."""
    page = open_page(None if role == ANONYMOUS else role, **DESKTOP)
    page.goto(portal_module.url + path)
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    errors = page.locator(".form-error-message, main .alert-error")
    expect(errors.first).to_be_visible()
    for error_id in page.eval_on_selector_all(".form-error-message", "els => els.map(e => e.id)"):
        field = page.locator(f"[aria-describedby~='{error_id}']")
        expect(field).to_have_count(1)
        tag = field.evaluate("el => el.tagName")
        if tag != "FIELDSET":
            expect(field).to_have_attribute("aria-invalid", "true")
    _clean(page, role, f"fejl: {path}", record)


# --- Keyboard: skip link and visible focus ---------------------------------------------------

KEYBOARD_PAGES = [
    (ANONYMOUS, "/log-ind/"),
    ("chefgruppe", "/plan/tiltag/"),
    ("chefgruppe", "status-form"),
    ("bfu", "/dashboard/"),
    ("leder", "/plan/milepaele/mine/"),
    ("stoettesystem", "forloeb"),
    ("visitation", "/visitation/henvisninger/ny/"),
]


def _keyboard_path(path: str, ids: dict) -> str:
    return {
        "status-form": f"/plan/tiltag/{ids['initiative']}/status/",
        "forloeb": f"/stoettesystem/forloeb/{ids['forloeb']}/",
    }.get(path, path)


@pytest.mark.parametrize(
    ("role", "path"), KEYBOARD_PAGES, ids=[f"{r}-{_slug(p)}" for r, p in KEYBOARD_PAGES]
)
def test_skip_link_moves_focus_to_main(role, path, open_page, portal_module, ids):
    page = open_page(None if role == ANONYMOUS else role, **DESKTOP)
    page.goto(portal_module.url + _keyboard_path(path, ids))
    focus_document_start(page)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Gå til sidens indhold")
    page.wait_for_timeout(400)  # it slides into view (DKFDS: a 0.2 s transition)
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, f"skip link not in view: {box}"
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main-content")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


@pytest.mark.parametrize(
    ("role", "path"), KEYBOARD_PAGES, ids=[f"{r}-{_slug(p)}" for r, p in KEYBOARD_PAGES]
)
def test_focus_is_visible_on_every_control(role, path, open_page, portal_module, ids, shot):
    """Tab through the page: every link, button, input, select and summary that receives
    focus looks different from its unfocused self (outline or box shadow)."""
    page = open_page(None if role == ANONYMOUS else role, **DESKTOP)
    page.goto(portal_module.url + _keyboard_path(path, ids))
    open_all_details(page)
    visited, problems = focus_problems(page)
    assert visited >= 5, f"only {visited} elements took focus"
    assert not problems, "\n".join(problems)


# --- Zoom and narrow screens: screenshots for people to look at ------------------------------

SCREENSHOTS = [
    ("bfu", "/dashboard/"),
    ("chefgruppe", "/plan/tiltag/"),
    ("leder", "/plan/milepaele/mine/"),
    ("chefgruppe", "status-form"),
    ("bfu", "/noegletal/"),
]


@pytest.mark.parametrize(
    ("role", "path"), SCREENSHOTS, ids=[f"{r}-{_slug(p)}" for r, p in SCREENSHOTS]
)
def test_screenshots_at_320_px_and_200_percent_zoom(
    role, path, open_page, portal_module, ids, shot
):
    page = open_page(role, **DESKTOP)
    page.goto(portal_module.url + _keyboard_path(path, ids))
    # 200 % zoom of a 1280-px window: 640 CSS px at device scale 2; reflow at 320 px.
    for width, name in [(640, "zoom200"), (320, "320px")]:
        result = horizontal_overflow(page, width)
        assert result["scrollWidth"] <= width, result
        shot(page, name)


# --- Error pages that no link leads to -------------------------------------------------------


def _error_page_html(page, portal_module, kind: str) -> tuple[int, str]:
    url = portal_module.url
    if kind == "400":  # a host name the portal does not serve
        response = page.request.get(f"{url}/", headers={"Host": "ukendt.invalid"})
    elif kind == "403_csrf":  # a form sent without its CSRF token
        response = page.request.post(f"{url}/log-ind/", form={"username": "x", "password": "y"})
    elif kind == "429":  # log-in throttling (django-axes), for a user name of its own
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            page.goto(f"{url}/log-ind/")
            page.fill("#id_username", "a11y-spaerret")
            page.fill("#id_password", "forkert")
            with page.expect_response(lambda r: r.request.method == "POST") as answer:
                page.click("main button[type=submit]")
        page.wait_for_load_state()
        return answer.value.status, page.content()
    else:
        raise ValueError(kind)
    return response.status, response.text()


@pytest.mark.parametrize("kind", ["400", "403_csrf", "429"])
def test_error_page_is_accessible(kind, open_page, portal_module, record):
    page = open_page(None, **DESKTOP)
    status, html = _error_page_html(page, portal_module, kind)
    assert status == int(kind[:3]), status
    page.goto(f"{portal_module.url}/findes-ikke/")  # the portal's origin, for its static files
    page.set_content(html)
    entry, problems = audit(
        page, role=ANONYMOUS, label=f"fejlside {kind}", path=kind, status=status
    )
    reflow = reflow_problems(page)
    entry.other_problems += len(reflow)
    record(entry)
    problems += reflow
    assert not problems, "\n".join(problems)


def test_server_error_page_is_accessible(open_page, portal_module, record):
    """500.html stands alone (no template tags, no style sheets): it must work when
    nothing else does."""
    page = open_page(None, **DESKTOP)
    page.goto(f"{portal_module.url}/findes-ikke/")
    page.set_content((settings.BASE_DIR / "templates" / "500.html").read_text(encoding="utf-8"))
    violations = axe_violations(page)
    record(AuditEntry(ANONYMOUS, "fejlside 500", "500", 500, len(violations)))
    assert page.evaluate("document.documentElement.lang") == "da"
    assert not violations, format_violations(violations)
    assert not reflow_problems(page)


def test_django_admin_has_no_axe_violations(open_page, portal_module, record):
    """/admin/ is Django's own site (its templates, its skip link, no portal footer): axe only,
    for the administrator's two main pages."""
    page = open_page("admin", **DESKTOP)
    for path in ["/admin/", "/admin/omstilling/user/"]:
        response = page.goto(portal_module.url + path)
        assert response.status == 200
        violations = axe_violations(page)
        record(AuditEntry("admin", "django-admin", path, 200, len(violations)))
        assert not violations, f"{path}:\n{format_violations(violations)}"


# --- The portal in English ----------------------------------------------------------------------


def test_the_portal_in_english_is_chosen_with_the_keyboard_and_is_accessible(
    browser, portal_module, shot, record
):
    """The footer's language button, pressed with the keyboard, turns the page (and the next
    ones) English: lang="en", no axe violation; and back to Danish the same way. A context of
    its own, so that no other test's pages turn English."""
    context = browser.new_context(locale="en-GB")  # the browser's own language changes nothing
    try:
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        page.goto(f"{portal_module.url}/log-ind/")
        assert page.evaluate("document.documentElement.lang") == "da"
        log_in(page, portal_module.url, "bfu")
        expect(page).to_have_url(re.compile(r"/dashboard/$"))

        button = page.locator("footer button[name=language]")
        expect(button).to_have_text("English")
        expect(button).to_have_attribute("lang", "en")
        button.focus()
        page.keyboard.press("Enter")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page).to_have_url(re.compile(r"/dashboard/$"))  # back on the same page
        expect(page.locator("h1")).to_have_text("Overview of the transition plan")
        open_all_details(page)
        violations = axe_violations(page)
        record(AuditEntry("bfu", "overblik på engelsk", "/dashboard/", 200, len(violations)))
        assert not violations, format_violations(violations)
        shot(page, "dashboard-en")

        page.goto(f"{portal_module.url}/plan/")  # the choice holds on the next page
        expect(page.locator("html")).to_have_attribute("lang", "en")
        button = page.locator("footer button[name=language]")
        expect(button).to_have_text("Dansk")
        button.focus()
        page.keyboard.press("Space")
        expect(page.locator("html")).to_have_attribute("lang", "da")
        expect(page.locator("footer button[name=language]")).to_have_text("English")
    finally:
        context.close()
