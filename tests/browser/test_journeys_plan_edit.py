"""Chefgruppen runs the plan in the portal, in a real browser: a new tiltag with two
milestones, one re-planned with a reason, and the slippage seen on the tiltag, in its history
and on the dashboard. Screenshots in test-artifacts/."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from omstilling.quarters import Quarter
from tracks.models import Initiative, Milestone, MilestoneEvent

REASON = "Kursusudbyderen kan først starte efter nytår"


def _add_milestone(page, title: str, quarter: str) -> None:
    page.click("text=Tilføj milepæl")
    page.fill("#id_title", title)
    page.select_option("#id_quarter", label=quarter)
    page.click("button:has-text('Tilføj milepæl')")
    expect(page.locator(".alert-success").first).to_contain_text("Milepælen er tilføjet")


def test_chefgruppe_creates_a_tiltag_and_replans_a_milestone(login, portal_module, shot):
    page = login("chefgruppe")
    page.goto(f"{portal_module.url}/plan/")
    page.click("text=Nyt tiltag i spor 1")
    expect(page.locator("h1")).to_have_text("Nyt tiltag i spor 1")
    page.fill("#id_title", "Sprogindsats i overgangen til skole")
    page.fill("#id_description", "Et fælles sprogarbejde mellem børnehave og skole.")
    page.select_option("#id_lead_area", index=1)
    page.select_option("#id_owner", index=1)
    page.select_option("#id_start_quarter", label="1. kvartal 2026")
    page.select_option("#id_end_quarter", label="4. kvartal 2027")
    shot(page, "new-tiltag")
    page.click("button:has-text('Opret tiltag')")

    expect(page.locator("h1")).to_have_text("Sprogindsats i overgangen til skole")
    initiative = Initiative.objects.get(title="Sprogindsats i overgangen til skole")
    assert page.url.endswith(f"/plan/tiltag/{initiative.pk}/")

    _add_milestone(page, "Rammebeskrivelse vedtaget", "2. kvartal 2026")
    _add_milestone(page, "Netværk etableret", "3. kvartal 2026")
    assert Milestone.objects.filter(initiative=initiative).count() == 2

    item = page.locator("li.milestone", has_text="Rammebeskrivelse vedtaget")
    detail_url = page.url
    item.locator("text=Flyt til et andet kvartal").click()
    # htmx swaps the form into the milestone's row; no navigation.
    expect(item.locator("h4")).to_contain_text("Flyt milepæl")
    expect(page.locator(":focus")).to_contain_text("Flyt milepæl")
    assert page.url == detail_url
    item.locator("button:has-text('Flyt milepæl')").click()  # no quarter, no reason
    expect(item.locator("#id_reason-error")).to_contain_text("Skriv en begrundelse.")
    expect(item.locator("#id_quarter-error")).to_contain_text("Vælg et kvartal.")
    shot(page, "replan-errors")
    item.locator("#id_quarter").select_option(label="1. kvartal 2027")
    item.locator("#id_reason").fill(REASON)
    item.locator("button:has-text('Flyt milepæl')").click()

    moved = f"Flyttet fra 2. kvartal 2026 til 1. kvartal 2027: {REASON}"
    item = page.locator("li.milestone", has_text="Rammebeskrivelse vedtaget")
    expect(item).to_contain_text("Milepælen er flyttet.")
    expect(item).to_contain_text(moved)
    assert page.url == detail_url
    page.reload()
    expect(page.locator("li.milestone", has_text="Rammebeskrivelse vedtaget")).to_contain_text(
        moved
    )
    shot(page, "tiltag-with-slippage")
    milestone = Milestone.objects.get(title="Rammebeskrivelse vedtaget")
    assert milestone.original_quarter.isoformat() == "2026-04-01"
    assert MilestoneEvent.objects.filter(milestone=milestone, kind="flyttet").count() == 1

    page.click("text=Historik: alle ændringer af tiltaget")
    expect(page.locator("h1")).to_contain_text("Historik")
    first = page.locator(".history-entry").first
    expect(first).to_contain_text("Planlagt kvartal")
    expect(first).to_contain_text("2. kvartal 2026")
    expect(first).to_contain_text("1. kvartal 2027")
    expect(first).to_contain_text(REASON[:40])
    shot(page, "history")

    page.goto(f"{portal_module.url}/dashboard/")
    quarter = Quarter.of(timezone.localdate()).label
    summary = page.locator(".replanned-summary")
    expect(summary).to_contain_text(re.compile(rf"\d+ milepæle? er flyttet .* i {quarter}"))
    summary.scroll_into_view_if_needed()
    shot(page, "dashboard")
    summary.locator("a").click()
    expect(page.locator("h1")).to_have_text("Flyttede milepæle")
    expect(page.locator("main")).to_contain_text("Rammebeskrivelse vedtaget")
    expect(page.locator("main")).to_contain_text(moved[1:])
    shot(page, "replanned-list")
