"""Who is reminded of what: milestones due within 14 days or overdue, and initiatives without a
status update this quarter. The reminder e-mails and the page "Mine påmindelser" both read this,
so a person sees on the page exactly what the e-mail told them.

Who is reminded is decided in one place, `tracks.selectors.responsible_people`: the tiltag's
accountable owner, else its owning group's active members, else chefgruppen — and, for an
institution's own milestone, also that institution's leaders (as on "Mine milepæle"). Each
person gets each milestone and tiltag once.
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


def reminders_by_user(*, today: dt.date, user: User | None = None) -> dict[int, Reminders]:
    """Each person's reminders on `today` (only `user`'s when given), keyed by user id.

    Seven queries whatever the size of the plan: the plan; chefgruppen; the milestones due
    with their owners, their owning groups' members and their institutions' leaders; the
    initiatives without a status update this quarter and their owning groups' members.
    """
    plan = Plan.objects.current()
    if plan is None:
        return {}
    chefgruppe = tracks_selectors.chefgruppe_members()
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    milestones = tracks_selectors.open_milestones_due_by(plan=plan, day=horizon)
    stale = tracks_selectors.initiatives_without_status_since(plan=plan, since=quarter_began(today))
    result: dict[int, Reminders] = {}
    seen: set[tuple[int, str, int]] = set()

    def add(person: User, attr: str, item) -> None:
        if not person.is_active or (user is not None and person.pk != user.pk):
            return
        if (person.pk, attr, item.pk) in seen:  # each person gets each reminder once
            return
        seen.add((person.pk, attr, item.pk))
        getattr(result.setdefault(person.pk, Reminders(user=person)), attr).append(item)

    for milestone in milestones:
        attr = "overdue" if milestone.due_date < today else "due_soon"
        milestone.days_overdue = max(0, (today - milestone.due_date).days)
        milestone.days_left = max(0, (milestone.due_date - today).days)
        for person in tracks_selectors.milestone_responsible_people(
            milestone, chefgruppe=chefgruppe
        ):
            add(person, attr, milestone)
    for initiative in stale:
        for person in tracks_selectors.responsible_people(initiative, chefgruppe=chefgruppe):
            add(person, "without_status", initiative)
    for reminders in result.values():
        reminders.overdue.sort(key=lambda m: (m.due_date, m.pk))
        reminders.due_soon.sort(key=lambda m: (m.due_date, m.pk))
    return result


def reminders_for(*, user: User, today: dt.date) -> Reminders:
    return reminders_by_user(today=today, user=user).get(user.pk) or Reminders(user=user)
