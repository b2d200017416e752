"""Demo comments, written through the services: a short exchange on the plan's first tiltag
with a mention, one comment chefgruppen shows to the committee, an edited one, a withdrawn one,
and a comment on one of its milestones."""

import datetime as dt

from discussion.services import (
    comment_create,
    comment_edit,
    comment_mark_for_committee,
    comment_withdraw,
)
from omstilling.demo import register_demo_seeder
from omstilling.models import Institution, Plan, User
from tracks.models import Initiative, Milestone


@register_demo_seeder
def seed_discussion_demo(
    *, users: dict[str, User], institutions: dict[str, Institution], today: dt.date
) -> None:
    plan = Plan.objects.current()
    owner, chef, leader = users["initiativejer"], users["chefgruppe"], users["leder"]
    # The plan's first tiltag, the one its pages list first.
    initiative = Initiative.objects.filter(plan=plan).order_by("spor__number", "order").first()
    if initiative is None:
        return
    question = comment_create(
        target=initiative,
        by=chef,
        text=f"@{owner.username}: Kan I nå arbejdsplanen til næste møde i udvalget?",
    )
    answer = comment_create(
        target=initiative,
        by=owner,
        text=f"@{chef.username}: Ja, vi sender den, når arbejdsgruppen har mødtes.",
    )
    comment_edit(
        comment=answer,
        by=owner,
        text=f"@{chef.username}: Ja, vi sender den i næste uge, når arbejdsgruppen har mødtes.",
        expected_version=answer.version,
    )
    comment_create(
        target=initiative,
        by=chef,
        text="Arbejdsplanen forelægges udvalget på næste møde.",
        for_committee=True,
    )
    slip = comment_create(target=initiative, by=owner, text="Skrevet i den forkerte tråd.")
    comment_withdraw(comment=slip, by=owner, expected_version=slip.version)
    comment_mark_for_committee(
        comment=question, by=chef, for_committee=True, expected_version=question.version
    )
    milestone = (
        Milestone.objects.filter(initiative__plan=plan, institution__in=leader.institutions.all())
        .order_by("pk")
        .first()
        or Milestone.objects.filter(initiative=initiative).order_by("pk").first()
    )
    if milestone is not None:
        comment_create(target=milestone, by=leader, text="Vi har sat en dato for forløbet.")
