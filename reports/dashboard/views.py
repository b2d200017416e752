from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from omstilling.access import INVESTMENT_READERS, reader_required, viewed_plan_or_404
from omstilling.cache import cached_fragment
from omstilling.html import compact_html
from reports.dashboard.build import DASHBOARD_FAMILIES, cached_dashboard
from reports.dashboard.forms import DashboardFilterForm
from reports.dashboard.selectors import Scope
from reports.verdict import VERDICT_FAMILIES, cached_plan_verdict

TEMPLATE = "reports/dashboard.html"


def _plan_context(plan) -> dict:
    """What the fragments read of the plan, given rather than left to the context processor,
    which would look the plan up again for each fragment rendered."""
    return {"plan": plan, "plan_names": plan.names, "plan_has_pool": plan.has_pool}


def _render_body(request: HttpRequest, *, plan, scope: Scope, today) -> str:
    """The filtered sections, from the cached aggregates (reports.dashboard.build)."""
    context = dict(cached_dashboard(plan=plan, scope=scope, today=today))
    context.update(
        **_plan_context(plan),
        # The cached sections hold the filters as they were when cached: show this request's.
        scope=scope,
        can_see_investments=request.user.role in INVESTMENT_READERS,
    )
    return compact_html(render_to_string(f"{TEMPLATE}#body", context, request=request))


def _render_verdict(request: HttpRequest, *, plan, today) -> str:
    context = {
        **_plan_context(plan),
        "verdict": cached_plan_verdict(plan=plan, today=today),
        "can_see_investments": request.user.role in INVESTMENT_READERS,
    }
    return compact_html(render_to_string(f"{TEMPLATE}#verdict", context, request=request))


@reader_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The committee's overview. Every role may read it: it holds aggregates, no child data.

    The first screen answers first: the verdict on the whole plan (reports/verdict.py, as on
    the report's summary page); the filtered sections follow. The verdict, the filter form (a
    GET form: no CSRF token) and the sections are kept rendered (omstilling.cache.cached_fragment)
    until a write changes what they are built from, keyed on the viewer's role, the plan, the
    day and the *cleaned* filters, never the raw query string: the whole main part for a page,
    the sections alone for htmx, the verdict for every filter. A filter that does not validate
    (a hand-edited URL) is rendered for the request alone, with its error shown."""
    plan = viewed_plan_or_404(request)
    today = timezone.localdate()
    # A bad value shows as an error on its field; the other filter applies. Without filters the
    # form is built only to be rendered into the entry, on a miss: a hit needs none (building it
    # cost 1.8 ms CPU, a tenth of the request).
    form, filters, valid = None, {}, True
    if request.GET:
        form = DashboardFilterForm(request.GET, plan=plan)
        valid = form.is_valid()
        filters = form.cleaned_data
    scope = Scope(spor=filters.get("spor"), area=filters.get("area"))
    key = {
        "plan": plan.pk,
        "spor": scope.spor.pk if scope.spor else "",
        "area": scope.area.pk if scope.area else "",
        "today": today.isoformat(),
    }

    def fragment(name: str, render, families=DASHBOARD_FAMILIES, **parts) -> str:
        # An invalid filter is rendered for this request alone (store=False).
        return cached_fragment(
            request, name=name, families=families, render=render, store=valid, **parts
        )

    def body() -> str:
        return fragment(
            "dashboard-body",
            lambda: _render_body(request, plan=plan, scope=scope, today=today),
            **key,
        )

    if request.htmx and request.htmx.target == "dashboard-body":
        response = HttpResponse(body())
    else:

        def main() -> str:
            # The verdict is plan-wide and stands above the filters: the body alone lacks it.
            verdict = cached_fragment(
                request,
                name="dashboard-verdict",
                families=VERDICT_FAMILIES,
                render=lambda: _render_verdict(request, plan=plan, today=today),
                plan=plan.pk,
                today=today.isoformat(),
            )
            context = {
                **_plan_context(plan),
                "today": today,
                "verdict_html": verdict,
                "form": form or DashboardFilterForm(plan=plan),
                "body_html": body(),
            }
            return compact_html(render_to_string(f"{TEMPLATE}#main", context, request=request))

        # The whole main part in one entry (one cache read on a hit); built from the verdict's
        # and the body's own entries, which the htmx body and the other filters share.
        main_html = fragment(
            "dashboard-main", main, families={*DASHBOARD_FAMILIES, *VERDICT_FAMILIES}, **key
        )
        # The frame renders nothing of the plan's: the heading and its lead are in the entry.
        response = render(request, TEMPLATE, {"main_html": main_html})
    # The same URL answers with the whole page or the body: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
