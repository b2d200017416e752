"""The demo's open update round: every active tiltag of the current quarter, written through
the service (the owners are notified)."""

import datetime as dt

from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, Plan, User
from omstilling.quarters import Quarter
from rounds.forms import DEFAULT_DEADLINE_WORKING_DAYS
from rounds.selectors import add_working_days
from rounds.services import round_open
from tracks.models import Initiative, WorkState


@register_demo_seeder
def seed_round_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    plan = Plan.objects.current()
    if plan is None:
        return
    active = list(
        Initiative.objects.filter(plan=plan).exclude(
            current_status__state__in=[WorkState.AFSLUTTET, WorkState.OPGIVET]
        )
    )
    if not active:
        return
    round_open(
        plan=plan,
        by=users["chefgruppe"],
        quarter=Quarter.of(today),
        deadline=add_working_days(today, DEFAULT_DEADLINE_WORKING_DAYS),
        initiatives=active,
        today=today,
    )
