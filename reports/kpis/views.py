"""The Nøgletal page: every role sees the KPIs, suppressed through disclosure control."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from omstilling.access import reader_required
from omstilling.cache import cached, cached_fragment
from omstilling.exports import table_response
from omstilling.html import compact_html
from omstilling.models import Role
from omstilling.pages import paginate
from reports.disclosure import LEGEND
from reports.kpis.exports import export_headers, kpi_export_rows
from reports.kpis.page import (
    KPI_FAMILIES,
    bounded_page,
    cached_kpi_page,
    school_names,
    schools_part,
)

TEMPLATE = "reports/kpis.html"


@reader_required
@require_GET
def kpi_overview(request: HttpRequest) -> HttpResponse:
    """The KPIs, the per-school tables bounded to the schools with the largest figures and a
    link to all of them. The figures are kept rendered (omstilling.cache.cached_fragment) until
    an outcome figure, a target or an institution changes; the frame with the role's links is
    rendered for each request."""
    role = request.user.role
    today = timezone.localdate()

    def render_figures() -> str:
        page = cached_kpi_page(today=today)
        return compact_html(
            render_to_string(
                f"{TEMPLATE}#figures",
                {"page": bounded_page(page), "n_schools": len(school_names(page))},
                request=request,
            )
        )

    return render(
        request,
        TEMPLATE,
        {
            "figures_html": cached_fragment(
                request,
                name="kpi-figures",
                families=KPI_FAMILIES,
                render=render_figures,
                today=today.isoformat(),
            ),
            "legend": LEGEND,
            "can_set_targets": role == Role.CHEFGRUPPE,
            "can_import_counts": role in (Role.CHEFGRUPPE, Role.VISITATION),
        },
    )


@reader_required
@require_GET
def kpi_schools(request: HttpRequest) -> HttpResponse:
    """Every district school's figures, 50 schools a page by name: where "Se alle" leads from
    the Nøgletal page. The same disclosed cells as there (the cached KPI page)."""
    today = timezone.localdate()
    # The names alone (a short list) page the schools; the whole KPI page only on a miss.
    names = cached(
        name="kpi-school-names",
        families=KPI_FAMILIES,
        build=lambda: school_names(cached_kpi_page(today=today)),
        today=today.isoformat(),
    )
    schools = paginate(request, names)

    def render_tables() -> str:
        page = cached_kpi_page(today=today)
        return compact_html(
            render_to_string(
                "reports/kpi_schools.html#tables",
                {"parts": schools_part(page, schools.object_list)},
                request=request,
            )
        )

    return render(
        request,
        "reports/kpi_schools.html",
        {
            "schools": schools,
            "tables_html": cached_fragment(
                request,
                name="kpi-schools",
                families=KPI_FAMILIES,
                render=render_tables,
                today=today.isoformat(),
                page=schools.number,
            ),
            "legend": LEGEND,
        },
    )


@reader_required
@require_GET
def kpi_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's tables as .xlsx or .csv, suppressed exactly as on the page (every school)."""
    return table_response(
        fmt=fmt,
        basename="noegletal",
        sheet_title=_("Nøgletal"),
        headers=export_headers(),
        rows=kpi_export_rows(cached_kpi_page(today=timezone.localdate())),
    )
