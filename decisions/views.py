"""The register's pages: the list (filtered by what a decision concerns), one decision with its
corrections, and chefgruppen's form to record or correct one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from decisions import selectors
from decisions.access import (
    can_record_decisions,
    get_decision_for_user,
    sees_investment_links,
)
from decisions.forms import DecisionFilterForm, DecisionForm
from decisions.services import DecisionAlreadyCorrected, decision_record
from omstilling.access import RefusedForbidden, reader_required, viewed_plan_or_404
from omstilling.forms import apply_service_errors
from omstilling.models import Plan

PAGE_SIZE = 25


@reader_required
def decision_list(request: HttpRequest) -> HttpResponse:
    plan = viewed_plan_or_404(request)
    with_investments = sees_investment_links(request.user)
    form = DecisionFilterForm(request.GET or None, plan=plan, with_investments=with_investments)
    filters = form.cleaned_data if (form.is_valid() or form.is_bound) else {}
    queryset = selectors.decision_list(
        plan=plan,
        initiative=getattr(filters.get("tiltag"), "pk", None),
        investment=getattr(filters.get("investering"), "pk", None),
        recommendation=getattr(filters.get("anbefaling"), "pk", None),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    template = "decisions/decision_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(
        request,
        template,
        {
            "plan": plan,
            "form": form,
            "page": page,
            "decisions": list(page),
            "query": query.urlencode(),
            "with_investments": with_investments,
            "can_record": can_record_decisions(request.user, plan_id=plan.pk),
        },
    )


@reader_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_decision_for_user(request.user, pk)
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "body_name": decision.body_name(decision.plan.names),
            "history": selectors.decision_history(decision=decision),
            "with_investments": sees_investment_links(request.user),
            "can_correct": not hasattr(decision, "correction")
            and can_record_decisions(request.user, plan_id=decision.plan_id),
        },
    )


def _record(request: HttpRequest, *, plan: Plan, corrects=None, initial=None) -> HttpResponse:
    extra = {"initial": initial} if initial else {}
    data = request.POST if request.method == "POST" else None
    form = DecisionForm(data, plan=plan, corrects=corrects, **extra)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = decision_record(
                plan=plan,
                by=request.user,
                body=data["body"],
                meeting_date=data["meeting_date"],
                case_number=data["case_number"],
                title=data["title"],
                text=data["text"],
                initiatives=data["initiatives"],
                investments=data["investments"],
                recommendations=data["recommendations"],
                corrects=corrects,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except DecisionAlreadyCorrected:
            conflict = True
        else:
            messages.success(request, _("Beslutningen er registreret."))
            return redirect("decisions:detail", pk=decision.pk)
    return render(
        request,
        "decisions/decision_form.html",
        {"plan": plan, "form": form, "corrects": corrects, "conflict": conflict},
        status=409 if conflict else 200,
    )


@reader_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest) -> HttpResponse:
    plan = Plan.objects.current()
    if plan is None or not can_record_decisions(request.user, plan_id=plan.pk):
        raise RefusedForbidden(model="decisions.Decision")
    # From a tiltag's or an investment's page: the form starts with it ticked.
    initial = {}
    for key, field in (("tiltag", "initiatives"), ("investering", "investments")):
        value = request.GET.get(key, "")
        if value.isdigit() and len(value) <= 12:
            initial[field] = [int(value)]
    return _record(request, plan=plan, initial=initial)


@reader_required
@require_http_methods(["GET", "POST"])
def decision_correct(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_decision_for_user(request.user, pk, write=True)
    return _record(request, plan=decision.plan, corrects=decision)
