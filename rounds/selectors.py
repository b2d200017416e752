"""Reads of update rounds: each tiltag's state in a round and a person's tasks."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from omstilling.models import User
from reports.archive.schedule import is_working_day
from rounds.models import RoundItem, UpdateRound
from tracks.models import StatusReview, StatusUpdate
from tracks.selectors import published_statuses

# The reminder goes out this many working days before the deadline.
REMINDER_WORKING_DAYS = 2


class ItemState:
    UPDATED = "opdateret"
    WAITING = "afventer"
    SENT_BACK = "sendt_tilbage"
    MISSING = "mangler"

    LABELS = {
        UPDATED: _("Opdateret"),
        WAITING: _("Afventer godkendelse"),
        SENT_BACK: _("Sendt tilbage"),
        MISSING: _("Mangler"),
    }


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The working day `count` Danish working days after `day` (before it when negative)."""
    step = dt.timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def reminder_day(deadline: dt.date) -> dt.date:
    return add_working_days(deadline, -REMINDER_WORKING_DAYS)


def _updates_in(round_: UpdateRound, queryset: QuerySet[StatusUpdate]) -> QuerySet:
    updates = queryset.filter(initiative=OuterRef("initiative"), created_at__gte=round_.opened_at)
    if round_.closed_at:
        updates = updates.filter(created_at__lte=round_.closed_at)
    return updates


def round_items(round_: UpdateRound) -> QuerySet[RoundItem]:
    """The round's tiltag, each with its state in the round (one query): `updated` (a
    published update since the round opened), `waiting` (a draft waiting for approval),
    `sent_back` (a draft sent back, and nothing newer)."""
    published = _updates_in(round_, published_statuses())
    waiting = _updates_in(
        round_, StatusUpdate.objects.filter(needs_approval=True, review__isnull=True)
    )
    sent_back = _updates_in(
        round_, StatusUpdate.objects.filter(review__decision=StatusReview.Decision.SENT_BACK)
    )
    return (
        RoundItem.objects.filter(round=round_)
        .select_related("initiative__spor", "initiative__owner", "initiative__owner_body")
        .annotate(
            is_updated=Exists(published), is_waiting=Exists(waiting), is_sent_back=Exists(sent_back)
        )
    )


def item_state(item: RoundItem) -> str:
    if item.is_updated:
        return ItemState.UPDATED
    if item.is_waiting:
        return ItemState.WAITING
    if item.is_sent_back:
        return ItemState.SENT_BACK
    return ItemState.MISSING


def with_states(items) -> list[RoundItem]:
    items = list(items)
    for item in items:
        item.state = item_state(item)
        item.state_label = ItemState.LABELS[item.state]
    return items


@dataclass
class Overview:
    items: list[RoundItem]
    counts: dict[str, int]


def round_overview(round_: UpdateRound) -> Overview:
    items = with_states(round_items(round_))
    counts = dict.fromkeys(ItemState.LABELS, 0)
    for item in items:
        counts[item.state] += 1
    return Overview(items=items, counts=counts)


def owners_of(initiative_ids) -> QuerySet[User]:
    """Who answers for these tiltag: their owners and the members of their owning groups."""
    return User.objects.filter(
        Q(owned_initiatives__in=initiative_ids)
        | Q(governance_bodies__owned_initiatives__in=initiative_ids),
        is_active=True,
    ).distinct()


def open_round(*, plan_id: int) -> UpdateRound | None:
    return UpdateRound.objects.filter(plan_id=plan_id, closed_at__isnull=True).first()


def my_tasks(*, user: User, plan_id: int) -> tuple[UpdateRound | None, list[RoundItem]]:
    """ "Mine opgaver": the open round and its tiltag the user answers for, with their state."""
    round_ = open_round(plan_id=plan_id)
    if round_ is None:
        return None, []
    mine = Q(initiative__owner=user) | Q(
        initiative__owner_body__in=user.governance_bodies.values("pk")
    )
    return round_, with_states(round_items(round_).filter(mine))
