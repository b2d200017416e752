"""The Nøgletal page: every role sees the KPIs, suppressed through disclosure control."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from omstilling.access import reader_required
from omstilling.exports import table_response
from omstilling.models import Role
from reports.disclosure import LEGEND
from reports.kpis.exports import export_headers, kpi_export_rows
from reports.kpis.page import cached_kpi_page


@reader_required
@require_GET
def kpi_overview(request: HttpRequest) -> HttpResponse:
    role = request.user.role
    return render(
        request,
        "reports/kpis.html",
        {
            "page": cached_kpi_page(today=timezone.localdate()),
            "legend": LEGEND,
            "can_set_targets": role == Role.CHEFGRUPPE,
            "can_import_counts": role in (Role.CHEFGRUPPE, Role.VISITATION),
        },
    )


@reader_required
@require_GET
def kpi_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The page's tables as .xlsx or .csv, suppressed exactly as on the page."""
    return table_response(
        fmt=fmt,
        basename="noegletal",
        sheet_title=_("Nøgletal"),
        headers=export_headers(),
        rows=kpi_export_rows(cached_kpi_page(today=timezone.localdate())),
    )
