"""Reads of the plan's content that take more than one query."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from omstilling.access import MILESTONE_ROLES
from omstilling.models import GovernanceBody, Plan, Role, User
from omstilling.quarters import Quarter, quarter_began
from tracks.access import can_see_drafts
from tracks.models import (
    Health,
    Initiative,
    Milestone,
    MilestoneEvent,
    MilestoneState,
    Recommendation,
    Spor,
    StatusUpdate,
    Theme,
    WorkState,
)

# Shown on screen next to every spor's progress, so the roll-up is never a mystery (the Danish
# source text; translate it with gettext where it is shown).
PROGRESS_RULE = gettext_noop(
    "Sporets fremdrift er gennemsnittet af fremdriften i sporets tiltag, der har fået en "
    "statusopdatering. Opgivne tiltag og tiltag uden status tælles ikke med."
)


# Tiltag that are finished or given up need no attention.
CLOSED = (WorkState.AFSLUTTET, WorkState.OPGIVET)


class AttentionKind(models.TextChoices):
    """Tiltag that need attention, as BFU's verdict counts them (reports/verdict.py) and the
    tiltag list filters them, so that "se alle" lists exactly the counted ones."""

    RED = "roed", _("Røde (bagud)")
    YELLOW = "gul", _("Gule (i risiko)")
    WITHOUT_OWNER = "uden_ejer", _("Uden ejer")
    WITHOUT_UPDATE = "uden_opdatering", _("Ikke opdateret i kvartalet")


def attention_conditions(*, today: dt.date) -> dict[str, Q]:
    """Each kind of attention as a filter on Initiative (the verdict's counts and the tiltag
    list's filter): only tiltag neither finished, given up nor archived; *without an owner* and
    *without an update* (none since the quarter began) are the attention lists' own rules."""
    active = ~Q(current_status__state__in=CLOSED) & Q(archived_on__isnull=True)
    return {
        AttentionKind.RED: active & Q(current_status__health=Health.ROED),
        AttentionKind.YELLOW: active & Q(current_status__health=Health.GUL),
        AttentionKind.WITHOUT_OWNER: active & without_owner_condition(),
        AttentionKind.WITHOUT_UPDATE: active & without_update_condition(quarter_began(today)),
    }


def changed_since(initiatives: QuerySet[Initiative], *, since: dt.date) -> QuerySet[Initiative]:
    """The initiatives whose status (work state or health) differs from what it was on `since`.

    Compares the current status with the last one recorded before `since` (annotated as
    `previous_state` / `previous_health`, None if there was none). An initiative that changed
    and changed back in between is not one of them: net changes only."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    # Only published updates: a draft waiting for approval is no status the committee had.
    before = (
        published_statuses()
        .filter(initiative=OuterRef("pk"), created_at__lt=start)
        .order_by("-version")
    )
    return (
        initiatives.filter(current_status__created_at__gte=start)
        .annotate(
            previous_state=Subquery(before.values("state")[:1]),
            previous_health=Subquery(before.values("health")[:1]),
        )
        .filter(
            Q(previous_state__isnull=True)
            | ~Q(previous_state=F("current_status__state"))
            | ~Q(previous_health=F("current_status__health"))
        )
    )


def published_statuses() -> QuerySet[StatusUpdate]:
    """The status updates everyone may see: those that need no approval and the approved ones.
    The one home of "published": BFU's pages, the dashboard, exports and reports read status
    history through this (or through `Initiative.current_status`, which only ever points to a
    published update)."""
    return StatusUpdate.objects.published()


def visible_statuses(*, user: User, initiative: Initiative) -> QuerySet[StatusUpdate]:
    """An initiative's status history as `user` may see it: with the drafts and sent-back
    updates for those who may see drafts, otherwise only the published ones."""
    updates = initiative.status_updates.all()
    if not can_see_drafts(user, initiative):
        updates = updates.filter(StatusUpdate.published_condition())
    return updates.select_related("author", "review__by").order_by("-version")


def latest_status(*, initiative: Initiative) -> StatusUpdate | None:
    """The newest update, a draft too: for those who edit the initiative (the status form)."""
    return initiative.status_updates.select_related("author").order_by("-version").first()


def pending_drafts(*, plan: Plan) -> QuerySet[StatusUpdate]:
    """Chefgruppen's approval queue: drafts of the plan not yet approved or sent back."""
    return (
        StatusUpdate.objects.filter(initiative__plan=plan, needs_approval=True, review__isnull=True)
        .select_related("initiative__spor", "author")
        .order_by("created_at", "pk")
    )


def initiatives_with_status() -> QuerySet[Initiative]:
    return Initiative.objects.select_related(
        "spor", "theme", "lead_area", "owner", "owner_body", "current_status"
    )


# The overview names this many tiltag per spor; the rest are a count and a link to the list.
OVERVIEW_PER_SPOR = 10


def spor_overview(*, plan: Plan) -> list[Spor]:
    """All spor with their first `OVERVIEW_PER_SPOR` initiatives (`shown`, each with its
    current status), how many they have (`n_initiatives`) and the progress roll-up.

    Three queries whatever the size of the plan: spor with aggregates, initiatives, lead areas.
    """
    counted = ~Q(initiatives__current_status__state=WorkState.OPGIVET) & Q(
        initiatives__current_status__isnull=False, initiatives__archived_on__isnull=True
    )
    return list(
        Spor.objects.filter(plan=plan)
        .active()
        .annotate(
            progress=Avg("initiatives__current_status__progress", filter=counted),
            counted_initiatives=Count("initiatives", filter=counted, distinct=True),
            n_initiatives=Count("initiatives", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=initiatives_with_status()
                .active()
                .order_by("order", "pk")[:OVERVIEW_PER_SPOR],
                to_attr="shown",
            ),
            Prefetch("themes", queryset=Theme.objects.active().order_by("order", "pk")),
            "lead_areas",
        )
        .order_by("number")
    )


# The archive listed on the overview is bounded: the newest this many of each kind, with counts.
ARCHIVE_LIMIT = 20


def archived_content(*, plan: Plan) -> dict:
    """Archived spor, themes and tiltag of a plan, newest first (readable, out of the figures):
    at most ARCHIVE_LIMIT of each, three queries (and a count for a kind with more)."""
    result = {}
    for key, queryset in (
        ("spor", Spor.objects.filter(plan=plan)),
        ("themes", Theme.objects.filter(spor__plan=plan).select_related("spor")),
        ("initiatives", Initiative.objects.filter(plan=plan)),
    ):
        archived = queryset.filter(archived_on__isnull=False).order_by("-archived_on", "-pk")
        rows = list(archived[: ARCHIVE_LIMIT + 1])
        result[key] = rows[:ARCHIVE_LIMIT]
        result[f"{key}_count"] = archived.count() if len(rows) > ARCHIVE_LIMIT else len(rows)
    return result


def owner_matches(text: str) -> Q:
    """The tiltag whose owner is named `text`: each word in the owner's first or last name (or
    the whole word as the user name), in the owning group's name, or in the name of one of the
    group's members (as the owner filter always counted the group's tiltag as theirs)."""
    condition = Q()
    for word in text.split():
        condition &= (
            Q(owner__first_name__icontains=word)
            | Q(owner__last_name__icontains=word)
            | Q(owner__username__iexact=word)
            | Q(owner_body__name__icontains=word)
            | Q(owner_body__members__first_name__icontains=word)
            | Q(owner_body__members__last_name__icontains=word)
        )
    return condition


def initiative_list(*, plan: Plan, filters: dict) -> QuerySet[Initiative]:
    """Initiatives of a plan filtered by the list page's cleaned filter values."""
    qs = initiatives_with_status().filter(plan=plan).active()
    if filters.get("spor"):
        qs = qs.filter(spor=filters["spor"])
    status = filters.get("status")
    if status == "ingen":
        qs = qs.filter(current_status__isnull=True)
    elif status:
        qs = qs.filter(current_status__state=status)
    if filters.get("health"):
        qs = qs.filter(current_status__health=filters["health"])
    if owner := (filters.get("owner") or "").strip():
        qs = qs.filter(owner_matches(owner)).distinct()
    if filters.get("area"):
        qs = qs.filter(lead_area=filters["area"])
    quarter = filters.get("quarter")
    if quarter:
        qs = qs.filter(start_quarter__lte=quarter.first_day).filter(
            Q(end_quarter__isnull=True) | Q(end_quarter__gte=quarter.first_day)
        )
    if filters.get("recommendation"):
        qs = qs.filter(recommendations=filters["recommendation"])
    if filters.get("attention"):
        qs = qs.filter(attention_conditions(today=timezone.localdate())[filters["attention"]])
    if filters.get("changed_since"):
        qs = changed_since(qs, since=filters["changed_since"])
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(slug__icontains=text)
        )
    return qs.order_by("spor__number", "order", "pk")


def milestone_list(*, plan: Plan, filters: dict, today: dt.date) -> QuerySet[Milestone]:
    """The plan's milestones filtered by the milestone list's cleaned filter values, soonest
    (or longest overdue) due first: a planned date lies in its quarter, so quarter, then date
    with undated last, is the order of the due dates."""
    qs = Milestone.objects.filter(initiative__plan=plan).select_related(
        "initiative__spor", "initiative__owner", "initiative__owner_body", "institution"
    )
    state = filters.get("state")
    if state == MilestoneState.OVERDUE:
        qs = qs.filter(Milestone.overdue_condition(today))
    elif state == MilestoneState.PLANNED:
        qs = qs.filter(Milestone.not_yet_due_condition(today))
    elif state == MilestoneState.DONE:
        qs = qs.filter(completed_on__isnull=False)
    if filters.get("spor"):
        qs = qs.filter(initiative__spor=filters["spor"])
    if filters.get("area"):
        qs = qs.filter(initiative__lead_area=filters["area"])
    return qs.order_by("planned_quarter", F("planned_date").asc(nulls_last=True), "pk")


# The tiltag page shows this many milestones (and archived milestones) to a page; the rest are
# on the next pages (?milepaele=2, ?arkiverede=2), so the page stays bounded whatever the plan.
DETAIL_MILESTONES = 20
DETAIL_ARCHIVED_MILESTONES = 10


def initiative_detail(
    *, initiative: Initiative, milestone_page: int | str | None = 1, archived_page=1
) -> dict:
    """A page of the milestones (each re-planned one with its moves), a page of the archived
    milestones apart, and the recommendations of one initiative. Bounded whatever the data:
    seven queries at most (each page's count and rows, the moves, the recommendations); the
    status history is read a page at a time (`status_history`)."""
    rows = (
        initiative.milestones.select_related("institution", "completed_by")
        .prefetch_related(_moves())
        .order_by("planned_quarter", "planned_date", "order", "pk")
    )
    milestones = Paginator(rows.filter(archived_on__isnull=True), DETAIL_MILESTONES).get_page(
        milestone_page
    )
    archived = Paginator(
        rows.filter(archived_on__isnull=False), DETAIL_ARCHIVED_MILESTONES
    ).get_page(archived_page)
    recommendations = list(
        Recommendation.objects.filter(initiatives=initiative).select_related("theme")
    )
    return {
        "milestones": milestones,
        "archived_milestones": archived,
        "recommendations": recommendations,
    }


def _moves() -> Prefetch:
    """A milestone's re-plans, newest first, as `milestone.moves` ("flyttet fra … til …")."""
    moves = MilestoneEvent.objects.filter(kind=MilestoneEvent.Kind.REPLANNED).select_related("by")
    return Prefetch("events", queryset=moves, to_attr="moves")


def milestone_row(*, pk: int) -> Milestone:
    """One milestone as its row on the tiltag page shows it (two queries)."""
    return (
        Milestone.objects.select_related("initiative", "institution", "completed_by")
        .prefetch_related(_moves())
        .get(pk=pk)
    )


HISTORY_PER_PAGE = 10


def status_history(*, initiative: Initiative, user: User, page: int | str | None = 1) -> Page:
    """One page of the status history as `user` may see it (`visible_statuses`: drafts only for
    those who may see them), newest first: the newest ten, then older ones on demand ("Vis
    ældre"). Two queries (the count and the page's rows)."""
    updates = visible_statuses(user=user, initiative=initiative)
    return Paginator(updates, HISTORY_PER_PAGE).get_page(page)


def milestones_for_user(
    *, user: User, plan: Plan | int | None, today: dt.date | None = None
) -> QuerySet[Milestone]:
    """ "Mine milepæle": the milestones `user` answers for (`responsible_condition`: of the
    tiltag they own, or their group owns, or — for chefgruppen — that nobody else answers for)
    and a leader's institutions' own, in `plan` (the current one: an earlier plan's milestones
    are nobody's work any more); cancelled and archived ones left out.

    Overdue first, then the open ones by due date (a planned date lies in its quarter, so
    quarter, then date with undated last, is the order of the due dates); completed ones last,
    the latest completed first. Ordered in SQL, so that a page of them is one query.
    """
    today = today or timezone.localdate()
    scope = responsible_condition(user, prefix="initiative__")
    if user.role == Role.LEDER:
        scope |= Q(institution__in=user.institutions.all())
    mine = (
        Milestone.objects.filter(scope, initiative__plan=plan, cancelled_on__isnull=True)
        .active()
        .values("pk")
    )
    group = Case(
        When(completed_on__isnull=False, then=Value(2)),
        When(Milestone.overdue_condition(today), then=Value(0)),
        default=Value(1),
    )
    return (
        Milestone.objects.filter(pk__in=mine)
        .select_related("initiative__spor", "institution", "completed_by")
        .order_by(
            group,
            F("completed_on").desc(nulls_last=True),
            "planned_quarter",
            F("planned_date").asc(nulls_last=True),
            "pk",
        )
    )


def plan_milestones(*, plan: Plan) -> list[Milestone]:
    """Every milestone of the plan with its institution, in the plan's order (one query)."""
    return list(
        Milestone.objects.filter(initiative__plan=plan)
        .active()
        .select_related("institution")
        .order_by("initiative_id", "planned_quarter", "planned_date", "order", "pk")
    )


def _due_by(day: dt.date) -> Q:
    """Open and due on or before `day`: the planned date, else the planned quarter's last day
    (a quarter ends on or before `day` when it begins before the quarter of the day after)."""
    after = Quarter.of(day + dt.timedelta(days=1)).first_day
    return Milestone.open_condition() & (
        Q(planned_date__lte=day) | Q(planned_date__isnull=True, planned_quarter__lt=after)
    )


def open_milestones_due_by(*, plan: Plan, day: dt.date) -> list[Milestone]:
    """Open milestones due on or before `day`, overdue ones included, with who answers for
    them (`milestone_responsible_people`): the initiative's owner, the active members of its
    owning group (`initiative.owner_body.active_members`) and the active leaders of the
    milestone's institution (`institution.leaders`). Three queries."""
    active = User.objects.filter(is_active=True)
    return list(
        Milestone.objects.filter(_due_by(day), initiative__plan=plan)
        .select_related("initiative__spor", "initiative__owner", "initiative__owner_body")
        .select_related("institution")
        .prefetch_related(
            Prefetch("initiative__owner_body__members", queryset=active, to_attr="active_members"),
            Prefetch(
                "institution__users",
                queryset=active.filter(role=Role.LEDER),
                to_attr="leaders",
            ),
        )
        .order_by("planned_quarter", "planned_date", "pk")
    )


def initiatives_without_status_since(*, plan: Plan, since: dt.datetime) -> list[Initiative]:
    """Initiatives that are not finished or abandoned and have had no status update since
    `since` (`without_update_condition`), with the owning group's active members
    (`owner_body.active_members`) for `responsible_people`. Two queries."""
    return list(
        initiatives_with_status()
        .filter(without_update_condition(since), plan=plan)
        .active()
        .prefetch_related(
            Prefetch(
                "owner_body__members",
                queryset=User.objects.filter(is_active=True),
                to_attr="active_members",
            )
        )
        .order_by("spor__number", "order", "pk")
    )


# --- Who answers for a tiltag or a milestone ---------------------------------------------------
#
# The one home of "who is responsible": the tiltag's accountable owner (a person, while active);
# else the active members of its owning group; else chefgruppen (every active user with that
# role), so that nothing is nobody's. A milestone is its tiltag's, and an institution's own
# milestone is also that institution's active leaders' (they mark it done). The reminders
# (reports/reminders) send to exactly these people, and "Mine milepæle" shows a person exactly
# the milestones they answer for. `responsible_people` says it in Python for rows already
# loaded; `responsible_condition` says the same in SQL for one person's lists.


def chefgruppe_members() -> list[User]:
    """Chefgruppen: every active user with the role, the last step of the fallback (one query)."""
    return list(
        User.objects.filter(role=Role.CHEFGRUPPE, is_active=True).order_by("first_name", "pk")
    )


def responsible_people(initiative: Initiative, *, chefgruppe: list[User]) -> list[User]:
    """Who answers for `initiative`: its active accountable owner, else its owning group's
    active members (`owner_body.active_members`, prefetched), else `chefgruppe`."""
    if initiative.owner_id and initiative.owner.is_active:
        return [initiative.owner]
    members = []
    if initiative.owner_body_id:
        body = initiative.owner_body
        members = getattr(body, "active_members", None)
        if members is None:  # not prefetched: one query
            members = list(body.members.filter(is_active=True))
    return list(members) or list(chefgruppe)


def milestone_responsible_people(milestone: Milestone, *, chefgruppe: list[User]) -> list[User]:
    """Who answers for `milestone`: its tiltag's people (`responsible_people`) and, for an
    institution's own milestone, the institution's active leaders (`institution.leaders`,
    prefetched). Each person once."""
    people = responsible_people(milestone.initiative, chefgruppe=chefgruppe)
    if milestone.institution_id:
        leaders = getattr(milestone.institution, "leaders", None)
        if leaders is None:  # not prefetched: one query
            leaders = milestone.institution.users.filter(is_active=True, role=Role.LEDER)
        people += list(leaders)
    return list({person.pk: person for person in people}.values())


def _active_members(prefix: str) -> QuerySet:
    return GovernanceBody.members.through.objects.filter(
        governancebody_id=OuterRef(f"{prefix}owner_body_id"), user__is_active=True
    )


def responsible_condition(user: User, *, prefix: str = "") -> Q:
    """`responsible_people` in SQL: the tiltag `user` answers for (`prefix="initiative__"` for
    milestones by their tiltag). An inactive user answers for nothing."""
    if not user.is_active:
        return Q(pk__in=[])
    no_owner = Q(**{f"{prefix}owner__isnull": True}) | Q(**{f"{prefix}owner__is_active": False})
    condition = Q(**{f"{prefix}owner": user}) | (
        no_owner & Q(Exists(_active_members(prefix).filter(user_id=user.pk)))
    )
    if user.role == Role.CHEFGRUPPE:
        condition |= no_owner & ~Q(Exists(_active_members(prefix)))
    return condition


def owner_candidates() -> QuerySet[User]:
    """Who may be a tiltag's accountable owner: active users of the roles that have "Mine
    milepæle" and "Mine påmindelser" (where an owner's work reaches them)."""
    return User.objects.filter(is_active=True, role__in=MILESTONE_ROLES).order_by(
        "first_name", "last_name", "username"
    )


# --- What needs chefgruppen's attention --------------------------------------------------------

ATTENTION_LIMIT = 10


def without_owner_condition() -> Q:
    """A tiltag neither finished nor given up that neither a person nor a group owns (as the
    dashboard and the report's verdict count it)."""
    return ~Q(current_status__state__in=CLOSED) & Q(owner__isnull=True, owner_body__isnull=True)


def without_update_condition(since: dt.datetime) -> Q:
    """A tiltag neither finished nor given up without a status update since `since` (the start
    of the quarter), or with none at all."""
    return ~Q(current_status__state__in=CLOSED) & (
        Q(current_status__isnull=True) | Q(current_status__created_at__lt=since)
    )


@dataclass(frozen=True)
class Counted:
    """The first rows of a list and how many there are in all."""

    items: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class Attention:
    without_owner: Counted
    overdue: Counted
    without_update: Counted

    @property
    def is_empty(self) -> bool:
        return not (self.without_owner.count or self.overdue.count or self.without_update.count)


class AttentionList(StrEnum):
    """The three lists, by the name in the full list's URL (`?liste=`)."""

    WITHOUT_OWNER = "uden-ejer"
    OVERDUE = "forsinkede"
    WITHOUT_UPDATE = "uden-status"


def attention_rows(*, plan: Plan, kind: AttentionList, today: dt.date, since: dt.datetime):
    """One of the attention lists, in full, as a query (the page slices or pages it): tiltag
    in the plan's order, overdue milestones longest overdue first."""
    if kind == AttentionList.OVERDUE:
        return (
            Milestone.objects.overdue(today)
            .filter(initiative__plan=plan)
            .select_related(
                "institution", "initiative__spor", "initiative__owner", "initiative__owner_body"
            )
            .order_by("planned_quarter", F("planned_date").asc(nulls_last=True), "pk")
        )
    condition = (
        without_owner_condition()
        if kind == AttentionList.WITHOUT_OWNER
        else without_update_condition(since)
    )
    return (
        initiatives_with_status()
        .filter(condition, plan=plan)
        .active()
        .order_by("spor__number", "order", "pk")
    )


def _counted(rows, limit: int) -> Counted:
    items = list(rows[:limit])
    return Counted(items, rows.count() if len(items) == limit else len(items))


def attention(
    *, plan: Plan, today: dt.date, since: dt.datetime, limit: int = ATTENTION_LIMIT
) -> Attention:
    """What needs chefgruppen's attention in `plan`: tiltag without an owner, overdue
    milestones, tiltag without a status update since `since`; each its first `limit` rows and
    its count. Three to six queries whatever the size of the plan (a count only when a list
    is full)."""
    lists = {
        kind: _counted(attention_rows(plan=plan, kind=kind, today=today, since=since), limit)
        for kind in AttentionList
    }
    for milestone in lists[AttentionList.OVERDUE].items:
        milestone.days_overdue = max(0, (today - milestone.due_date).days)
    return Attention(
        without_owner=lists[AttentionList.WITHOUT_OWNER],
        overdue=lists[AttentionList.OVERDUE],
        without_update=lists[AttentionList.WITHOUT_UPDATE],
    )


def attention_for(user: User, plan: Plan | None = None) -> Attention | None:
    """What needs chefgruppen's attention in the current plan (or `plan`, the one a page
    shows), today, for chefgruppen's start page and "Mine" pages; None for other roles (no
    query) and for an earlier plan (nobody's work any more)."""
    if user.role != Role.CHEFGRUPPE:
        return None
    plan = plan or Plan.objects.current()
    if plan is None or not plan.is_writable:
        return None
    today = timezone.localdate()
    return attention(plan=plan, today=today, since=quarter_began(today))


def replanned_events(*, plan: Plan, since: dt.datetime, until: dt.datetime | None = None):
    """Re-plans of the plan's milestones made from `since` (to `until`), newest first: the
    log rows with their milestone and tiltag (a queryset: slice or count it). Archived
    milestones are left out, as from every figure."""
    events = MilestoneEvent.objects.filter(
        kind=MilestoneEvent.Kind.REPLANNED,
        milestone__initiative__plan=plan,
        milestone__archived_on__isnull=True,
        at__gte=since,
    )
    if until is not None:
        events = events.filter(at__lt=until)
    return events.select_related("milestone__initiative", "by").order_by("-at", "-pk")


def replanned_summary(*, plan: Plan, today: dt.date | None = None) -> dict:
    """The dashboard's line: how many milestones were re-planned this quarter (one query)."""
    today = today or timezone.localdate()
    quarter = Quarter.of(today)
    since = quarter_began(today)
    count = replanned_events(plan=plan, since=since).values("milestone").distinct().count()
    return {"quarter": quarter, "count": count}
