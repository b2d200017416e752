"""The plan journeys of chefgruppen, a leader and a BFU member, in a real browser.

The journeys share one set of demo data (portal_module): what one of them writes (a status
update, a milestone marked and undone) another may see, so each asserts what it changed
relative to what it found, never absolute counts of what the others write.
"""

import re

from playwright.sync_api import expect

from tests.browser.actions import tab_to
from tracks.models import Initiative, Spor, StatusUpdate


def test_chefgruppe_filters_opens_and_updates_status_inline(login, portal_module, shot):
    page = login("chefgruppe")
    page.goto(f"{portal_module.url}/plan/tiltag/")

    page.select_option("#id_spor", label="4. Styrket og koordineret støttesystem")
    expect(page).to_have_url(re.compile(r"spor=\d+"))
    expect(page.locator("#results tbody tr")).to_have_count(
        Initiative.objects.filter(spor__number=4).count()
    )
    shot(page, "filtered")

    page.locator("#results tbody tr a").first.click()
    page.wait_for_load_state()
    detail_url = page.url
    before = StatusUpdate.objects.count()
    page.click("text=Opdatér status")
    expect(page.locator("#id_progress")).to_be_visible()
    assert page.url == detail_url  # the form swapped in; no navigation
    page.check("#id_state_1")
    page.check("#id_health_1")  # gul
    page.fill("#id_progress", "35")
    page.fill("#id_narrative", "Bearbejdningen er forsinket; afklares på næste møde.")
    shot(page, "form")
    page.click("text=Gem status")

    expect(page.locator("#status-panel .alert-success")).to_contain_text("Status er gemt.")
    expect(page.locator(".status-history .status-entry").first).to_contain_text("35 %")
    expect(page.locator(":focus")).to_have_id("status-heading")
    assert page.url == detail_url
    assert StatusUpdate.objects.count() == before + 1
    shot(page, "saved")


def test_a_validation_error_comes_back_into_the_form(login, portal_module):
    page = login("chefgruppe")
    initiative = Initiative.objects.order_by("pk").first()
    page.goto(f"{portal_module.url}/plan/tiltag/{initiative.pk}/")
    page.click("text=Opdatér status")
    page.fill("#id_progress", "120")
    page.click("text=Gem status")

    error = page.locator("#id_progress-error")
    expect(error).to_contain_text("mellem 0 og 100")
    assert "id_progress-error" in page.get_attribute("#id_progress", "aria-describedby")


def test_leader_marks_a_milestone_done(login, portal_module, shot):
    page = login("leder")
    expect(page).to_have_url(re.compile(r"/plan/milepaele/mine/$"))
    expect(page.locator("h1")).to_have_text("Mine milepæle")
    shot(page, "mine")

    row = page.locator("tbody tr", has=page.locator("text=Markér som nået")).first
    row_id = row.get_attribute("id")
    row.locator("text=Markér som nået").click()
    page.fill(f"#{row_id} #id_note", "Holdt på personalemødet.")
    page.locator(f"#{row_id} button[type=submit]").click()

    expect(page.locator(f"#{row_id}")).to_contain_text("Milepælen er markeret som nået.")
    expect(page.locator(f"#{row_id}")).to_contain_text("Fortryd")
    shot(page, "done")

    page.locator(f"#{row_id} button", has_text="Fortryd").click()
    expect(page.locator(f"#{row_id}")).to_contain_text("Afslutningen er fortrudt.")


def test_bfu_reads_but_finds_no_edit_control_and_a_forged_post_is_refused(
    login, portal_module, shot
):
    page = login("bfu")
    initiative = Initiative.objects.order_by("pk").first()
    for path in ["/plan/", "/plan/tiltag/", f"/plan/tiltag/{initiative.pk}/"]:
        page.goto(f"{portal_module.url}{path}")
        assert page.locator("text=Opdatér status").count() == 0
        assert page.locator("text=Markér som nået").count() == 0
    shot(page, "detail")

    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    response = page.request.post(
        f"{portal_module.url}/plan/tiltag/{initiative.pk}/status/",
        form={
            "state": "i_gang",
            "health": "groen",
            "progress": "99",
            "expected_version": str(initiative.version),
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status == 403


def test_keyboard_only_status_update(login, portal_module, shot):
    page = login("chefgruppe")
    initiative = Initiative.objects.order_by("pk").first()
    page.goto(f"{portal_module.url}/plan/tiltag/{initiative.pk}/")

    # Tab to the "Opdatér status" button and press Enter.
    tab_to(page, "Opdatér status")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("status-form-heading")

    # Tab into the first radio group, choose with the arrow keys / Space.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    for _ in range(5):
        if page.evaluate("document.activeElement.id") == "id_progress":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_progress"
    page.keyboard.press("Control+A")
    page.keyboard.type("50")
    page.keyboard.press("Enter")  # submits the form

    expect(page.locator("#status-panel .alert-success")).to_be_visible()
    expect(page.locator(":focus")).to_have_id("status-heading")
    expect(page.locator("#live-region")).not_to_be_empty()
    shot(page, "saved")


def test_bfu_lands_on_the_dashboard_and_opens_a_chart_as_a_table(login, portal_module, shot):
    page = login("bfu")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("h1")).to_have_text("Overblik over omstillingsplanen")
    shot(page, "dashboard")

    chart = page.locator("#chart-spor-status")
    table = chart.locator("table")
    expect(chart.locator("svg[role=img]")).to_be_visible()
    expect(table).to_be_hidden()
    summary = chart.locator("summary")
    expect(summary).to_contain_text("Vis som tabel")
    summary.click()
    expect(table).to_be_visible()
    expect(table.locator("caption")).not_to_be_empty()
    # One row per spor, headed by the spor's name, as in the chart.
    expect(table.locator("tbody tr")).to_have_count(Spor.objects.count())
    expect(table.locator("tbody tr th[scope=row]").first).to_contain_text("Spor 1")
    shot(page, "table")

    # The same with the keyboard: Enter on the summary closes and opens it again.
    summary.focus()
    page.keyboard.press("Enter")
    expect(table).to_be_hidden()
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    # A BFU member finds no edit control on the dashboard either.
    assert page.locator("text=Opdatér status").count() == 0
    assert page.locator("text=Markér som nået").count() == 0


def test_keyboard_only_cancel_brings_focus_back_to_the_status_panel(login, portal_module, shot):
    page = login("chefgruppe")
    initiative = Initiative.objects.order_by("pk").first()
    before = StatusUpdate.objects.count()
    page.goto(f"{portal_module.url}/plan/tiltag/{initiative.pk}/")
    page.locator("#status-panel a", has_text="Opdatér status").focus()
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("status-form-heading")

    # Tab forward through the form to "Annullér" and press Enter: the form goes, nothing is
    # saved, and focus is back on the status panel's heading (not lost at the top of the page).
    tab_to(page, "Annullér", limit=30)
    page.keyboard.press("Enter")

    expect(page.locator("#status-form-heading")).to_have_count(0)
    expect(page.locator(":focus")).to_have_id("status-heading")
    expect(page.locator("#live-region")).not_to_be_empty()
    assert StatusUpdate.objects.count() == before
    shot(page, "cancelled")
