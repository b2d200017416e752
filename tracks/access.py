"""Object-level access to plan content. Views fetch protected objects only through these."""

from django.shortcuts import get_object_or_404

from omstilling.access import RefusedForbidden
from omstilling.models import Plan, Role, User
from tracks.models import Initiative, Milestone, Spor, StatusUpdate, Theme


def _related_ids(user: User, relation: str) -> frozenset[int]:
    """Pks of the user's `governance_bodies` or `institutions`, looked up once per user object.

    Pages check many objects per request; without this, each check was its own query.
    """
    attr = f"_access_{relation}_ids"
    ids = getattr(user, attr, None)
    if ids is None:
        ids = frozenset(getattr(user, relation).values_list("pk", flat=True))
        setattr(user, attr, ids)
    return ids


def current_plan_pk(user: User) -> int | None:
    """The current plan's pk, looked up once per user object (as `_related_ids`): only its
    content is written to; an earlier plan is read-only for everyone."""
    if not hasattr(user, "_access_current_plan_pk"):
        user._access_current_plan_pk = Plan.objects.current_pk()
    return user._access_current_plan_pk


def can_edit_initiative(user: User, initiative: Initiative) -> bool:
    """Chefgruppen edits every initiative of the current plan; an owner (or a member of the
    owning group) their own. Nobody edits an earlier plan."""
    if not (user.is_authenticated and user.is_active) or user.role in ("", Role.BFU):
        return False
    if initiative.plan_id != current_plan_pk(user):
        return False
    if user.role == Role.CHEFGRUPPE or initiative.owner_id == user.pk:
        return True
    return bool(
        initiative.owner_body_id
        and initiative.owner_body_id in _related_ids(user, "governance_bodies")
    )


def can_see_drafts(user: User, initiative: Initiative) -> bool:
    """Draft status updates (waiting for approval) are seen by chefgruppen, the owner and the
    owning group (those who may edit the initiative) — never by BFU. Their author is one of
    these. An earlier plan's drafts are seen by chefgruppen and the owners too."""
    if not (user.is_authenticated and user.is_active) or user.role in ("", Role.BFU):
        return False
    if user.role == Role.CHEFGRUPPE or initiative.owner_id == user.pk:
        return True
    return bool(
        initiative.owner_body_id
        and initiative.owner_body_id in _related_ids(user, "governance_bodies")
    )


def can_review_status(user: User, initiative: Initiative) -> bool:
    """Chefgruppen approves or sends back draft status updates of the current plan."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.CHEFGRUPPE
        and initiative.plan_id == current_plan_pk(user)
    )


def can_assign_owner(user: User, initiative: Initiative) -> bool:
    """Chefgruppen gives a tiltag of the current plan its accountable owner ("Tildel ejer");
    an owner does not hand their tiltag on, nor take one."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.CHEFGRUPPE
        and initiative.plan_id == current_plan_pk(user)
    )


def can_follow_initiative(user: User, initiative: Initiative) -> bool:
    """Every role that reads plan content follows tiltag ("Følg tiltag"), except BFU, which
    never writes anything in the portal."""
    return bool(user.is_authenticated and user.is_active and user.role and user.role != Role.BFU)


def can_complete_milestone(user: User, milestone: Milestone) -> bool:
    """Editors of the initiative, and leaders of the institution a local milestone belongs to."""
    if can_edit_initiative(user, milestone.initiative):
        return True
    return bool(
        user.role == Role.LEDER
        and milestone.institution_id
        and milestone.institution_id in _related_ids(user, "institutions")
    )


# What a page about one tiltag shows of it, fetched with it in one query.
INITIATIVE_RELATED = ("spor", "theme", "lead_area", "owner", "owner_body", "current_status__author")


def get_initiative_for_user(
    user: User, pk: int, *, write: bool = False, related: tuple[str, ...] = INITIATIVE_RELATED
) -> Initiative:
    """The initiative, or 404 if it does not exist and 403 if `write` and the user may not edit.

    `related`: what to fetch with it. A join of all six costs PostgreSQL some 4 ms to plan (at
    every request: Django binds parameters on the client, so nothing is prepared), where the
    tiltag page's frame needs the spor only (the rest is in its cached part)."""
    initiative = get_object_or_404(Initiative.objects.select_related(*related), pk=pk)
    if write and not can_edit_initiative(user, initiative):
        raise RefusedForbidden(model=Initiative._meta.label, object_id=pk)
    return initiative


def get_initiative_to_assign(user: User, pk: int) -> Initiative:
    """The initiative whose owner `user` is to set, or 404/403 (`can_assign_owner`)."""
    initiative = get_initiative_for_user(user, pk)
    if not can_assign_owner(user, initiative):
        raise RefusedForbidden(model=Initiative._meta.label, object_id=pk)
    return initiative


def get_milestone_for_user(user: User, pk: int, *, write: bool = False) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.select_related("initiative", "institution", "completed_by"), pk=pk
    )
    if write and not can_complete_milestone(user, milestone):
        raise RefusedForbidden(model=Milestone._meta.label, object_id=pk)
    return milestone


# --- Editing the plan's content -----------------------------------------------------------------


def can_edit_plan(user: User, plan_pk: int) -> bool:
    """Chefgruppen edits the current plan's structure: spor, themes, tiltag (every field),
    archiving. Nobody edits an earlier plan."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.CHEFGRUPPE
        and plan_pk == current_plan_pk(user)
    )


def can_edit_initiative_content(user: User, initiative: Initiative) -> bool:
    """Who edits a tiltag's description and milestones (add, edit, re-plan, cancel): its
    editors (chefgruppen, the owner, the owning group's members), while it is not archived."""
    return initiative.archived_on is None and can_edit_initiative(user, initiative)


def can_read_initiative_history(user: User, initiative: Initiative) -> bool:
    """The "Historik" of a tiltag's edits (before and after): chefgruppen, administrators and
    the tiltag's owner or owning group — also for an earlier plan, which they only read."""
    if not (user.is_authenticated and user.is_active) or user.role in ("", Role.BFU):
        return False
    if user.role in (Role.CHEFGRUPPE, Role.ADMIN) or initiative.owner_id == user.pk:
        return True
    return bool(
        initiative.owner_body_id
        and initiative.owner_body_id in _related_ids(user, "governance_bodies")
    )


def get_spor_for_user(user: User, pk: int, *, write: bool = False) -> Spor:
    spor = get_object_or_404(Spor.objects.select_related("plan"), pk=pk)
    if write and not can_edit_plan(user, spor.plan_id):
        raise RefusedForbidden(model=Spor._meta.label, object_id=pk)
    return spor


def get_theme_for_user(user: User, pk: int, *, write: bool = False) -> Theme:
    theme = get_object_or_404(Theme.objects.select_related("spor"), pk=pk)
    if write and not can_edit_plan(user, theme.spor.plan_id):
        raise RefusedForbidden(model=Theme._meta.label, object_id=pk)
    return theme


def get_initiative_for_editor(user: User, pk: int, *, structure: bool = False) -> Initiative:
    """The tiltag to edit: its content (description, milestones) for its editors, its structure
    (`structure`: every field, archiving) for chefgruppen only; 404/403 otherwise."""
    initiative = get_initiative_for_user(user, pk)
    allowed = (
        can_edit_plan(user, initiative.plan_id)
        if structure
        else can_edit_initiative_content(user, initiative)
    )
    if not allowed:
        raise RefusedForbidden(model=Initiative._meta.label, object_id=pk)
    return initiative


def get_milestone_for_editor(user: User, pk: int, *, structure: bool = False) -> Milestone:
    """A milestone to edit, re-plan or cancel (its tiltag's editors) or archive (`structure`:
    chefgruppen); 404/403 otherwise."""
    milestone = get_object_or_404(
        Milestone.objects.select_related("initiative__plan", "institution"), pk=pk
    )
    initiative = milestone.initiative
    allowed = (
        can_edit_plan(user, initiative.plan_id)
        if structure
        else can_edit_initiative_content(user, initiative)
    )
    if not allowed:
        raise RefusedForbidden(model=Milestone._meta.label, object_id=pk)
    return milestone


def get_status_update_for_review(user: User, pk: int) -> StatusUpdate:
    """A draft status update for chefgruppen to review: 404 if there is no such draft (or it is
    decided already), 403 for everyone else."""
    update = get_object_or_404(
        StatusUpdate.objects.select_related("initiative__spor", "author"),
        pk=pk,
        needs_approval=True,
        review__isnull=True,
    )
    if not can_review_status(user, update.initiative):
        raise RefusedForbidden(model=StatusUpdate._meta.label, object_id=pk)
    return update
