"""Who is reminded of what: milestones due within 14 days or overdue, and initiatives without a
status update this quarter. The reminder e-mails and the page "Mine påmindelser" both read this,
so a person sees on the page exactly what the e-mail told them.

A milestone is on the list of the initiative's owner, of the members of its owning group and,
for an institution's own milestone, of that institution's leaders (as on "Mine milepæle").
An initiative without a status update is on the list of its owner and its owning group.
"""

import datetime as dt
from dataclasses import dataclass, field

from omstilling.models import Plan, User
from omstilling.quarters import quarter_began
from tracks import selectors as tracks_selectors
from tracks.models import Initiative, Milestone

HORIZON_DAYS = 14


@dataclass
class Reminders:
    user: User
    overdue: list[Milestone] = field(default_factory=list)
    due_soon: list[Milestone] = field(default_factory=list)
    without_status: list[Initiative] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.without_status)

    @property
    def milestone_count(self) -> int:
        return len(self.overdue) + len(self.due_soon)


def _milestone_people(milestone: Milestone) -> list[User]:
    initiative = milestone.initiative
    people = [initiative.owner] if initiative.owner_id else []
    if initiative.owner_body_id:
        people += initiative.owner_body.active_members
    if milestone.institution_id:
        people += milestone.institution.leaders
    return people


def _initiative_people(initiative: Initiative) -> list[User]:
    people = [initiative.owner] if initiative.owner_id else []
    if initiative.owner_body_id:
        people += initiative.owner_body.active_members
    return people


def reminders_by_user(*, today: dt.date, user: User | None = None) -> dict[int, Reminders]:
    """Each person's reminders on `today` (only `user`'s when given), keyed by user id.

    Six queries whatever the size of the plan: the plan; the milestones due with their owners,
    their owning groups' members and their institutions' leaders; the initiatives without a
    status update this quarter and their owning groups' members.
    """
    plan = Plan.objects.current()
    if plan is None:
        return {}
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    milestones = tracks_selectors.open_milestones_due_by(plan=plan, day=horizon)
    stale = tracks_selectors.initiatives_without_status_since(plan=plan, since=quarter_began(today))
    result: dict[int, Reminders] = {}

    def add(person: User, attr: str, item) -> None:
        if not person.is_active or (user is not None and person.pk != user.pk):
            return
        items = getattr(result.setdefault(person.pk, Reminders(user=person)), attr)
        if item not in items:
            items.append(item)

    for milestone in milestones:
        attr = "overdue" if milestone.due_date < today else "due_soon"
        milestone.days_overdue = max(0, (today - milestone.due_date).days)
        milestone.days_left = max(0, (milestone.due_date - today).days)
        for person in _milestone_people(milestone):
            add(person, attr, milestone)
    for initiative in stale:
        for person in _initiative_people(initiative):
            add(person, "without_status", initiative)
    for reminders in result.values():
        reminders.overdue.sort(key=lambda m: (m.due_date, m.pk))
        reminders.due_soon.sort(key=lambda m: (m.due_date, m.pk))
    return result


def reminders_for(*, user: User, today: dt.date) -> Reminders:
    return reminders_by_user(today=today, user=user).get(user.pk) or Reminders(user=user)
