"""Update rounds: chefgruppen's pages (list, open, overview, ask, close) and "Mine opgaver".
Rounds are chefgruppen's working tool: no other role sees their internals, BFU none of it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omstilling.access import current_plan_or_404, role_required, writer_required
from omstilling.models import Role
from rounds import selectors
from rounds.forms import RoundOpenForm
from rounds.models import UpdateRound
from rounds.services import round_close, round_open, round_request_update

chef_required = role_required(Role.CHEFGRUPPE)


def _round(pk: int) -> UpdateRound:
    return get_object_or_404(UpdateRound.objects.select_related("report"), pk=pk)


@chef_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    plan = current_plan_or_404()
    rounds = UpdateRound.objects.filter(plan=plan).select_related("report")[:40]
    return render(
        request,
        "rounds/round_list.html",
        {"rounds": rounds, "open_round": selectors.open_round(plan_id=plan.pk)},
    )


@chef_required
@require_http_methods(["GET", "POST"])
def round_open_view(request: HttpRequest) -> HttpResponse:
    plan = current_plan_or_404()
    form = RoundOpenForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_open(
                plan=plan,
                by=request.user,
                quarter=data["quarter"],
                deadline=data["deadline"],
                initiatives=list(data["initiatives"]),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "period" in exc.error_dict:
                exc = ValidationError({"quarter": exc.error_dict["period"]})
            form.add_error(None, exc)
        else:
            messages.success(request, _("Runden er åbnet, og ejerne har fået besked."))
            return redirect(round_)
    return render(
        request,
        "rounds/round_open.html",
        {"form": form, "plan": plan, "open_round": selectors.open_round(plan_id=plan.pk)},
    )


@chef_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": round_,
            "overview": selectors.round_overview(round_),
            "reminder_day": selectors.reminder_day(round_.deadline),
        },
    )


@chef_required
@require_POST
def round_request_view(request: HttpRequest, pk: int, initiative_pk: int) -> HttpResponse:
    """ "Bed om opdatering": one click notifies the tiltag's owners."""
    round_ = _round(pk)
    item = get_object_or_404(
        selectors.round_items(round_), round=round_, initiative_id=initiative_pk
    )
    try:
        count = round_request_update(round_=round_, initiative=item.initiative, by=request.user)
    except ValidationError as exc:
        message = " ".join(exc.messages)
    else:
        title = item.initiative.title
        if count:
            message = _("Ejerne af “%s” har fået besked.") % title
        elif selectors.owners_of([item.initiative_id]).exists():
            message = _("Ejerne af “%s” har allerede fået besked i dag.") % title
        else:
            message = _("“%s” har ingen ejer at spørge; angiv en ejer i planen.") % title
    if request.htmx:
        item.state = selectors.item_state(item)
        item.state_label = selectors.ItemState.LABELS[item.state]
        response = render(
            request,
            "rounds/round_detail.html#item",
            {"round": round_, "item": item, "row_message": message},
        )
        patch_vary_headers(response, ("HX-Request",))
        return response
    messages.success(request, message)
    return redirect(round_)


@chef_required
@require_POST
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    try:
        report = round_close(round_=round_, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Runden er lukket. %(report)s udarbejdes ud fra de godkendte opdateringer.")
            % {"report": report},
        )
    return redirect(round_)


@writer_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """ "Mine opgaver": what the user is asked to update in the open round."""
    plan = current_plan_or_404()
    round_, items = selectors.my_tasks(user=request.user, plan_id=plan.pk)
    return render(request, "rounds/my_tasks.html", {"round": round_, "items": items})
