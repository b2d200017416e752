"""One update round played in a real browser (issue 13): chefgruppen opens a round, the owner
updates a tiltag (a draft), chefgruppen sends it back with a comment, the owner corrects it,
chefgruppen approves and closes the round — and BFU never sees the draft."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from omstilling.quarters import Quarter
from reports.models import Report
from rounds.models import UpdateRound
from rounds.selectors import add_working_days
from tracks.models import Initiative, StatusUpdate

DRAFT = "Kladde fra runden: rekrutteringen er forsinket."
CORRECTED = "Rettet efter chefgruppens kommentar: ny plan for rekrutteringen er lagt."


def _bfu_sees(page, url: str) -> str:
    page.goto(url)
    return page.locator("main").inner_text()


def test_a_round_with_a_draft_sent_back_corrected_approved_and_closed(portal, login, shot):
    base = portal.url
    today = timezone.localdate()
    owner_tiltag = Initiative.objects.filter(owner__username="initiativejer").order_by("pk")[1]
    tiltag_url = f"{base}/plan/tiltag/{owner_tiltag.pk}/"

    # Chefgruppen closes the demo's round and opens one for the next quarter.
    chef = login("chefgruppe")
    chef.goto(f"{base}/runder/")
    chef.click("text=Gå til den åbne runde")
    chef.click("text=Luk runden og udarbejd kvartalsrapporten")
    expect(chef.locator(".alert-success")).to_contain_text("Runden er lukket")
    chef.goto(f"{base}/runder/ny/")
    next_quarter = Quarter.of(today).next()
    chef.select_option("#id_quarter", value=next_quarter.code)
    chef.fill("#id_deadline", add_working_days(today, 5).isoformat())
    shot(chef, "1-open-form")
    chef.click("text=Åbn runden")
    expect(chef.locator("h1")).to_contain_text(next_quarter.label)
    round_ = UpdateRound.objects.get(closed_at__isnull=True)
    expect(chef.locator(f"#item-{owner_tiltag.pk}")).to_contain_text("Mangler")
    shot(chef, "2-overview-opened")

    # The owner is notified, finds the tiltag in Mine opgaver and writes an update: a draft.
    owner = login("initiativejer")
    owner.goto(f"{base}/notifikationer/")
    expect(owner.locator(".notification").first).to_contain_text("opdateringsrunde er åbnet")
    owner.goto(f"{base}/opgaver/")
    row = owner.locator("tr", has=owner.locator(f"text={owner_tiltag.title}"))
    row.locator("text=Opdatér status").click()
    owner.check("#id_state_1")
    owner.check("#id_health_1")  # gul
    owner.fill("#id_progress", "30")
    owner.fill("#id_narrative", DRAFT)
    owner.click("text=Gem status")
    expect(owner.locator(".alert-success")).to_contain_text("afventer chefgruppens godkendelse")
    expect(owner.locator(".status-entry-draft").first).to_contain_text(DRAFT)
    shot(owner, "3-owner-draft")
    draft = StatusUpdate.objects.get(narrative=DRAFT)

    # BFU does not see it.
    bfu = login("bfu")
    assert DRAFT not in _bfu_sees(bfu, tiltag_url)
    assert DRAFT not in _bfu_sees(bfu, f"{base}/dashboard/")
    shot(bfu, "4-bfu-dashboard-without-draft")

    # Chefgruppen sees it waiting and sends it back with a comment.
    chef.goto(f"{base}/runder/{round_.pk}/")
    expect(chef.locator(f"#item-{owner_tiltag.pk}")).to_contain_text("Afventer godkendelse")
    chef.goto(f"{base}/plan/godkendelser/")
    card = chef.locator(f"#draft-{draft.pk}")
    card.locator("text=Send tilbage til forfatteren").click()
    card.locator("textarea").fill("Beskriv, hvornår rekrutteringen er på plads.")
    card.locator("text=Gem afgørelse").click()
    expect(chef.locator(f"#draft-{draft.pk}")).to_contain_text("sendt tilbage til forfatteren")
    shot(chef, "5-sent-back")

    # The owner is notified and corrects it.
    owner.goto(f"{base}/notifikationer/")
    expect(owner.locator(".notification").first).to_contain_text("sendt tilbage")
    # The header's count (the mobile menu holds the same link, hidden at this width).
    expect(owner.locator(".notification-count .badge").first).to_be_visible()
    owner.goto(tiltag_url)
    expect(owner.locator(".status-history")).to_contain_text("Sendt tilbage af")
    owner.goto(f"{base}/plan/tiltag/{owner_tiltag.pk}/status/")
    owner.check("#id_state_1")
    owner.check("#id_health_1")
    owner.fill("#id_progress", "35")
    owner.fill("#id_narrative", CORRECTED)
    owner.click("text=Gem status")
    expect(owner.locator(".alert-success")).to_contain_text("afventer chefgruppens godkendelse")
    shot(owner, "6-owner-corrected")
    corrected = StatusUpdate.objects.get(narrative=CORRECTED)
    assert CORRECTED not in _bfu_sees(bfu, tiltag_url)

    # Chefgruppen approves; now BFU sees it, and the round counts it as updated.
    chef.goto(f"{base}/plan/godkendelser/")
    card = chef.locator(f"#draft-{corrected.pk}")
    card.locator("text=Godkend og offentliggør").click()
    card.locator("text=Gem afgørelse").click()
    expect(chef.locator(f"#draft-{corrected.pk}")).to_contain_text("godkendt og offentliggjort")
    page_text = _bfu_sees(bfu, tiltag_url)
    assert CORRECTED in page_text and DRAFT not in page_text
    shot(bfu, "7-bfu-sees-approved")
    chef.goto(f"{base}/runder/{round_.pk}/")
    expect(chef.locator(f"#item-{owner_tiltag.pk}")).to_contain_text("Opdateret")

    # Chefgruppen closes the round: the quarter's report is asked for, once.
    chef.click("text=Luk runden og udarbejd kvartalsrapporten")
    expect(chef.locator(".alert-success")).to_contain_text("Runden er lukket")
    shot(chef, "8-closed")
    round_.refresh_from_db()
    assert round_.report is not None
    assert (
        Report.objects.filter(kind="kvartalsrapport", period=next_quarter.danish_code).count() == 1
    )
    assert re.search(r"Lukket", chef.locator("main").inner_text())
