from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omstilling.access import reader_required
from omstilling.cache import Family, cached_fragment
from omstilling.models import AccessLog
from omstilling.pages import list_query, paginate
from omstilling.privacy import case_key_from_number
from omstilling.services import access_log_record
from supportsystem import selectors
from supportsystem.access import (
    forloeb_for_user,
    forloeb_view,
    get_forloeb_for_user,
    institutions_for_user,
)
from supportsystem.forms import (
    CaseLookupForm,
    DirectoryFilterForm,
    ForloebFilterForm,
    ForloebOpenForm,
    ForloebReopenForm,
    ForloebStepForm,
)
from supportsystem.models import Forloeb, Stage
from supportsystem.services import forloeb_close, forloeb_move, forloeb_open, forloeb_reopen

PANEL = "supportsystem/forloeb_detail.html#forloeb-panel"


# Actors shown per part of the support system before "Se alle"; a chosen part is paged.
DIRECTORY_FIRST = 6


@reader_required
def directory(request: HttpRequest) -> HttpResponse:
    """ "Hvem kan hjælpe med hvad": the support system's actors, for every staff role. Every part
    with its first actors and a link to all of them; a chosen part 50 to a page. The filters and
    results are a cached fragment keyed on the query (an htmx filter request gets the results)."""
    query = list_query(request, DirectoryFilterForm.base_fields)
    partial = bool(request.htmx and request.htmx.target == "results")

    def render_part() -> str:
        form = DirectoryFilterForm(query or None)
        form.is_valid()  # a filter with an error is left out, the others apply
        filters = form.cleaned_data if form.is_bound else {}
        kind = filters.get("kind") or ""
        area = filters.get("area")
        search = {"area_id": area.pk if area else None, "q": filters.get("q") or ""}
        # The links of the pagination and "Se alle" keep these parameters and no others.
        listed = SimpleNamespace(GET=query, path=request.path)
        context = {"form": form, "request": listed, "filtered": any(filters.values())}
        if kind:
            group, actors = selectors.directory_part(kind=kind, **search)
            page = paginate(listed, actors)
            group.actors, group.count = list(page), page.paginator.count
            context.update(groups=[group], count=group.count, page=page, paged=True)
        else:
            groups = selectors.directory(**search, limit=DIRECTORY_FIRST)
            context.update(groups=groups, count=sum(group.count for group in groups))
        template = "supportsystem/directory.html#" + ("results" if partial else "main")
        return render_to_string(template, context)

    html = cached_fragment(
        request,
        name="supportsystem:directory" + (":results" if partial else ""),
        # The actors and parts; from the core the areas' and institutions' names.
        families=(Family.OUTCOMES, Family.CORE),
        render=render_part,
        query=query.urlencode(),
        # A search is what a user typed: rendered each time, never a new cache entry.
        store=not query.get("q"),
    )
    if partial:
        response = HttpResponse(html)
    else:
        response = render(request, "supportsystem/directory.html", {"main": html})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _log(request: HttpRequest, action: str, forloeb: Forloeb | None = None) -> None:
    """Log a read of forløb rows: who, which row (or which list), never the content."""
    if forloeb is not None:
        access_log_record(user=request.user, action=action, obj=forloeb, path=request.path)
    else:
        access_log_record(
            user=request.user,
            action=action,
            model=Forloeb._meta.label,
            path=request.get_full_path(),
        )


@forloeb_view
def forloeb_list(request: HttpRequest) -> HttpResponse:
    """The forløb of the user's institutions, with where each stands in forløbscirklen."""
    return _forloeb_list(request, lookup_form=CaseLookupForm())


def _forloeb_list(request: HttpRequest, *, lookup_form: CaseLookupForm) -> HttpResponse:
    institutions = list(institutions_for_user(request.user).order_by("name"))
    stage_list = selectors.stages()
    form = ForloebFilterForm(request.GET or None, stage_list=stage_list, institutions=institutions)
    filters = form.cleaned_data if (form.is_valid() or form.is_bound) else {}
    visible = forloeb_for_user(request.user)
    rows = paginate(request, selectors.forloeb_rows(forloeb=visible, filters=filters))
    today = timezone.localdate()
    for row in rows:
        row.days = row.days_open(today)
    _log(request, AccessLog.Action.LIST)
    template = "supportsystem/forloeb_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "rows": rows,
            "overview": selectors.open_by_stage(forloeb=visible, stage_list=stage_list),
            "institutions": institutions,
            "searched_case": bool(filters.get("sag")),
            "lookup_form": lookup_form,
            "status": filters.get("status") or "aabne",
        },
    )


@forloeb_view
@require_POST
def forloeb_find(request: HttpRequest) -> HttpResponse:
    """Find a child's forløb by case number: the number becomes its key and is not kept."""
    form = CaseLookupForm(request.POST)
    if not form.is_valid():
        # The list again, with the error on the case number field (nothing is kept).
        return _forloeb_list(request, lookup_form=form)
    key = case_key_from_number(form.cleaned_data["case_number"])
    query = urlencode({"status": "alle", "sag": key})
    return redirect(f"{reverse('supportsystem:forloeb_list')}?{query}")


@forloeb_view
@require_http_methods(["GET", "POST"])
def forloeb_create(request: HttpRequest) -> HttpResponse:
    institutions = list(institutions_for_user(request.user).order_by("name"))
    form = ForloebOpenForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and institutions and form.is_valid():
        data = form.cleaned_data
        try:
            forloeb = forloeb_open(
                institution=data["institution"],
                by=request.user,
                concern_type=data["concern_type"],
                opened_on=data["opened_on"],
                case_number=data["case_number"],
                label=data["label"],
                age_group=data["age_group"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Forløbet er oprettet."))
            return redirect("supportsystem:forloeb_detail", pk=forloeb.pk)
    return render(
        request, "supportsystem/forloeb_form.html", {"form": form, "institutions": institutions}
    )


def _next_stages(forloeb: Forloeb, stage_list: list[Stage]) -> list[Stage]:
    """The stages a forløb can go to from here: later open stages, then the closing ones."""
    if forloeb.is_closed:
        return []
    current = forloeb.current_stage
    later = [s for s in stage_list if not s.closing and s.order > current.order]
    return later + [s for s in stage_list if s.closing]


def _reopen_stages(forloeb: Forloeb, stage_list: list[Stage]) -> list[Stage]:
    """A closed forløb re-opens at any open stage; an open one goes back to an earlier one."""
    open_stages = [s for s in stage_list if not s.closing]
    if forloeb.is_closed:
        return open_stages
    return [s for s in open_stages if s.order < forloeb.current_stage.order]


def _render_forloeb(
    request: HttpRequest,
    forloeb: Forloeb,
    *,
    step_form: ForloebStepForm | None = None,
    reopen_form: ForloebReopenForm | None = None,
    saved: str = "",
) -> HttpResponse:
    stage_list = selectors.stages()
    history = selectors.forloeb_history(forloeb=forloeb)
    if step_form is None and not forloeb.is_closed:
        step_form = ForloebStepForm(stages=_next_stages(forloeb, stage_list))
    if reopen_form is None:
        reopen_form = ForloebReopenForm(stages=_reopen_stages(forloeb, stage_list))
    _log(request, AccessLog.Action.READ, forloeb)
    template = PANEL if request.htmx else "supportsystem/forloeb_detail.html"
    return render(
        request,
        template,
        {
            "forloeb": forloeb,
            "history": list(reversed(history)),
            "circle": selectors.forloeb_circle(forloeb=forloeb, history=history),
            "step_form": step_form,
            "reopen_form": reopen_form,
            "reopen_open": bool(reopen_form.errors),
            "saved": saved,
            "days_open": forloeb.days_open(),
        },
    )


@forloeb_view
def forloeb_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forloeb = get_forloeb_for_user(request.user, pk)
    return _render_forloeb(request, forloeb)


def _after_write(request: HttpRequest, forloeb: Forloeb, message: str) -> HttpResponse:
    if request.htmx:
        return _render_forloeb(request, forloeb, saved=message)
    messages.success(request, message)
    return redirect("supportsystem:forloeb_detail", pk=forloeb.pk)


@forloeb_view
@require_POST
def forloeb_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a forløb on to a later stage, or close it in a closing stage."""
    forloeb = get_forloeb_for_user(request.user, pk)
    form = ForloebStepForm(request.POST, stages=_next_stages(forloeb, selectors.stages()))
    if form.is_valid():
        data = form.cleaned_data
        stage = data["to_stage"]
        service = forloeb_close if stage.closing else forloeb_move
        try:
            service(
                forloeb=forloeb, by=request.user, to_stage=stage, on=data["on"], note=data["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if stage.closing:
                message = _("Forløbet er afsluttet: %(stage)s.") % {"stage": stage.name}
            else:
                message = _("Forløbet er flyttet til “%(stage)s”.") % {"stage": stage.name}
            return _after_write(request, forloeb, message)
    return _render_forloeb(request, forloeb, step_form=form)


@forloeb_view
@require_POST
def forloeb_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    forloeb = get_forloeb_for_user(request.user, pk)
    form = ForloebReopenForm(request.POST, stages=_reopen_stages(forloeb, selectors.stages()))
    if form.is_valid():
        data = form.cleaned_data
        try:
            forloeb_reopen(
                forloeb=forloeb,
                by=request.user,
                to_stage=data["to_stage"],
                on=data["on"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            message = _("Forløbet er genåbnet på “%(stage)s”.") % {"stage": data["to_stage"].name}
            return _after_write(request, forloeb, message)
    return _render_forloeb(request, forloeb, reopen_form=form)
