from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from omstilling.access import INVESTMENT_READERS, reader_required, viewed_plan_or_404
from reports.dashboard.build import cached_dashboard
from reports.dashboard.forms import DashboardFilterForm
from reports.dashboard.selectors import Scope
from reports.verdict import cached_plan_verdict


@reader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The committee's overview. Every role may read it: it holds aggregates, no child data.

    The first screen answers first: the verdict on the whole plan (reports/verdict.py, as on
    the report's summary page); the filtered sections follow. Both are cached until a write
    changes what they are built from (omstilling.cache)."""
    plan = viewed_plan_or_404(request)
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET or None, plan=plan)
    # A bad value (a hand-edited URL) shows as an error on its field; the other filter applies.
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    scope = Scope(spor=filters.get("spor"), area=filters.get("area"))
    context = dict(cached_dashboard(plan=plan, scope=scope, today=today))
    context.update(
        plan=plan,
        form=form,
        # The cached sections hold the filters as they were when cached: show this request's.
        scope=scope,
        can_see_investments=request.user.role in INVESTMENT_READERS,
    )
    template = "reports/dashboard.html"
    if request.htmx and request.htmx.target == "dashboard-body":
        template += "#body"
    else:
        # The verdict is plan-wide and stands above the filters: the body alone does not need it.
        context["verdict"] = cached_plan_verdict(plan=plan, today=today)
    response = render(request, template, context)
    # The same URL answers with the whole page or the body: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
