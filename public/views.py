"""The public progress page: anonymous, read-only, cached, and only for a public plan.

Every view here answers anonymous visitors (the root URLconf names the `public` namespace in
the log-in allow-list, omstilling.middleware.LoginRequiredAllowListMiddleware) and shows only
what public.selectors.public_data holds. A plan that is not public is a 404, as is anything
that does not exist. Nothing here writes, not even to the access log.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from public import selectors
from reports.archive.views import report_pdf_response
from reports.models import Report

# Browsers and proxies may keep a public page a little while; a conditional GET renews it.
MAX_AGE = 60


def _plan_or_404(slug: str):
    plan = selectors.public_plan(slug)
    if plan is None:
        raise Http404(_("Planen er ikke offentlig."))
    return plan


def _conditional(request: HttpRequest, plan, stamp) -> tuple[str, HttpResponse | None]:
    etag = selectors.etag(stamp, request.path, request.LANGUAGE_CODE)
    response = get_conditional_response(request, etag=etag, last_modified=int(stamp.timestamp()))
    return etag, response


def _page(request: HttpRequest, slug: str, template: str, extra=None) -> HttpResponse:
    plan = _plan_or_404(slug)
    stamp = selectors.data_stamp(plan)
    etag, not_modified = _conditional(request, plan, stamp)
    if not_modified is not None:
        return not_modified
    data = selectors.public_data(plan, stamp=stamp)
    context = {"data": data, "plan": plan, "current_plan": plan, "public_page": True}
    if extra:
        context.update(extra(data))
    response = render(request, template, context)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp.timestamp())
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """/offentlig/: the public plans; straight to the plan when there is one."""
    plans = list(selectors.public_plans())
    if len(plans) == 1:
        return redirect("public:plan", slug=plans[0].slug)
    response = render(request, "public/index.html", {"plans": plans, "public_page": True})
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_GET
def plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    def extra(data):
        return {
            "spor_rows": [(s, [data.by_id[i] for i in s.initiatives]) for s in data.spor],
            "recommendation_rows": [
                (r, [data.by_id[i] for i in r.initiatives if i in data.by_id])
                for r in data.recommendations
            ],
        }

    return _page(request, slug, "public/plan.html", extra)


@require_GET
def initiative_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def extra(data):
        initiative = data.by_id.get(pk)
        if initiative is None:
            raise Http404(_("Tiltaget findes ikke."))
        spor = next(s for s in data.spor if s.id == initiative.spor_id)
        recommendations = [r for r in data.recommendations if pk in r.initiatives]
        return {"initiative": initiative, "spor": spor, "recommendations": recommendations}

    return _page(request, slug, "public/initiative.html", extra)


@require_GET
def report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The PDF of a report chefgruppen has published, while the plan is public."""
    _plan_or_404(slug)
    report = Report.objects.filter(pk=pk).first()
    if report is None or not selectors.report_is_public(report):
        raise Http404(_("Rapporten er ikke offentlig."))
    return report_pdf_response(report, cache_control=f"public, max-age={MAX_AGE}")
