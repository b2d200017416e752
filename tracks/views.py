import copy
import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.services import follow, is_following, unfollow
from omstilling.access import (
    RefusedForbidden,
    current_plan_or_404,
    reader_required,
    request_current_plan,
    role_required,
    viewed_plan_or_404,
    writer_required,
)
from omstilling.cache import Family, cached, cached_fragment, request_generations
from omstilling.forms import apply_service_errors
from omstilling.models import Role
from omstilling.pages import list_request, paginate
from omstilling.quarters import Quarter, quarter_began
from tracks import history, selectors
from tracks.access import (
    _related_ids,
    can_assign_owner,
    can_complete_milestone,
    can_edit_initiative,
    can_edit_initiative_content,
    can_edit_plan,
    can_follow_initiative,
    can_read_initiative_history,
    can_review_status,
    can_see_drafts,
    current_plan_pk,
    get_initiative_for_editor,
    get_initiative_for_user,
    get_initiative_to_assign,
    get_milestone_for_editor,
    get_milestone_for_user,
    get_spor_for_user,
    get_status_update_for_review,
    get_theme_for_user,
)
from tracks.exports import initiatives_export
from tracks.forms import (
    ArchiveForm,
    AssignOwnerForm,
    InitiativeDescriptionForm,
    InitiativeEditForm,
    InitiativeFilterForm,
    InitiativeForm,
    MilestoneCancelForm,
    MilestoneCompleteForm,
    MilestoneEditForm,
    MilestoneFilterForm,
    MilestoneForm,
    MilestoneReplanForm,
    SporEditForm,
    SporForm,
    StatusReviewForm,
    StatusUpdateForm,
    ThemeEditForm,
    ThemeForm,
    plan_quarter_choices,
)
from tracks.models import Initiative, Spor
from tracks.services import (
    EditConflict,
    StatusConflict,
    can_undo_completion,
    initiative_archive,
    initiative_assign_owner,
    initiative_create,
    initiative_edit,
    initiative_update_status,
    milestone_archive,
    milestone_cancel,
    milestone_complete,
    milestone_create,
    milestone_edit,
    milestone_replan,
    milestone_undo_completion,
    spor_archive,
    spor_create,
    spor_edit,
    status_review,
    theme_archive,
    theme_create,
    theme_edit,
)

# The history page asked for: ?historik=2 shows the second ten updates.
HISTORY_PARAM = "historik"


@reader_required
def plan_overview(request: HttpRequest) -> HttpResponse:
    """The plan with its spor, each with its first ten tiltag; chefgruppen's "Kræver
    opmærksomhed" above. Everything below the header is one cached fragment: it shows the
    plan's content and areas (the families), what the role may do (edit links, "Tildel ejer":
    the role is in the key, and whether the plan is the current one comes from the plan, a
    CORE write) and, for chefgruppen, what is overdue or quiet today (the day is in the key)."""
    plan = viewed_plan_or_404(request)
    user = request.user

    def render_main() -> str:
        return render_to_string(
            "tracks/overview.html#main",
            {
                "plan": plan,
                "spor_list": selectors.spor_overview(plan=plan),
                "progress_rule": _(selectors.PROGRESS_RULE),
                "attention": selectors.attention_for(user, plan),
                "can_edit_plan": can_edit_plan(user, plan.pk),
                "archived": selectors.archived_content(plan=plan),
            },
            request=request,
        )

    main = cached_fragment(
        request,
        name="tracks.overview",
        families=[Family.PLAN, Family.CORE],
        render=render_main,
        plan=plan.pk,
        today=timezone.localdate().isoformat(),
    )
    return render(request, "tracks/overview.html", {"plan": plan, "main": main})


@reader_required
@require_GET
def attention_list(request: HttpRequest) -> HttpResponse:
    """ "Kræver opmærksomhed" in full: one of the three lists (tiltag without an owner,
    overdue milestones, tiltag without a status update this quarter), paged. The list is a
    cached fragment keyed on the list, its page and the day ("Tildel ejer" is chefgruppen's
    in the current plan: the role and the plan are in the key)."""
    plan = viewed_plan_or_404(request)
    user = request.user
    try:
        kind = selectors.AttentionList(request.GET.get("liste") or "uden-ejer")
    except ValueError:
        kind = selectors.AttentionList.WITHOUT_OWNER
    seen = list_request(request, [])
    seen.GET = seen.GET.copy()
    seen.GET["liste"] = kind.value
    today = timezone.localdate()

    def render_list() -> str:
        rows = selectors.attention_rows(
            plan=plan, kind=kind, today=today, since=quarter_began(today)
        )
        page = paginate(seen, rows)
        for row in page.object_list:
            if kind == selectors.AttentionList.OVERDUE:
                row.days_overdue = max(0, (today - row.due_date).days)
            else:
                row.user_can_assign = can_assign_owner(user, row)
        return render_to_string(
            "tracks/attention_list.html#main",
            {"kind": kind, "kinds": selectors.AttentionList, "page": page},
            request=seen,
        )

    main = cached_fragment(
        request,
        name="tracks.attention_list",
        families=[Family.PLAN, Family.CORE],
        render=render_list,
        plan=plan.pk,
        today=today.isoformat(),
        query=seen.GET.urlencode(),
    )
    return render(request, "tracks/attention_list.html", {"plan": plan, "main": main})


def _filtered_initiatives(request: HttpRequest, plan=None):
    plan = plan or viewed_plan_or_404(request)
    form = InitiativeFilterForm(request.GET or None, plan=plan)
    # A bad value (e.g. a hand-edited URL) is shown as an error on its field; the other
    # filters still apply.
    filters = form.cleaned_data if (form.is_valid() or form.is_bound) else {}
    return plan, form, selectors.initiative_list(plan=plan, filters=filters)


# The list filters a user types freely (the others are choices from the plan).
SEARCHED_FIELDS = ("q", "owner")


def _cached_list(
    request: HttpRequest, *, plan, name: str, template: str, fields, build
) -> HttpResponse:
    """A filtered list's page: its filter form and results as two cached fragments (an htmx
    request for the results gets them alone), keyed on the list's
    query string (its filters and page, as `list_request` keeps them: the form shows them and
    their errors, the results are what they select), the plan and the day (what is overdue,
    this quarter, the newest date a filter takes); the role is always in the key.

    `build(seen)` gives the context of both (the form and the page of rows), made once and
    only when a fragment is not in the cache. The form is a GET form: no CSRF token."""
    seen = list_request(request, fields)
    built: dict = {}

    def context() -> dict:
        if not built:
            built.update(build(seen))
        return built

    def fragment(part: str) -> str:
        return cached_fragment(
            request,
            name=f"{name}.{part}",
            families=[Family.PLAN, Family.CORE],
            render=lambda: render_to_string(f"{template}#{part}", context(), request=seen),
            plan=plan.pk,
            today=timezone.localdate().isoformat(),
            query=seen.GET.urlencode(),
            # A search is what a user typed: rendered each time, never a new cache entry.
            store=not any(seen.GET.get(field) for field in SEARCHED_FIELDS),
        )

    if request.htmx and request.htmx.target == "results":
        return _vary(HttpResponse(fragment("results")))
    parts = {"filters": fragment("filters"), "results": fragment("results")}
    return _vary(render(request, template, {"plan": plan, **parts}))


@reader_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    """The plan's tiltag, filtered, 50 to a page: the filter form and the results are cached
    fragments, the page around them is rendered for every request."""
    plan = viewed_plan_or_404(request)

    def build(seen: HttpRequest) -> dict:
        _plan, form, queryset = _filtered_initiatives(seen, plan)
        return {"form": form, "page": paginate(seen, queryset)}

    return _cached_list(
        request,
        plan=plan,
        name="tracks.initiative_list",
        template="tracks/initiative_list.html",
        fields=InitiativeFilterForm.base_fields,
        build=build,
    )


@reader_required
@require_GET
def milestone_list(request: HttpRequest) -> HttpResponse:
    """Every milestone of the plan, filtered (the dashboard's "se alle" for the overdue ones
    links here), 50 to a page: the filter form and the results are cached fragments (what is
    overdue depends on the day, which is in the key)."""
    plan = viewed_plan_or_404(request)

    def build(seen: HttpRequest) -> dict:
        form = MilestoneFilterForm(seen.GET or None, plan=plan)
        filters = form.cleaned_data if (form.is_valid() or form.is_bound) else {}
        today = timezone.localdate()
        rows = selectors.milestone_list(plan=plan, filters=filters, today=today)
        return {"form": form, "page": paginate(seen, rows), "today": today}

    return _cached_list(
        request,
        plan=plan,
        name="tracks.milestone_list",
        template="tracks/milestone_list.html",
        fields=MilestoneFilterForm.base_fields,
        build=build,
    )


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


def _vary(response: HttpResponse) -> HttpResponse:
    # The same URL answers with the whole page or a part of it: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# The milestones' pages on the tiltag page (?milepaele=2, ?arkiverede=2), beside the history's.
MILESTONE_PARAM = "milepaele"
ARCHIVED_MILESTONE_PARAM = "arkiverede"
_DETAIL_PAGE_PARAMS = (HISTORY_PARAM, MILESTONE_PARAM, ARCHIVED_MILESTONE_PARAM)


def _page_number(value: str | None) -> int:
    """A page number from the query string, as the key of a cached page: anything that is not
    a positive number is the first page (Paginator.get_page reads it the same way)."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), 10**6)


def _detail_rights(request: HttpRequest, initiative) -> dict:
    """What the viewer may do with the tiltag: the page shows it (edit links, the status button,
    the approve link, drafts in the history), so the cached part of the page is keyed on it."""
    # The rights ask for the current plan's pk: the header's lookup gives it (one query).
    request_current_plan(request)
    user = request.user
    return {
        "can_edit": can_edit_initiative(user, initiative),
        "can_edit_content": can_edit_initiative_content(user, initiative),
        "can_assign_owner": can_assign_owner(user, initiative),
        "can_read_history": can_read_initiative_history(user, initiative),
        "can_review": can_review_status(user, initiative),
        "can_see_drafts": can_see_drafts(user, initiative),
    }


def _detail_body(request: HttpRequest, initiative, rights: dict) -> str:
    """The status with its history, the milestones and the recommendations: from the cache
    while nothing of the plan (or the users' names) was written since, for every viewer with
    the same role and the same rights on this tiltag. Drafts are in the history only for those
    who may see them (`can_see_drafts` is in the key); a leader's "Markér som nået" depends on
    their institutions, which are in the key. The Følg form and the comment
    form (CSRF tokens) are rendered outside, for every request."""
    pages = {param: _page_number(request.GET.get(param)) for param in _DETAIL_PAGE_PARAMS}
    # The page's links keep only the page numbers (not whatever else the URL held), so that
    # the same key always gives the same HTML.
    canonical = copy.copy(request)
    canonical.GET = QueryDict(
        urlencode({param: number for param, number in pages.items() if number > 1})
    )
    user = request.user

    def render_body() -> str:
        # Read again after the generations were: the tiltag the frame read before them could
        # predate a write whose bump the key already holds (its current status, its archiving).
        fresh = get_initiative_for_user(user, initiative.pk)
        context = {
            "initiative": fresh,
            **rights,
            "history": selectors.status_history(
                initiative=fresh, user=user, page=pages[HISTORY_PARAM]
            ),
            **selectors.initiative_detail(
                initiative=fresh,
                milestone_page=pages[MILESTONE_PARAM],
                archived_page=pages[ARCHIVED_MILESTONE_PARAM],
            ),
        }
        for milestone in [*context["milestones"], *context["archived_milestones"]]:
            milestone.initiative = fresh
            milestone.user_can_complete = can_complete_milestone(user, milestone)
            milestone.user_can_undo = milestone.user_can_complete and can_undo_completion(milestone)
        # The context processors read the real request (what they look up is kept on it for
        # the frame); the template's links read the canonical one.
        return render_to_string(
            "tracks/initiative_detail.html#detail-body",
            {**context, "request": canonical},
            request=request,
        )

    return cached_fragment(
        request,
        name="initiative-detail",
        families=(Family.PLAN, Family.CORE),
        render=render_body,
        initiative=initiative.pk,
        rights="".join("1" if rights[name] else "0" for name in sorted(rights)),
        # A leader marks their own institutions' milestones as done: their copy is keyed on
        # those institutions (a change to them is no write to any family).
        institutions=(
            ",".join(map(str, sorted(_related_ids(user, "institutions"))))
            if user.role == Role.LEDER
            else ""
        ),
        # "Forsinket 3 dage": the milestones' states are as of today.
        today=timezone.localdate().isoformat(),
        **pages,
    )


# Where the Følg form goes inside the cached part of the tiltag page (rendered per request).
FOLLOW_SLOT = "<!--follow-slot-->"


def _detail_context(request: HttpRequest, initiative) -> dict:
    rights = _detail_rights(request, initiative)
    before, _slot, after = _detail_body(request, initiative, rights).partition(FOLLOW_SLOT)
    return {
        "initiative": initiative,
        **rights,
        **_follow_context(request, initiative),
        # The template puts the Følg form between the two (omstilling.cache: no CSRF token in a
        # cached fragment).
        "detail_before": mark_safe(before),  # noqa: S308 - the cached fragment's own HTML
        "detail_after": mark_safe(after),  # noqa: S308 - the cached fragment's own HTML
    }


def _status_panel_context(request: HttpRequest, initiative, **extra) -> dict:
    return {
        "initiative": initiative,
        "can_edit": can_edit_initiative(request.user, initiative),
        "can_review": can_review_status(request.user, initiative),
        "history": selectors.status_history(initiative=initiative, user=request.user),
        **extra,
    }


def _frame_initiative(request: HttpRequest, pk: int) -> Initiative:
    """The tiltag as the page's frame needs it: its title and spor, and the fields the viewer's
    rights are decided from (plan, owner, owning group, archived). Kept in the cache like the
    parts it frames, so that a hit reads nothing of the tiltag from the database; the same for
    every reader (every role that reaches the page reads every tiltag). Everything else the page
    shows is in the cached part, which reads the tiltag with all it shows when it is built
    (get_initiative_for_user's join, dear to plan). A tiltag that does not exist is a 404 each
    time, never kept."""
    families = (Family.PLAN, Family.CORE)
    return cached(
        name="initiative-frame",
        families=families,
        build=lambda: get_initiative_for_user(request.user, pk, related=("spor",)),
        current=request_generations(request, families),
        initiative=pk,
    )


@reader_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = request.htmx.target if request.htmx else None
    if target == "history-more":
        # "Vis ældre": the next page of the history, in place of the button that asked for it.
        initiative = get_initiative_for_user(request.user, pk)
        return _vary(
            render(
                request,
                "tracks/initiative_detail.html#history-entries",
                {
                    "initiative": initiative,
                    "history": selectors.status_history(
                        initiative=initiative,
                        user=request.user,
                        page=request.GET.get(HISTORY_PARAM),
                    ),
                },
            )
        )
    if target == "status-panel":
        initiative = get_initiative_for_user(request.user, pk)
        return render(
            request,
            "tracks/initiative_detail.html#status-panel",
            _status_panel_context(request, initiative),
        )
    initiative = _frame_initiative(request, pk)
    return _vary(
        render(request, "tracks/initiative_detail.html", _detail_context(request, initiative))
    )


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
    milestones = paginate(
        request,
        selectors.milestones_for_user(user=request.user, plan=current_plan_pk(request.user)),
    )
    for milestone in milestones:
        milestone.user_can_complete = can_complete_milestone(request.user, milestone)
        milestone.user_can_undo = milestone.user_can_complete and can_undo_completion(milestone)
    return render(
        request,
        "tracks/my_milestones.html",
        {
            "milestones": milestones,
            "attention": selectors.attention_for(request.user),
        },
    )


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


@writer_required
@require_http_methods(["GET", "POST"])
def initiative_assign_owner_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Tildel ejer": chefgruppen gives a tiltag its accountable owner — as a page, or inline
    (htmx) in the attention list and on the tiltag's page."""
    initiative = get_initiative_to_assign(request.user, pk)
    next_url = _next_url(request, reverse("tracks:initiative_detail", args=[initiative.pk]))
    conflict = False
    if request.method == "POST":
        form = AssignOwnerForm(request.POST)
        if form.is_valid():
            try:
                initiative_assign_owner(
                    initiative=initiative,
                    by=request.user,
                    owner=form.cleaned_data["owner"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except EditConflict as exc:
                # Someone saved the tiltag meanwhile: show who owns it now, keep the choice.
                conflict = True
                initiative = get_initiative_to_assign(request.user, pk)
                form = AssignOwnerForm(
                    {**request.POST.dict(), "expected_version": exc.current.edit_version}
                )
                form.is_valid()
            else:
                message = _("%(owner)s er nu ansvarlig ejer af “%(title)s”.") % {
                    "owner": initiative.owner,
                    "title": initiative.title,
                }
                if request.htmx:
                    response = render(
                        request,
                        "tracks/assign_owner.html#assigned",
                        {"initiative": initiative, "message": message},
                    )
                    patch_vary_headers(response, ("HX-Request",))
                    return response
                messages.success(request, message)
                return redirect(next_url)
    else:
        form = AssignOwnerForm(
            initial={"owner": initiative.owner_id, "expected_version": initiative.edit_version}
        )
    template = "tracks/assign_owner.html"
    if request.htmx:
        template += "#assign-form"
    status = 409 if conflict and not request.htmx else 200
    response = render(
        request,
        template,
        {"initiative": initiative, "form": form, "conflict": conflict, "next_url": next_url},
        status=status,
    )
    # The page and its htmx fragment share a URL: caches keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Editing and re-planning the plan -----------------------------------------------------------
#
# One shape for every edit page: access helper → form → service → redirect (post/redirect/get),
# or the form again with the errors on their fields and the user's input kept. When another
# editor saved first (EditConflict), the form comes back with what the user typed, the new
# version to save over, and who saved in between (409 for a page without JavaScript).


def _last_change(row) -> dict:
    """Who saved the row last and when (its newest history record)."""
    record = row.history.select_related("history_user").order_by("-history_date").first()
    return {
        "who": record.history_user if record else None,
        "at": record.history_date if record else None,
    }


def _edit_page(
    request: HttpRequest,
    *,
    make_form,
    save,
    context: dict,
    success_url: str,
    success_message: str,
    inline_milestone=None,
) -> HttpResponse:
    """With `inline_milestone`, htmx swaps the form into that milestone's row on the tiltag
    page and the saved row back in its place; without JavaScript the form is its own page."""
    inline = bool(request.htmx and inline_milestone is not None)
    form = make_form(request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except EditConflict as exc:
            conflict = _last_change(exc.current)
            data = request.POST.copy()
            data["expected_version"] = exc.current.edit_version
            form = make_form(data)
            form.is_valid()
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if inline:
                return _vary_on_htmx(_milestone_item(request, inline_milestone, success_message))
            messages.success(request, success_message)
            return redirect(success_url)
    template = "tracks/edit_form.html#edit-form" if inline else "tracks/edit_form.html"
    # htmx swaps only 2xx answers: inline, the conflict is shown in the swapped-in form.
    return _vary_on_htmx(
        render(
            request,
            template,
            {
                **context,
                "form": form,
                "conflict": conflict,
                "cancel_url": success_url,
                "inline": inline,
            },
            status=409 if conflict and not inline else 200,
        )
    )


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers with a page or a fragment: caches must tell them apart."""
    patch_vary_headers(response, ("HX-Request",))
    return response


def _milestone_item(request: HttpRequest, milestone, message: str = "") -> HttpResponse:
    """One milestone's row on the tiltag page, as saved (the fragment htmx swaps back in)."""
    milestone = selectors.milestone_row(pk=milestone.pk)
    milestone.user_can_complete = can_complete_milestone(request.user, milestone)
    milestone.user_can_undo = milestone.user_can_complete and can_undo_completion(milestone)
    return render(
        request,
        "tracks/includes/milestone_item.html",
        {
            "milestone": milestone,
            "can_edit_content": can_edit_initiative_content(request.user, milestone.initiative),
            "row_message": message,
        },
    )


def _archive(request: HttpRequest, *, row, archive, success_url: str, message: str):
    """POST only: archive `row` at the version the page showed; refusals as a message."""
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect(success_url)
    try:
        archive(form.cleaned_data["expected_version"])
    except EditConflict:
        messages.error(
            request,
            _("En anden har ændret den, mens du så på siden. Se ændringen, og prøv igen."),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(success_url)


@writer_required
@require_http_methods(["GET", "POST"])
def spor_create_view(request: HttpRequest) -> HttpResponse:
    plan = current_plan_or_404()
    if not can_edit_plan(request.user, plan.pk):
        raise RefusedForbidden(model=Spor._meta.label)
    overview = reverse("tracks:overview")
    return _edit_page(
        request,
        make_form=lambda data: SporForm(data),
        save=lambda d: spor_create(
            plan=plan, by=request.user, title=d["title"], description=d["description"]
        ),
        context={"heading": _("Nyt spor"), "submit": _("Opret spor")},
        success_url=overview,
        success_message=_("Sporet er oprettet."),
    )


@writer_required
@require_http_methods(["GET", "POST"])
def spor_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    spor = get_spor_for_user(request.user, pk, write=True)
    initial = {"title": spor.title, "description": spor.description}
    return _edit_page(
        request,
        make_form=lambda data: SporEditForm(
            data, initial={**initial, "expected_version": spor.edit_version}
        ),
        save=lambda d: spor_edit(
            spor=spor,
            by=request.user,
            title=d["title"],
            description=d["description"],
            expected_version=d["expected_version"],
        ),
        context={
            "heading": _("Redigér spor %(number)s") % {"number": spor.number},
            "submit": _("Gem spor"),
            "archive_url": reverse("tracks:spor_archive", args=[spor.pk]),
            "archive_version": spor.edit_version,
            "archive_label": _("Arkivér sporet"),
            "archive_hint": _(
                "Et arkiveret spor forsvinder fra lister og tal, men kan stadig læses. "
                "Sporets tiltag skal arkiveres først."
            ),
        },
        success_url=reverse("tracks:overview"),
        success_message=_("Sporet er gemt."),
    )


@writer_required
@require_POST
def spor_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    spor = get_spor_for_user(request.user, pk, write=True)
    return _archive(
        request,
        row=spor,
        archive=lambda version: spor_archive(spor=spor, by=request.user, expected_version=version),
        success_url=reverse("tracks:overview"),
        message=_("Sporet er arkiveret."),
    )


@writer_required
@require_http_methods(["GET", "POST"])
def theme_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    spor = get_spor_for_user(request.user, pk, write=True)
    return _edit_page(
        request,
        make_form=lambda data: ThemeForm(data),
        save=lambda d: theme_create(
            spor=spor, by=request.user, title=d["title"], description=d["description"]
        ),
        context={
            "heading": _("Nyt tema i spor %(number)s") % {"number": spor.number},
            "submit": _("Opret tema"),
        },
        success_url=reverse("tracks:overview"),
        success_message=_("Temaet er oprettet."),
    )


@writer_required
@require_http_methods(["GET", "POST"])
def theme_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_theme_for_user(request.user, pk, write=True)
    initial = {"title": theme.title, "description": theme.description}
    return _edit_page(
        request,
        make_form=lambda data: ThemeEditForm(
            data, initial={**initial, "expected_version": theme.edit_version}
        ),
        save=lambda d: theme_edit(
            theme=theme,
            by=request.user,
            title=d["title"],
            description=d["description"],
            expected_version=d["expected_version"],
        ),
        context={
            "heading": _("Redigér tema"),
            "submit": _("Gem tema"),
            "archive_url": reverse("tracks:theme_archive", args=[theme.pk]),
            "archive_version": theme.edit_version,
            "archive_label": _("Arkivér temaet"),
            "archive_hint": _(
                "Et arkiveret tema kan ikke længere vælges, men kan stadig læses. Temaets "
                "tiltag skal flyttes eller arkiveres først."
            ),
        },
        success_url=reverse("tracks:overview"),
        success_message=_("Temaet er gemt."),
    )


@writer_required
@require_POST
def theme_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_theme_for_user(request.user, pk, write=True)
    return _archive(
        request,
        row=theme,
        archive=lambda v: theme_archive(theme=theme, by=request.user, expected_version=v),
        success_url=reverse("tracks:overview"),
        message=_("Temaet er arkiveret."),
    )


def _initiative_values(d: dict) -> dict:
    return {
        "title": d["title"],
        "description": d["description"],
        "theme": d["theme"],
        "lead_area": d["lead_area"],
        "owner": d["owner"],
        "owner_body": d["owner_body"],
        "start_quarter": d["start_quarter"],
        "end_quarter": d["end_quarter"],
        "institutions": list(d["institutions"]),
        "recommendations": list(d["recommendations"]),
    }


@writer_required
@require_http_methods(["GET", "POST"])
def initiative_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    spor = get_spor_for_user(request.user, pk, write=True)
    created = {}

    def save(d):
        created["initiative"] = initiative_create(
            spor=spor, by=request.user, **_initiative_values(d)
        )

    response = _edit_page(
        request,
        make_form=lambda data: InitiativeForm(data, spor=spor),
        save=save,
        context={
            "heading": _("Nyt tiltag i spor %(number)s") % {"number": spor.number},
            "submit": _("Opret tiltag"),
        },
        success_url=reverse("tracks:overview"),
        success_message=_("Tiltaget er oprettet."),
    )
    if "initiative" in created:
        return redirect("tracks:initiative_detail", pk=created["initiative"].pk)
    return response


@writer_required
@require_http_methods(["GET", "POST"])
def initiative_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Chefgruppen edits every field of a tiltag; its owner (or owning group) its description."""
    initiative = get_initiative_for_editor(request.user, pk)
    detail = reverse("tracks:initiative_detail", args=[initiative.pk])
    version = {"expected_version": initiative.edit_version}
    if can_edit_plan(request.user, initiative.plan_id):
        initial = {
            **version,
            "title": initiative.title,
            "description": initiative.description,
            "theme": initiative.theme_id,
            "lead_area": initiative.lead_area_id,
            "owner": initiative.owner_id,
            "owner_body": initiative.owner_body_id,
            "start_quarter": initiative.start_quarter,
            "end_quarter": initiative.end_quarter,
            "institutions": list(initiative.institutions.values_list("pk", flat=True)),
            "recommendations": list(initiative.recommendations.values_list("pk", flat=True)),
        }

        def make_form(data):
            return InitiativeEditForm(data, spor=initiative.spor, initial=initial)

        def save(d):
            initiative_edit(
                initiative=initiative,
                by=request.user,
                expected_version=d["expected_version"],
                **_initiative_values(d),
            )

        archive = {
            "archive_url": reverse("tracks:initiative_archive", args=[initiative.pk]),
            "archive_version": initiative.edit_version,
            "archive_label": _("Arkivér tiltaget"),
            "archive_hint": _(
                "Et arkiveret tiltag og dets milepæle forsvinder fra lister, tal og "
                "påmindelser, men kan stadig læses med hele historikken."
            ),
        }
    else:

        def make_form(data):
            return InitiativeDescriptionForm(
                data, initial={**version, "description": initiative.description}
            )

        def save(d):
            initiative_edit(
                initiative=initiative,
                by=request.user,
                expected_version=d["expected_version"],
                description=d["description"],
            )

        archive = {}
    return _edit_page(
        request,
        make_form=make_form,
        save=save,
        context={
            "heading": _("Redigér tiltag"),
            "subject": initiative,
            "submit": _("Gem tiltag"),
            **archive,
        },
        success_url=detail,
        success_message=_("Tiltaget er gemt."),
    )


@writer_required
@require_POST
def initiative_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_for_editor(request.user, pk, structure=True)
    return _archive(
        request,
        row=initiative,
        archive=lambda v: initiative_archive(
            initiative=initiative, by=request.user, expected_version=v
        ),
        success_url=reverse("tracks:initiative_detail", args=[initiative.pk]),
        message=_("Tiltaget er arkiveret."),
    )


@writer_required
@require_http_methods(["GET", "POST"])
def milestone_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_for_editor(request.user, pk)
    plan = initiative.plan
    return _edit_page(
        request,
        make_form=lambda data: MilestoneForm(data, plan=plan),
        save=lambda d: milestone_create(
            initiative=initiative,
            by=request.user,
            title=d["title"],
            description=d["description"],
            planned_quarter=d["quarter"],
            institution=d["institution"],
        ),
        context={"heading": _("Ny milepæl"), "subject": initiative, "submit": _("Tilføj milepæl")},
        success_url=reverse("tracks:initiative_detail", args=[initiative.pk]),
        success_message=_("Milepælen er tilføjet."),
    )


@writer_required
@require_http_methods(["GET", "POST"])
def milestone_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_editor(request.user, pk)
    initiative = milestone.initiative
    initial = {
        "expected_version": milestone.edit_version,
        "title": milestone.title,
        "description": milestone.description,
        "institution": milestone.institution_id,
    }
    archive = {}
    if can_edit_plan(request.user, initiative.plan_id):
        archive = {
            "archive_url": reverse("tracks:milestone_archive", args=[milestone.pk]),
            "archive_version": milestone.edit_version,
            "archive_label": _("Arkivér milepælen"),
            "archive_hint": _(
                "En arkiveret milepæl forsvinder fra lister og tal, men kan stadig læses. "
                "Er milepælen opgivet, så aflys den i stedet, med en begrundelse."
            ),
        }
    return _edit_page(
        request,
        make_form=lambda data: MilestoneEditForm(data, initial=initial),
        save=lambda d: milestone_edit(
            milestone=milestone,
            by=request.user,
            expected_version=d["expected_version"],
            title=d["title"],
            description=d["description"],
            institution=d["institution"],
        ),
        context={
            "heading": _("Redigér milepæl"),
            "subject": initiative,
            "milestone": milestone,
            "submit": _("Gem milepæl"),
            **archive,
        },
        success_url=reverse("tracks:initiative_detail", args=[initiative.pk]),
        success_message=_("Milepælen er gemt."),
        inline_milestone=milestone,
    )


@writer_required
@require_http_methods(["GET", "POST"])
def milestone_replan_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_editor(request.user, pk)
    initiative = milestone.initiative
    return _edit_page(
        request,
        make_form=lambda data: MilestoneReplanForm(
            data, plan=initiative.plan, initial={"expected_version": milestone.edit_version}
        ),
        save=lambda d: milestone_replan(
            milestone=milestone,
            by=request.user,
            to_quarter=d["quarter"],
            reason=d["reason"],
            expected_version=d["expected_version"],
        ),
        context={
            "heading": _("Flyt milepæl"),
            "subject": initiative,
            "milestone": milestone,
            "intro": _(
                "Milepælen er planlagt til %(quarter)s. Det oprindelige kvartal bevares, så "
                "flytningen kan ses på tiltaget, på overblikket og i rapporten."
            )
            % {"quarter": milestone.quarter.label},
            "submit": _("Flyt milepæl"),
        },
        success_url=reverse("tracks:initiative_detail", args=[initiative.pk]),
        success_message=_("Milepælen er flyttet."),
        inline_milestone=milestone,
    )


@writer_required
@require_http_methods(["GET", "POST"])
def milestone_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_editor(request.user, pk)
    initiative = milestone.initiative
    return _edit_page(
        request,
        make_form=lambda data: MilestoneCancelForm(
            data, initial={"expected_version": milestone.edit_version}
        ),
        save=lambda d: milestone_cancel(
            milestone=milestone,
            by=request.user,
            reason=d["reason"],
            expected_version=d["expected_version"],
        ),
        context={
            "heading": _("Aflys milepæl"),
            "subject": initiative,
            "milestone": milestone,
            "intro": _(
                "En aflyst milepæl bliver stående på tiltaget som aflyst, med begrundelsen, og "
                "tælles aldrig som forsinket."
            ),
            "submit": _("Aflys milepæl"),
        },
        success_url=reverse("tracks:initiative_detail", args=[initiative.pk]),
        success_message=_("Milepælen er aflyst."),
        inline_milestone=milestone,
    )


@writer_required
@require_POST
def milestone_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for_editor(request.user, pk, structure=True)
    return _archive(
        request,
        row=milestone,
        archive=lambda v: milestone_archive(
            milestone=milestone, by=request.user, expected_version=v
        ),
        success_url=reverse("tracks:initiative_detail", args=[milestone.initiative_id]),
        message=_("Milepælen er arkiveret."),
    )


@reader_required
def initiative_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Historik": every edit of the tiltag and its milestones, before and after, paged."""
    initiative = get_initiative_for_user(request.user, pk)
    if not can_read_initiative_history(request.user, initiative):
        raise RefusedForbidden(model=Initiative._meta.label, object_id=pk)
    page = history.initiative_history_page(initiative=initiative, page=request.GET.get("side"))
    return render(
        request, "tracks/initiative_history.html", {"initiative": initiative, "page": page}
    )


@reader_required
def replanned_list(request: HttpRequest) -> HttpResponse:
    """The milestones re-planned in a quarter (this one by default), newest first, paged."""
    plan = viewed_plan_or_404(request)
    quarters = plan_quarter_choices(plan)
    code = request.GET.get("kvartal") or ""
    try:
        quarter = (
            Quarter.parse(code) if code in dict(quarters) else Quarter.of(timezone.localdate())
        )
    except ValueError:
        quarter = Quarter.of(timezone.localdate())
    since = timezone.make_aware(dt.datetime.combine(quarter.first_day, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(quarter.next().first_day, dt.time.min))
    events = selectors.replanned_events(plan=plan, since=since, until=until)
    page = paginate(request, events)
    return render(
        request,
        "tracks/replanned_list.html",
        {"plan": plan, "quarter": quarter, "quarters": quarters, "page": page},
    )


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
