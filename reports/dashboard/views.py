from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from omstilling.access import INVESTMENT_READERS, reader_required, viewed_plan_or_404
from reports.dashboard.build import build_dashboard
from reports.dashboard.forms import DashboardFilterForm
from reports.dashboard.selectors import Scope
from reports.kpis.page import kpi_page


@reader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The committee's overview. Every role may read it: it holds aggregates, no child data."""
    plan = viewed_plan_or_404(request)
    form = DashboardFilterForm(request.GET or None, plan=plan)
    # A bad value (a hand-edited URL) shows as an error on its field; the other filter applies.
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    scope = Scope(spor=filters.get("spor"), area=filters.get("area"))
    context = build_dashboard(plan=plan, scope=scope, today=timezone.localdate())
    context.update(
        plan=plan,
        form=form,
        can_see_investments=request.user.role in INVESTMENT_READERS,
        # The outcome KPIs are plan-wide (they are not tied to a spor or an area).
        kpi_headlines=kpi_page(today=timezone.localdate()).headlines,
    )
    template = "reports/dashboard.html"
    if request.htmx and request.htmx.target == "dashboard-body":
        template += "#body"
    response = render(request, template, context)
    # The same URL answers with the whole page or the body: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
