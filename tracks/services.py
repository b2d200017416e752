"""Writes to the plan's content. Every change appends history; nothing is overwritten."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notify, notify_followers
from omstilling.bounds import check_date, plan_date_window
from omstilling.models import Plan, Role, User
from tracks.models import (
    Health,
    Initiative,
    Milestone,
    MilestoneEvent,
    PlanWorkflow,
    StatusReview,
    StatusUpdate,
)


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
    """Add a milestone to an initiative: plan-wide, or one institution's own (local)."""
    Plan.objects.check_writable(initiative.plan_id)
    if not title.strip():
        raise ValidationError({"title": _("Skriv en titel.")})
    base = slugify(title)[:100] or "milepael"
    slug, n = base, 1
    while Milestone.objects.filter(initiative=initiative, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    milestone = Milestone(
        initiative=initiative,
        slug=slug,
        title=title.strip(),
        description=description.strip(),
        planned_quarter=planned_quarter,
        planned_date=planned_date,
        institution=institution,
        order=initiative.milestones.count(),
    )
    milestone._history_user = by
    milestone.full_clean()
    milestone.save()
    return milestone
