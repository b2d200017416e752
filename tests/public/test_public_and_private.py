"""The public and the private stay apart: a walk over every public page and every operation of
the open data, for the Vejle plan with its demo data and for the invented example plan, finds
nothing child-level, no count of 1–4, no draft, no internal note and no name of a person who is
not a public officeholder; and the walk leaves the access log as it was.
"""

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from investments.models import Investment, InvestmentState
from omstilling.demo import seed_demo
from omstilling.models import AccessLog, Plan, User
from omstilling.plan_file import load_plan_file
from public.api import api
from supportsystem.models import Forloeb, Transition
from tests.factories import InvestmentFactory, MilestoneFactory, SpecialOfferCountFactory
from tracks.models import Initiative, Milestone, MilestoneEvent, StatusUpdate
from tracks.services import initiative_update_status
from visitation.models import Decision, PreReferral, PreReferralOutcomeChange, Referral

pytestmark = pytest.mark.django_db

PLANS = Path(settings.BASE_DIR) / "omstilling" / "plans"
TODAY = dt.date(2026, 12, 5)
CHILD_MODELS = [Forloeb, Transition, PreReferral, Referral, Decision, PreReferralOutcomeChange]
INTERNAL = "INTERN-NOTE-MAA-ALDRIG-VISES"
DRAFT = "KLADDE-MAA-ALDRIG-VISES"
SMALL_COUNT = 3
OUTCOME_TEXTS = {"<5", "x", "–"}


def _seed(path: Path) -> Plan:
    load_plan_file(path)
    seed_demo(today=TODAY)
    plan = Plan.objects.get(slug=_slug(path))
    plan.is_public = True
    plan.save()
    chef = User.objects.get(username="chefgruppe")
    # what must never be shown: an internal note, a draft, a small count
    initiative = Initiative.objects.filter(plan=plan).order_by("pk").first()
    initiative_update_status(
        initiative=initiative,
        by=chef,
        state="i_gang",
        health="roed",
        progress=10,
        narrative=f"{INTERNAL} status",
        next_steps=f"{INTERNAL} næste skridt",
        expected_version=initiative.version,
    )
    MilestoneFactory(
        initiative=initiative,
        completion_note=f"{INTERNAL} milepæl",
        completed_on=dt.date(2025, 9, 1),
    )
    if plan.funding_amount is not None:
        InvestmentFactory(
            plan=plan, title=DRAFT, purpose=DRAFT, state=InvestmentState.KLADDE, amount=777_777
        )
    SpecialOfferCountFactory(quarter=dt.date(2026, 7, 1), children_in_special_offers=SMALL_COUNT)
    return plan


def _slug(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return re.search(r"^plan:\n(?:  .*\n)*?  slug: (\S+)", text, re.MULTILINE).group(1)


def _public_urls(client, plan) -> list[str]:
    urls = [reverse("public:index"), reverse("public:plan", kwargs={"slug": plan.slug})]
    urls += [
        reverse("public:initiative", kwargs={"slug": plan.slug, "pk": pk})
        for pk in Initiative.objects.filter(plan=plan).values_list("pk", flat=True)
    ]
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    initiative_ids = Initiative.objects.filter(plan=plan).values_list("pk", flat=True)
    for path in schema["paths"]:
        if "{initiative_id}" in path:
            urls += [path.format(slug=plan.slug, initiative_id=pk) for pk in initiative_ids]
        else:
            urls.append(path.format(slug=plan.slug))
    urls += ["/api/v1/openapi.json"]
    return urls


def _never_shown(plan: Plan) -> list[str]:
    """Texts that no public answer may hold."""
    texts = {INTERNAL, DRAFT, "777.777", "777777"}
    # child-level rows: every text they hold that is no choice, and their keys as shown inside
    for model in CHILD_MODELS:
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(value, str) and not field.choices and len(value) >= 6:
                    texts.add(value)
                    if field.name == "case_key":
                        texts.update({value[:6], value[:8]})
    # the working group's notes
    for update in StatusUpdate.objects.filter(initiative__plan=plan):
        texts.update(t for t in (update.narrative, update.next_steps) if len(t) >= 12)
    texts.update(n for n in MilestoneEvent.objects.values_list("note", flat=True) if len(n) >= 12)
    texts.update(
        n for n in Milestone.objects.values_list("completion_note", flat=True) if len(n) >= 12
    )
    texts.update(
        Investment.objects.filter(state=InvestmentState.KLADDE).values_list("title", flat=True)
    )
    # people who are not public officeholders
    for user in User.objects.filter(is_public_officeholder=False):
        if user.get_full_name():
            texts.add(user.get_full_name())
    return sorted(texts)


# the field names of child-level models that only they have
CHILD_FIELD_NAMES = ["case_key", "age_group", "concern_type", "held_on", "received_on", "label"]


def _outcome_figures(payload) -> list[dict]:
    return [
        figure
        for row in payload["special_offers"] + payload["referrals"]
        for figure in row.values()
        if isinstance(figure, dict)
    ]


@pytest.mark.parametrize("plan_file", ["vejle-2025.yaml", "eksempel.yaml"])
def test_the_public_walk_finds_nothing_private(client, plan_file):
    plan = _seed(PLANS / plan_file)
    officeholder = User.objects.get(username="initiativejer")
    officeholder.is_public_officeholder = True
    officeholder.save()
    never = _never_shown(plan)
    logged = AccessLog.objects.count()

    answers = {}
    for url in _public_urls(client, plan):
        response = client.get(url, follow=url.endswith("/offentlig/"))
        assert response.status_code == 200, url
        answers[url] = response.content.decode("utf-8").replace("\xa0", " ")

    for url, text in answers.items():
        found = [secret for secret in never if secret in text]
        assert not found, f"{url} shows {found}"
        if "/api/v1/" in url and "openapi" not in url:
            assert not [name for name in CHILD_FIELD_NAMES if f'"{name}"' in text], url
    # the outcome figures: never a count of 1–4, in the open data and on the page
    outcomes = json.loads(answers[f"/api/v1/plans/{plan.slug}/outcomes"])
    figures = _outcome_figures(outcomes)
    assert figures, "the demo data has outcome figures"
    for figure in figures:
        assert figure["value"] is None or figure["value"] == 0 or figure["value"] >= 5, figure
        assert figure["text"] in OUTCOME_TEXTS or int(figure["text"].replace(".", "")) in (
            0,
            *range(5, 10**7),
        ), figure
    assert any(figure["text"] == "<5" for figure in figures)  # the small count is there, hidden
    page = answers[reverse("public:plan", kwargs={"slug": plan.slug})]
    outcome_part = page.split('id="outcomes-heading"')[1].split('id="data-heading"')[0]
    cells = re.findall(r'<td class="align-text-right">([^<]*)</td>', outcome_part)
    assert cells
    for cell in map(html.unescape, cells):
        assert cell in OUTCOME_TEXTS or cell == "0" or int(cell.replace(".", "")) >= 5, cell
    # a public officeholder is named (the walk would see a name if one were shown)
    if Initiative.objects.filter(plan=plan, owner=officeholder).exists():
        assert any(officeholder.get_full_name() in text for text in answers.values())
    # reading the public pages writes nothing to the access log
    assert AccessLog.objects.count() == logged
