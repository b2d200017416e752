"""Writes to the plan's content. Every change appends history; nothing is overwritten."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notify, notify_followers
from omstilling.bounds import check_date, plan_date_window
from omstilling.models import Area, GovernanceBody, Plan, Role, User
from tracks.models import (
    Health,
    Initiative,
    Milestone,
    MilestoneEvent,
    PlanWorkflow,
    Recommendation,
    Spor,
    StatusReview,
    StatusUpdate,
    Theme,
)
from tracks.selectors import owner_candidates


class StatusConflict(Exception):
    """Someone else saved the initiative after the form was opened."""

    def __init__(self, initiative: Initiative):
        self.initiative = initiative
        super().__init__(f"initiative {initiative.pk} is at version {initiative.version}")


def _validate_status(*, health: str, progress: int, narrative: str) -> None:
    errors = {}
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = _("Fremdriften skal være et tal mellem 0 og 100 %.")
    if health in (Health.GUL, Health.ROED) and not (narrative or "").strip():
        errors["narrative"] = _(
            "Skriv en beskrivelse af status, når sundheden er gul eller rød: "
            "hvad er udfordringen, og hvad gøres der ved den?"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_update_status(
    *,
    initiative: Initiative,
    by: User,
    state: str,
    health: str,
    progress: int,
    narrative: str = "",
    next_steps: str = "",
    expected_version: int,
) -> StatusUpdate:
    """Append a status update and make it the initiative's current status — or, when the plan
    asks for approval and the author is not chefgruppen, append it as a draft that becomes the
    current status only when chefgruppen approves it (`status_review`).

    Optimistic concurrency: `expected_version` is the version the user's form was opened at.
    If another update was saved in between, StatusConflict is raised and nothing is written,
    so the caller can show both the other person's update and the user's own input.
    """
    _validate_status(health=health, progress=progress, narrative=narrative)
    Plan.objects.check_writable(initiative.plan_id)
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.archived_on is not None:
        raise ValidationError(_("Tiltaget er arkiveret og kan kun læses."), code="archived")
    if locked.version != expected_version:
        raise StatusConflict(locked)
    needs_approval = by.role != Role.CHEFGRUPPE and PlanWorkflow.approval_required(locked.plan_id)
    try:
        with transaction.atomic():
            update = StatusUpdate.objects.create(
                initiative=locked,
                version=locked.version + 1,
                state=state,
                health=health,
                progress=progress,
                narrative=narrative.strip(),
                next_steps=next_steps.strip(),
                author=by,
                needs_approval=needs_approval,
            )
    except IntegrityError as exc:
        # A concurrent writer on a database without row locks (SQLite) won the race.
        raise StatusConflict(Initiative.objects.get(pk=initiative.pk)) from exc
    initiative.version = locked.version + 1
    if needs_approval:
        Initiative.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        return update
    Initiative.objects.filter(pk=locked.pk).update(version=F("version") + 1, current_status=update)
    initiative.current_status = update
    _notify_status_published(update)
    return update


def _notify_status_published(update: StatusUpdate) -> None:
    """The followers of the tiltag learn of a status update once it is published."""
    notify_followers(
        target=update.initiative,
        actor=update.author,
        event_key=f"status-published:{update.pk}",
        text=_("Ny status: %(state)s, %(health)s, %(progress)s %%.")
        % {
            "state": update.get_state_display(),
            "health": update.get_health_display(),
            "progress": update.progress,
        },
    )


@transaction.atomic
def status_review(
    *, update: StatusUpdate, by: User, decision: str, comment: str = ""
) -> StatusReview:
    """Chefgruppen approves a draft status update, or sends it back with a comment. Both are
    kept (a StatusReview row; the update itself is never changed). An approved update becomes
    the initiative's current status unless a newer one is already published; the author is
    notified either way, the tiltag's followers when it is published. The caller checks that
    `by` may review (tracks.access.can_review_status)."""
    comment = (comment or "").strip()
    if decision not in StatusReview.Decision.values:
        raise ValidationError({"decision": _("Vælg godkend eller send tilbage.")})
    if decision == StatusReview.Decision.SENT_BACK and not comment:
        raise ValidationError(
            {"comment": _("Skriv en kommentar, så forfatteren ved, hvad der skal rettes.")}
        )
    locked = Initiative.objects.select_for_update().get(pk=update.initiative_id)
    Plan.objects.check_writable(locked.plan_id)
    update = StatusUpdate.objects.select_related("author").get(pk=update.pk)
    if not update.needs_approval:
        raise ValidationError(_("Opdateringen kræver ikke godkendelse."))
    if StatusReview.objects.filter(status_update=update).exists():
        raise ValidationError(_("Opdateringen er allerede godkendt eller sendt tilbage."))
    try:
        with transaction.atomic():
            review = StatusReview.objects.create(
                status_update=update, decision=decision, comment=comment, by=by
            )
    except IntegrityError as exc:
        raise ValidationError(_("Opdateringen er allerede godkendt eller sendt tilbage.")) from exc
    update.initiative = locked
    if decision == StatusReview.Decision.APPROVED:
        current = locked.current_status
        newer = current is None or current.version < update.version
        # The status form was opened before this: the version tells it the status moved.
        Initiative.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, **({"current_status": update} if newer else {})
        )
        notify(
            [update.author],
            NotificationKind.APPROVED,
            target=locked,
            actor=by,
            text=comment,
            event_key=f"status-approved:{update.pk}",
        )
        _notify_status_published(update)
    else:
        notify(
            [update.author],
            NotificationKind.SENT_BACK,
            target=locked,
            actor=by,
            text=comment,
            event_key=f"status-sent-back:{update.pk}",
        )
    return review


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, by: User, completed_on: dt.date, note: str = ""
) -> MilestoneEvent:
    """Mark a milestone as done on `completed_on` and log who did it."""
    locked = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("initiative__plan")
        .get(pk=milestone.pk)
    )
    Plan.objects.check_writable(locked.initiative.plan_id)
    if locked.completed_on is not None:
        raise ValidationError(_("Milepælen er allerede markeret som afsluttet."))
    if locked.cancelled_on is not None or locked.archived_on is not None:
        raise ValidationError(
            _("Milepælen er aflyst eller arkiveret og kan ikke markeres som nået.")
        )
    check_date(
        completed_on,
        plan_date_window(locked.initiative.plan, past_only=True),
        field="completed_on",
    )
    now = timezone.now()
    event = MilestoneEvent.objects.create(
        milestone=locked,
        kind=MilestoneEvent.Kind.COMPLETED,
        completed_on=completed_on,
        note=note.strip(),
        by=by,
        at=now,
    )
    locked.completed_on = completed_on
    locked.completed_by = by
    locked.completed_at = now
    locked.completion_note = note.strip()
    locked.save(update_fields=["completed_on", "completed_by", "completed_at", "completion_note"])
    _copy_completion(locked, milestone)
    return event


def can_undo_completion(milestone: Milestone) -> bool:
    """A completion can be undone on the day it was recorded (Danish time)."""
    return bool(
        milestone.completed_at
        and timezone.localdate(milestone.completed_at) == timezone.localdate()
    )


@transaction.atomic
def milestone_undo_completion(*, milestone: Milestone, by: User) -> MilestoneEvent:
    """Undo a completion recorded today. The completion stays in the milestone's log."""
    locked = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("initiative")
        .get(pk=milestone.pk)
    )
    Plan.objects.check_writable(locked.initiative.plan_id)
    if locked.completed_on is None:
        raise ValidationError(_("Milepælen er ikke markeret som afsluttet."))
    if not can_undo_completion(locked):
        raise ValidationError(
            _("En afslutning kan kun fortrydes samme dag, som den blev registreret.")
        )
    event = MilestoneEvent.objects.create(
        milestone=locked, kind=MilestoneEvent.Kind.REOPENED, by=by
    )
    locked.completed_on = None
    locked.completed_by = None
    locked.completed_at = None
    locked.completion_note = ""
    locked.save(update_fields=["completed_on", "completed_by", "completed_at", "completion_note"])
    _copy_completion(locked, milestone)
    return event


def _copy_completion(source: Milestone, target: Milestone) -> None:
    for name in ("completed_on", "completed_by", "completed_at", "completion_note"):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def milestone_create(
    *,
    initiative: Initiative,
    by: User,
    title: str,
    planned_quarter: dt.date,
    institution=None,
    planned_date: dt.date | None = None,
    description: str = "",
) -> Milestone:
    """Add a milestone to an initiative: plan-wide, or one institution's own (local), in a
    quarter within the tiltag's and the plan's period (Milestone.schedule_errors)."""
    Plan.objects.check_writable(initiative.plan_id)
    if initiative.archived_on is not None:
        raise ValidationError(_("Tiltaget er arkiveret og kan kun læses."), code="archived")
    errors: dict = {}
    title = _require_title(title, errors)
    plan = _plan_of(initiative)
    schedule = Milestone.schedule_errors(
        quarter=planned_quarter,
        date=planned_date,
        initiative_start=initiative.start_quarter,
        initiative_end=initiative.end_quarter,
        plan_start=plan.start_quarter,
        plan_end=plan.end_quarter,
    )
    errors.update(schedule)
    if errors:
        raise ValidationError(errors)
    milestone = Milestone(
        initiative=initiative,
        slug=_unique_slug(Milestone.objects.filter(initiative=initiative), title, "milepael"),
        title=title,
        description=(description or "").strip(),
        planned_quarter=planned_quarter,
        planned_date=planned_date,
        institution=institution,
        order=initiative.milestones.count(),
    )
    _save(milestone, by=by)
    return milestone


# --- Editing and re-planning the plan in the portal --------------------------------------------
#
# Every edit below: keyword-only, one transaction, refuses a write to an earlier plan, checks the
# version the user's form was opened at (`expected_version`) with a compare-and-swap on the
# row's `edit_version` (a second editor gets EditConflict, nothing written, and the view keeps
# their input), and saves through the model so django-simple-history records before and after
# with who did it. Nothing is deleted: spor, themes, tiltag and milestones are archived.


class EditConflict(Exception):
    """Someone else saved the row after the form was opened; `current` is the row as saved."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{current._meta.label} {current.pk} is at version {current.edit_version}")


# Keyword default meaning "leave as it is" (None is a value: no theme, no owner).
KEEP: Any = object()


def _claim(row, *, expected_version: int):
    """Compare-and-swap the row's edit version: locked and fresh, or EditConflict. On
    PostgreSQL the UPDATE waits for a concurrent editor and then finds the version moved on;
    on SQLite writes are serialised. Either way the loser writes nothing."""
    model = type(row)
    claimed = model.objects.filter(pk=row.pk, edit_version=expected_version).update(
        edit_version=F("edit_version") + 1
    )
    fresh = model.objects.get(pk=row.pk)
    if not claimed:
        raise EditConflict(fresh)
    return fresh


def _save(row, *, by: User, reason: str = "", target=None) -> None:
    """Validate and save `row` (a history record with its author and reason); copy the saved
    values onto `target`, the caller's object."""
    row._history_user = by
    if reason:
        row._change_reason = reason[:100]
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    if target is not None:
        for field in row._meta.concrete_fields:
            setattr(target, field.attname, getattr(row, field.attname))


def _unique_slug(queryset, title: str, fallback: str) -> str:
    base = slugify(title)[:100] or fallback
    slug, n = base, 1
    while queryset.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _require_title(title: str, errors: dict) -> str:
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Skriv en titel.")
    return title


def _refuse_archived(row) -> None:
    if row.archived_on is not None:
        raise ValidationError(_("Den er arkiveret og kan kun læses."), code="archived")


def _plan_of(row) -> Plan:
    return Plan.objects.get(pk=row.plan_id)


# --- spor ---


@transaction.atomic
def spor_create(*, plan: Plan, by: User, title: str, description: str = "") -> Spor:
    """A new spor, numbered after the plan's last."""
    Plan.objects.check_writable(plan.pk)
    errors: dict = {}
    title = _require_title(title, errors)
    if errors:
        raise ValidationError(errors)
    number = (Spor.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    spor = Spor(
        plan=plan,
        number=number,
        slug=_unique_slug(Spor.objects.filter(plan=plan), title, "spor"),
        title=title,
        description=(description or "").strip(),
    )
    _save(spor, by=by)
    return spor


@transaction.atomic
def spor_edit(*, spor: Spor, by: User, title: str, description: str, expected_version: int) -> Spor:
    """Change a spor's title and description."""
    Plan.objects.check_writable(spor.plan_id)
    errors: dict = {}
    title = _require_title(title, errors)
    if errors:
        raise ValidationError(errors)
    row = _claim(spor, expected_version=expected_version)
    _refuse_archived(row)
    row.title, row.description = title, (description or "").strip()
    _save(row, by=by, target=spor)
    return spor


@transaction.atomic
def spor_archive(*, spor: Spor, by: User, expected_version: int) -> Spor:
    """Archive a spor: out of lists and figures, still readable. Its tiltag go first (each is
    archived or kept on purpose), so nothing disappears from the figures unseen."""
    Plan.objects.check_writable(spor.plan_id)
    row = _claim(spor, expected_version=expected_version)
    _refuse_archived(row)
    if row.initiatives.active().exists():
        raise ValidationError(
            _("Sporet har tiltag, der ikke er arkiveret. Arkivér dem først."), code="in_use"
        )
    row.archived_on = timezone.localdate()
    row.themes.active().update(archived_on=row.archived_on)
    _save(row, by=by, reason="arkiveret", target=spor)
    return spor


# --- themes ---


@transaction.atomic
def theme_create(*, spor: Spor, by: User, title: str, description: str = "") -> Theme:
    Plan.objects.check_writable(spor.plan_id)
    errors: dict = {}
    title = _require_title(title, errors)
    if errors:
        raise ValidationError(errors)
    _refuse_archived(spor)
    theme = Theme(
        spor=spor,
        slug=_unique_slug(Theme.objects.filter(spor=spor), title, "tema"),
        title=title,
        description=(description or "").strip(),
        order=spor.themes.count(),
    )
    _save(theme, by=by)
    return theme


@transaction.atomic
def theme_edit(
    *, theme: Theme, by: User, title: str, description: str, expected_version: int
) -> Theme:
    Plan.objects.check_writable(theme.spor.plan_id)
    errors: dict = {}
    title = _require_title(title, errors)
    if errors:
        raise ValidationError(errors)
    row = _claim(theme, expected_version=expected_version)
    _refuse_archived(row)
    row.title, row.description = title, (description or "").strip()
    _save(row, by=by, target=theme)
    return theme


@transaction.atomic
def theme_archive(*, theme: Theme, by: User, expected_version: int) -> Theme:
    """Archive a theme that no active tiltag belongs to."""
    Plan.objects.check_writable(theme.spor.plan_id)
    row = _claim(theme, expected_version=expected_version)
    _refuse_archived(row)
    if row.initiatives.active().exists():
        raise ValidationError(
            _("Temaet har tiltag, der ikke er arkiveret. Flyt eller arkivér dem først."),
            code="in_use",
        )
    row.archived_on = timezone.localdate()
    _save(row, by=by, reason="arkiveret", target=theme)
    return theme


# --- tiltag ---


def _initiative_errors(row: Initiative, plan: Plan) -> dict:
    """The tiltag's period in the plan's (Initiative.period_errors, keyed by form field), its
    theme in its spor, and its open milestones inside its period."""
    errors = {
        {"start": "start_quarter", "end": "end_quarter"}[name]: message
        for name, message in Initiative.period_errors(
            start=row.start_quarter,
            end=row.end_quarter,
            plan_start=plan.start_quarter,
            plan_end=plan.end_quarter,
        ).items()
    }
    if row.theme_id and row.theme.spor_id != row.spor_id:
        errors["theme"] = _("Temaet hører ikke til tiltagets spor.")
    if row.lead_area_id and row.lead_area.plan_id != plan.pk:
        errors["lead_area"] = _("Området hører ikke til planen.")
    if row.owner_body_id and row.owner_body.plan_id != plan.pk:
        errors["owner_body"] = _("Gruppen hører ikke til planen.")
    if row.pk and not errors:
        outside = [
            m.title
            for m in row.milestones.active().filter(cancelled_on__isnull=True)
            if Milestone.schedule_errors(
                quarter=m.planned_quarter,
                date=None,
                initiative_start=row.start_quarter,
                initiative_end=row.end_quarter,
                plan_start=plan.start_quarter,
                plan_end=plan.end_quarter,
            )
        ]
        if outside:
            errors["start_quarter"] = _(
                "Milepælene %(titles)s ligger uden for den nye periode. Flyt dem først."
            ) % {"titles": ", ".join(f"“{t}”" for t in outside[:5])}
    return errors


def _link_recommendations(initiative: Initiative, recommendations, by: User) -> None:
    """Link exactly `recommendations` to the tiltag, from the recommendation's side so that each
    link change is in that recommendation's history."""
    wanted = {r.pk: r for r in recommendations}
    for rec in Recommendation.objects.filter(initiatives=initiative).exclude(pk__in=wanted):
        rec._history_user = by
        rec.initiatives.remove(initiative)
    linked = set(Recommendation.objects.filter(initiatives=initiative).values_list("pk", flat=True))
    for pk, rec in wanted.items():
        if pk not in linked:
            rec._history_user = by
            rec.initiatives.add(initiative)


@transaction.atomic
def initiative_create(
    *,
    spor: Spor,
    by: User,
    title: str,
    lead_area: Area,
    start_quarter: dt.date,
    end_quarter: dt.date | None = None,
    description: str = "",
    theme: Theme | None = None,
    owner: User | None = None,
    owner_body: GovernanceBody | None = None,
    institutions=(),
    recommendations=(),
) -> Initiative:
    """A new tiltag in `spor`, last in its order, within the plan's period."""
    Plan.objects.check_writable(spor.plan_id)
    _refuse_archived(spor)
    plan = _plan_of(spor)
    errors: dict = {}
    title = _require_title(title, errors)
    row = Initiative(
        plan=plan,
        spor=spor,
        theme=theme,
        slug=_unique_slug(Initiative.objects.filter(plan=plan), title, "tiltag"),
        title=title,
        description=(description or "").strip(),
        lead_area=lead_area,
        owner=owner,
        owner_body=owner_body,
        start_quarter=start_quarter,
        end_quarter=end_quarter,
        order=spor.initiatives.count(),
    )
    errors.update(_initiative_errors(row, plan))
    if errors:
        raise ValidationError(errors)
    _save(row, by=by)
    row.institutions.set(institutions)
    _link_recommendations(row, recommendations, by)
    return row


@transaction.atomic
def initiative_edit(
    *,
    initiative: Initiative,
    by: User,
    expected_version: int,
    title: str = KEEP,
    description: str = KEEP,
    theme: Theme | None = KEEP,
    lead_area: Area = KEEP,
    owner: User | None = KEEP,
    owner_body: GovernanceBody | None = KEEP,
    start_quarter: dt.date = KEEP,
    end_quarter: dt.date | None = KEEP,
    institutions=KEEP,
    recommendations=KEEP,
) -> Initiative:
    """Change what is given of a tiltag (an owner's form gives only the description); the spor
    stays. Refused when another editor saved first (EditConflict) or the period does not fit."""
    Plan.objects.check_writable(initiative.plan_id)
    plan = _plan_of(initiative)
    row = _claim(initiative, expected_version=expected_version)
    _refuse_archived(row)
    errors: dict = {}
    if title is not KEEP:
        row.title = _require_title(title, errors)
    if description is not KEEP:
        row.description = (description or "").strip()
    for name, value in (
        ("theme", theme),
        ("lead_area", lead_area),
        ("owner", owner),
        ("owner_body", owner_body),
        ("start_quarter", start_quarter),
        ("end_quarter", end_quarter),
    ):
        if value is not KEEP:
            setattr(row, name, value)
    errors.update(_initiative_errors(row, plan))
    if errors:
        raise ValidationError(errors)
    _save(row, by=by, target=initiative)
    if institutions is not KEEP and set(institutions) != set(row.institutions.all()):
        row._history_user = by
        row.institutions.set(institutions)
    if recommendations is not KEEP:
        _link_recommendations(row, recommendations, by)
    return initiative


@transaction.atomic
def initiative_archive(*, initiative: Initiative, by: User, expected_version: int) -> Initiative:
    """Archive a tiltag and its milestones: out of lists, figures and reminders, still
    readable with its history."""
    Plan.objects.check_writable(initiative.plan_id)
    row = _claim(initiative, expected_version=expected_version)
    _refuse_archived(row)
    today = timezone.localdate()
    row.archived_on = today
    _save(row, by=by, reason="arkiveret", target=initiative)
    for milestone in row.milestones.active():
        milestone.archived_on = today
        milestone.edit_version += 1
        _save(milestone, by=by, reason="arkiveret med tiltaget")
    return initiative


# --- milestones ---


def _schedule_check(milestone: Milestone, quarter: dt.date) -> None:
    initiative = milestone.initiative
    plan = _plan_of(initiative)
    errors = Milestone.schedule_errors(
        quarter=quarter,
        date=None,
        initiative_start=initiative.start_quarter,
        initiative_end=initiative.end_quarter,
        plan_start=plan.start_quarter,
        plan_end=plan.end_quarter,
    )
    if errors:
        raise ValidationError(errors)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv en begrundelse.")})
    return reason


def _open_milestone(milestone: Milestone, expected_version: int) -> Milestone:
    row = _claim(milestone, expected_version=expected_version)
    _refuse_archived(row)
    if row.initiative.archived_on is not None:
        raise ValidationError(_("Tiltaget er arkiveret og kan kun læses."), code="archived")
    if row.cancelled_on is not None:
        raise ValidationError(_("Milepælen er aflyst."), code="cancelled")
    return row


@transaction.atomic
def milestone_edit(
    *,
    milestone: Milestone,
    by: User,
    expected_version: int,
    title: str,
    description: str,
    institution=KEEP,
) -> Milestone:
    """Change a milestone's title, description (and institution); its quarter changes only by
    `milestone_replan`, with a reason."""
    Plan.objects.check_writable(milestone.initiative.plan_id)
    errors: dict = {}
    title = _require_title(title, errors)
    if errors:
        raise ValidationError(errors)
    row = _open_milestone(milestone, expected_version)
    row.title, row.description = title, (description or "").strip()
    if institution is not KEEP:
        row.institution = institution
    _save(row, by=by, target=milestone)
    return milestone


@transaction.atomic
def milestone_replan(
    *, milestone: Milestone, by: User, to_quarter: dt.date, reason: str, expected_version: int
) -> MilestoneEvent:
    """Move a milestone to another quarter, with a required reason. The quarter it was first
    planned for is kept (`original_quarter`, set once) and the move is appended to its log, so
    the slippage stays visible ("flyttet fra … til …: reason")."""
    Plan.objects.check_writable(milestone.initiative.plan_id)
    reason = _require_reason(reason)
    row = _open_milestone(milestone, expected_version)
    if row.completed_on is not None:
        raise ValidationError(_("Milepælen er nået og kan ikke flyttes."), code="done")
    if to_quarter == row.planned_quarter:
        raise ValidationError({"quarter": _("Vælg et andet kvartal end det planlagte.")})
    _schedule_check(row, to_quarter)
    event = MilestoneEvent.objects.create(
        milestone=row,
        kind=MilestoneEvent.Kind.REPLANNED,
        from_quarter=row.planned_quarter,
        to_quarter=to_quarter,
        note=reason,
        by=by,
    )
    if row.original_quarter is None:
        row.original_quarter = row.planned_quarter
    row.planned_quarter = to_quarter
    # A date belongs to the quarter it was in; the new quarter has none until someone sets it.
    row.planned_date = None
    _save(row, by=by, reason=reason, target=milestone)
    return event


@transaction.atomic
def milestone_cancel(
    *, milestone: Milestone, by: User, reason: str, expected_version: int
) -> MilestoneEvent:
    """Cancel a milestone, with a required reason: it stays on the tiltag as "aflyst" and is
    never due nor overdue again."""
    Plan.objects.check_writable(milestone.initiative.plan_id)
    reason = _require_reason(reason)
    row = _open_milestone(milestone, expected_version)
    if row.completed_on is not None:
        raise ValidationError(_("Milepælen er nået og kan ikke aflyses."), code="done")
    now = timezone.now()
    event = MilestoneEvent.objects.create(
        milestone=row, kind=MilestoneEvent.Kind.CANCELLED, note=reason, by=by, at=now
    )
    row.cancelled_on, row.cancel_reason = timezone.localdate(now), reason
    _save(row, by=by, reason=reason, target=milestone)
    return event


@transaction.atomic
def milestone_archive(*, milestone: Milestone, by: User, expected_version: int) -> Milestone:
    """Archive a milestone: out of lists and figures, still readable with its log."""
    Plan.objects.check_writable(milestone.initiative.plan_id)
    row = _claim(milestone, expected_version=expected_version)
    _refuse_archived(row)
    row.archived_on = timezone.localdate()
    _save(row, by=by, reason="arkiveret", target=milestone)
    return milestone


@transaction.atomic
def initiative_assign_owner(
    *, initiative: Initiative, by: User, owner: User, expected_version: int
) -> Initiative:
    """Make `owner` the tiltag's accountable owner ("Tildel ejer"), kept in its history.

    Only people whose work reaches them may own a tiltag (`selectors.owner_candidates`: an
    active user with "Mine milepæle"). Versioned as every edit of a tiltag (its
    `edit_version`, not the status version: an open status form is not disturbed): if the
    tiltag was edited since the form was opened at `expected_version`, EditConflict is raised
    and nothing is written.
    """
    Plan.objects.check_writable(initiative.plan_id)
    if not owner_candidates().filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("%(name)s kan ikke være ejer af et tiltag.") % {"name": owner}}
        )
    locked = _claim(initiative, expected_version=expected_version)
    locked.owner = owner
    locked._history_user = by
    locked.save(update_fields=["owner", "edit_version"])
    initiative.owner = owner
    initiative.edit_version = locked.edit_version
    return locked
