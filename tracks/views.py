from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.services import follow, is_following, unfollow
from omstilling.access import (
    RefusedForbidden,
    current_plan_or_404,
    reader_required,
    role_required,
    viewed_plan_or_404,
    writer_required,
)
from omstilling.models import Role
from tracks import selectors
from tracks.access import (
    can_complete_milestone,
    can_edit_initiative,
    can_follow_initiative,
    can_review_status,
    current_plan_pk,
    get_initiative_for_user,
    get_milestone_for_user,
    get_status_update_for_review,
)
from tracks.exports import initiatives_export
from tracks.forms import (
    InitiativeFilterForm,
    MilestoneCompleteForm,
    StatusReviewForm,
    StatusUpdateForm,
)
from tracks.services import (
    StatusConflict,
    can_undo_completion,
    initiative_update_status,
    milestone_complete,
    milestone_undo_completion,
    status_review,
)


@reader_required
def plan_overview(request: HttpRequest) -> HttpResponse:
    plan = viewed_plan_or_404(request)
    return render(
        request,
        "tracks/overview.html",
        {
            "plan": plan,
            "spor_list": selectors.spor_overview(plan=plan),
            "progress_rule": _(selectors.PROGRESS_RULE),
        },
    )


def _filtered_initiatives(request: HttpRequest):
    plan = viewed_plan_or_404(request)
    form = InitiativeFilterForm(request.GET or None, plan=plan)
    # A bad value (e.g. a hand-edited URL) is shown as an error on its field; the other
    # filters still apply.
    filters = form.cleaned_data if (form.is_valid() or form.is_bound) else {}
    return plan, form, selectors.initiative_list(plan=plan, filters=filters)


@reader_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    plan, form, queryset = _filtered_initiatives(request)
    initiatives = list(queryset)
    template = "tracks/initiative_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, {"plan": plan, "form": form, "initiatives": initiatives})


@reader_required
@require_GET
def initiative_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered initiative list as .xlsx or .csv (same filters as the list page)."""
    _plan, _form, initiatives = _filtered_initiatives(request)
    return initiatives_export(initiatives=initiatives, fmt=fmt)


def _follow_context(request: HttpRequest, initiative) -> dict:
    can_follow = can_follow_initiative(request.user, initiative)
    return {
        "can_follow": can_follow,
        "following": can_follow and is_following(user=request.user, target=initiative),
    }


def _detail_context(request: HttpRequest, initiative) -> dict:
    context = {
        "initiative": initiative,
        "can_edit": can_edit_initiative(request.user, initiative),
        **_follow_context(request, initiative),
        **selectors.initiative_detail(initiative=initiative, user=request.user),
        "can_review": can_review_status(request.user, initiative),
    }
    for milestone in context["milestones"]:
        milestone.initiative = initiative
        milestone.user_can_complete = can_complete_milestone(request.user, milestone)
        milestone.user_can_undo = milestone.user_can_complete and can_undo_completion(milestone)
    return context


def _status_panel_context(request: HttpRequest, initiative, **extra) -> dict:
    return {
        "initiative": initiative,
        "can_edit": can_edit_initiative(request.user, initiative),
        "can_review": can_review_status(request.user, initiative),
        "history": selectors.status_history(initiative=initiative, user=request.user),
        **extra,
    }


@reader_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_for_user(request.user, pk)
    if request.htmx and request.htmx.target == "status-panel":
        return render(
            request,
            "tracks/initiative_detail.html#status-panel",
            _status_panel_context(request, initiative),
        )
    return render(request, "tracks/initiative_detail.html", _detail_context(request, initiative))


def _saved_message(update) -> str:
    if update.needs_approval:
        return _("Din statusopdatering er gemt som kladde og afventer chefgruppens godkendelse.")
    return _("Status er gemt.")


@writer_required
@require_http_methods(["GET", "POST"])
def initiative_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Update an initiative's status: inline with htmx, or as its own page without JavaScript."""
    initiative = get_initiative_for_user(request.user, pk, write=True)
    conflict = None
    if request.method == "POST":
        form = StatusUpdateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                update = initiative_update_status(
                    initiative=initiative,
                    by=request.user,
                    state=data["state"],
                    health=data["health"],
                    progress=data["progress"],
                    narrative=data["narrative"],
                    next_steps=data["next_steps"],
                    expected_version=data["expected_version"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except StatusConflict as exc:
                # Keep the user's input; show what the other person saved; let them decide.
                initiative = get_initiative_for_user(request.user, pk, write=True)
                # The newest update, a draft too: the editor may see it.
                conflict = selectors.latest_status(initiative=initiative)
                form = StatusUpdateForm(
                    {**request.POST.dict(), "expected_version": exc.initiative.version}
                )
                form.is_valid()
            else:
                if request.htmx:
                    return render(
                        request,
                        "tracks/initiative_detail.html#status-panel",
                        _status_panel_context(
                            request,
                            initiative,
                            just_saved=True,
                            saved_as_draft=update.needs_approval,
                        ),
                    )
                messages.success(request, _saved_message(update))
                return redirect("tracks:initiative_detail", pk=initiative.pk)
    else:
        # The published status; the user's own draft, when they wrote one since.
        current = initiative.current_status
        latest = selectors.latest_status(initiative=initiative)
        if latest and latest.needs_approval and latest.author_id == request.user.pk:
            current = latest
        initial = {"expected_version": initiative.version}
        if current:
            initial.update(
                state=current.state,
                health=current.health,
                progress=current.progress,
                next_steps=current.next_steps,
            )
        form = StatusUpdateForm(initial=initial)
    template = "tracks/status_form.html"
    if request.htmx:
        template += "#status-form"
    # htmx swaps only 2xx answers; a page without JavaScript gets the honest 409.
    status = 409 if conflict and not request.htmx else 200
    return render(
        request,
        template,
        {"initiative": initiative, "form": form, "conflict": conflict},
        status=status,
    )


@writer_required
@require_POST
def initiative_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Følg tiltag" / "Følg ikke længere": status updates of a followed tiltag are notified."""
    initiative = get_initiative_for_user(request.user, pk)
    if not can_follow_initiative(request.user, initiative):
        raise RefusedForbidden(model=initiative._meta.label, object_id=pk)
    if request.POST.get("follow") == "1":
        follow(user=request.user, target=initiative)
        message = _("Du følger nu tiltaget og får besked, når det ændres.")
    else:
        unfollow(user=request.user, target=initiative)
        message = _("Du følger ikke længere tiltaget.")
    if request.htmx:
        response = render(
            request,
            "tracks/initiative_detail.html#follow",
            {
                "initiative": initiative,
                **_follow_context(request, initiative),
                "follow_message": message,
            },
        )
        patch_vary_headers(response, ("HX-Request",))
        return response
    messages.success(request, message)
    return redirect("tracks:initiative_detail", pk=initiative.pk)


@reader_required
def my_milestones(request: HttpRequest) -> HttpResponse:
    # The current plan's pk as the access checks below look it up (one query for both).
    milestones = selectors.milestones_for_user(
        user=request.user, plan=current_plan_pk(request.user)
    )
    for milestone in milestones:
        milestone.user_can_complete = can_complete_milestone(request.user, milestone)
        milestone.user_can_undo = milestone.user_can_complete and can_undo_completion(milestone)
    return render(request, "tracks/my_milestones.html", {"milestones": milestones})


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    # A path on this site only: redirect() would take anything else for a URL name.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _milestone_row(request: HttpRequest, milestone, message: str = "") -> HttpResponse:
    milestone.user_can_complete = can_complete_milestone(request.user, milestone)
    milestone.user_can_undo = milestone.user_can_complete and can_undo_completion(milestone)
    return render(
        request,
        "tracks/my_milestones.html#milestone-row",
        {"milestone": milestone, "row_message": message},
    )


@writer_required
@require_http_methods(["GET", "POST"])
def milestone_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_user(request.user, pk, write=True)
    next_url = _next_url(request, reverse("tracks:my_milestones"))
    form = MilestoneCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone_complete(
                milestone=milestone,
                by=request.user,
                completed_on=form.cleaned_data["completed_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                return _milestone_row(request, milestone, _("Milepælen er markeret som nået."))
            messages.success(request, _("Milepælen “%s” er markeret som nået.") % milestone.title)
            return redirect(next_url)
    template = "tracks/milestone_complete.html"
    if request.htmx:
        template += "#complete-form"
    return render(request, template, {"milestone": milestone, "form": form, "next_url": next_url})


@writer_required
@require_POST
def milestone_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_user(request.user, pk, write=True)
    next_url = _next_url(request, reverse("tracks:my_milestones"))
    try:
        milestone_undo_completion(milestone=milestone, by=request.user)
    except ValidationError as exc:
        if request.htmx:
            return _milestone_row(request, milestone, " ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
        return redirect(next_url)
    if request.htmx:
        return _milestone_row(request, milestone, _("Afslutningen er fortrudt."))
    messages.success(request, _("Afslutningen af “%s” er fortrudt.") % milestone.title)
    return redirect(next_url)


APPROVALS_PAGE_SIZE = 20


@role_required(Role.CHEFGRUPPE)
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """Chefgruppen's queue: draft status updates waiting for approval, oldest first."""
    plan = current_plan_or_404()
    page = Paginator(selectors.pending_drafts(plan=plan), APPROVALS_PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    for update in page.object_list:
        update.review_form = StatusReviewForm(prefix=f"s{update.pk}")
    return render(request, "tracks/approvals.html", {"page": page, "plan": plan})


@writer_required
@require_http_methods(["GET", "POST"])
def status_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a draft status update or send it back with a comment (chefgruppen). Its own page
    without JavaScript; on the approval queue the form swaps its row with htmx."""
    update = get_status_update_for_review(request.user, pk)
    prefix = f"s{update.pk}"
    form = StatusReviewForm(request.POST or None, prefix=prefix)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = status_review(
                update=update,
                by=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            message = _review_message(done)
            if not request.htmx:
                messages.success(request, message)
                return redirect("tracks:approvals")
    update.review_form = form
    context = {"update": update, "review_message": done and _review_message(done)}
    if request.htmx:
        response = render(request, "tracks/approvals.html#draft", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    return render(request, "tracks/status_review.html", context)


def _review_message(review) -> str:
    if review.decision == review.Decision.APPROVED:
        return _("Opdateringen af “%s” er godkendt og offentliggjort.") % (
            review.status_update.initiative.title
        )
    return _("Opdateringen af “%s” er sendt tilbage til forfatteren.") % (
        review.status_update.initiative.title
    )
