"""The report archive: every role reads and downloads; only chefgruppen issues reports.

Issuing never waits for the PDF: the row is created, the compile task is sent when the
transaction commits, and the row polls its own state every 2 seconds until it is done.
A report that has been pending for longer than its task can take is shown as failed, with
"Prøv igen", instead of a row that polls for ever (`_show_stale`); reading writes nothing: the
retry (or a new version) marks it failed first, and the beat job sweeps the rest every five
minutes. Nothing here deletes a report.
"""

import base64
import hashlib
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from omstilling.access import chosen_plan, reader_required, role_required
from omstilling.cache import Family, cached_fragment
from omstilling.models import Role
from omstilling.pages import PAGE_PARAM, list_request, paginate
from reports.archive.failure import report_is_stale, stale_reason
from reports.archive.forms import ArchiveFilterForm
from reports.archive.periods import current_month
from reports.archive.schedule import next_report_day
from reports.archive.services import report_request, report_retry
from reports.models import Report, ReportKind, ReportState

logger = logging.getLogger(__name__)

ISSUERS = (Role.CHEFGRUPPE,)
TEMPLATE = "reports/archive.html"
# The archive's query parameters beside the page number (`ArchiveFilterForm`).
FILTERS = ("kind", "year")


def _get_report(pk: int) -> Report:
    report = Report.objects.select_related("requested_by").filter(pk=pk).first()
    if report is None:
        raise Http404(_("Rapporten findes ikke."))
    return report


def _show_stale(report: Report) -> None:
    """Show a report whose task is lost as failed (in this response only; nothing is saved)."""
    if report_is_stale(report=report):
        report.state = ReportState.FEJLET
        report.failure_reason = stale_reason()


def _filtered(request: HttpRequest) -> tuple[ArchiveFilterForm, Page]:
    """The page of reports the filters and the page number ask for, newest period first, 50 a
    page (omstilling.pages): the archive grows by some 16 reports a year and their versions.
    Whether a report is its period's newest version is asked of the database, so that a
    period whose versions straddle two pages offers a new version on the newest only."""
    form = ArchiveFilterForm(request.GET or None)
    newer = Report.objects.filter(
        kind=OuterRef("kind"), period=OuterRef("period"), version__gt=OuterRef("version")
    )
    reports = Report.objects.select_related("requested_by").annotate(is_latest=~Exists(newer))
    if form.is_bound and form.is_valid():
        if form.cleaned_data["kind"]:
            reports = reports.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["year"]:
            reports = reports.filter(period_start__year=form.cleaned_data["year"])
    page = paginate(request, reports.order_by("-period_start", "kind", "-version"))
    for report in page.object_list:
        _show_stale(report)
    return form, page


def _context(seen: HttpRequest, notice: dict | None = None) -> dict:
    """The filter form's and the archive body's context, for `seen`: the request with the
    list's own query string only (`list_request`)."""
    form, page = _filtered(seen)
    today = timezone.localdate()
    month = current_month(today)
    query = seen.GET.urlencode()
    can_issue = seen.user.role in ISSUERS
    return {
        "form": form,
        "reports": page.object_list,
        "page": page,
        "can_issue": can_issue,
        "month": month,
        "month_report": Report.objects.filter(kind=ReportKind.MAANEDSRAPPORT, period=month.code)
        .order_by("-version")
        .first()
        if can_issue
        else None,
        "next_quarterly": next_report_day(ReportKind.KVARTALSRAPPORT, after=today),
        "next_monthly": next_report_day(ReportKind.MAANEDSRAPPORT, after=today),
        "query": f"?{query}" if query else "",
        "notice": notice,
    }


def _spelled_once(seen: HttpRequest, context: dict) -> bool:
    """Is the list's query string the one way of asking for what it shows (valid filters, each
    given once, the page number that is shown, nothing empty)? Only then is a fragment stored:
    another spelling is rendered for its request alone, so that what a URL may hold (an
    invalid year, `side=abc`, a page past the last) never fills the cache with entries."""
    form, page = context["form"], context["page"]
    if form.is_bound and not form.is_valid():
        return False
    spelled = QueryDict(mutable=True)
    for name in FILTERS:
        if form.is_bound and (value := form.cleaned_data[name]):
            spelled[name] = value
    if page.number > 1:
        spelled[PAGE_PARAM] = page.number
    return spelled.urlencode() == seen.GET.urlencode()


def _fragment(request: HttpRequest, part: str) -> str:
    """A part of the archive (the filter form with the body, or the body alone for htmx) as a
    cached fragment (omstilling.cache), per role, keyed on the list's cleaned query string (the
    filters and the page), the plan whose names it shows and the day (the schedule note, the
    month that is running). The body holds chefgruppen's forms that POST; each gets this
    request's CSRF token.

    A body with a report that is pending is not stored: its row polls, and shows the report as
    failed once it has been pending too long (`_show_stale`), which no write announces. It is
    rendered for each request until no report on it is pending; every change of a report's
    state after that is a write that makes the stored body stale (omstilling.cache). A stale
    report shown as failed is no longer pending on the page and stays so until a write (a
    retry, a late finish, the sweep), so that body is kept."""
    seen = list_request(request, FILTERS)
    built: dict = {}
    chosen = chosen_plan(request)  # the frame asks for it too: no query of its own

    def context() -> dict:
        if not built:
            built.update(_context(seen))
        return built

    def keep(_html: str) -> bool:
        if any(report.is_pending for report in context()["reports"]):
            return False
        return _spelled_once(seen, context())

    return cached_fragment(
        request,
        name=f"reports.archive.{part}",
        families=[Family.REPORTS, Family.CORE],
        render=lambda: render_to_string(f"{TEMPLATE}#{part}", context(), request=seen),
        csrf=True,
        keep=keep,
        plan=chosen.pk if chosen else None,
        today=timezone.localdate().isoformat(),
        query=seen.GET.urlencode(),
    )


@reader_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """The archive: the page around one cached fragment, the filter form and the body (an htmx
    request from the filters gets the body alone)."""
    if request.htmx and request.htmx.target == "archive-body":
        response = HttpResponse(_fragment(request, "archive-body"))
    else:
        response = render(request, TEMPLATE, {"archive": _fragment(request, "archive")})
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@reader_required
@require_GET
def report_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the archive: what a row that is still in the queue polls for."""
    report = _get_report(pk)
    _show_stale(report)
    report.is_latest = not Report.objects.filter(
        kind=report.kind, period=report.period, version__gt=report.version
    ).exists()
    return render(
        request,
        f"{TEMPLATE}#report-row",
        {"report": report, "can_issue": request.user.role in ISSUERS, "polled": True},
    )


def _state_notice(report: Report) -> dict:
    if report.state == ReportState.FAERDIG:
        return {"level": "success", "text": _("%(report)s er udarbejdet.") % {"report": report}}
    if report.state == ReportState.FEJLET:
        return {
            "level": "error",
            "text": _("%(report)s kunne ikke udarbejdes: %(reason)s")
            % {"report": report, "reason": report.failure_reason},
        }
    return {
        "level": "info",
        "text": _(
            "%(report)s er sat i kø. Den vises i listen nedenfor og er klar til at hente, "
            "når status er Færdig."
        )
        % {"report": report},
    }


def _after_post(request: HttpRequest, notice: dict) -> HttpResponse:
    """An htmx POST gets the refreshed archive body; a plain POST is redirected (PRG)."""
    if request.htmx:
        seen = list_request(request, FILTERS)
        return render(request, f"{TEMPLATE}#archive-body", _context(seen, notice))
    getattr(messages, notice["level"])(request, notice["text"])
    return redirect(
        reverse("archive:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    )


@role_required(*ISSUERS)
@require_POST
def issue_monthly(request: HttpRequest) -> HttpResponse:
    """ "Udarbejd månedsrapport nu": the report for the month that is running, if there is none."""
    month = current_month(timezone.localdate())
    existed = Report.objects.filter(kind=ReportKind.MAANEDSRAPPORT, period=month.code).exists()
    report = report_request(kind=ReportKind.MAANEDSRAPPORT, period=month.code, by=request.user)
    if existed:
        notice = {
            "level": "info",
            "text": _(
                "Der findes allerede en månedsrapport for %(period)s. Vælg “Udarbejd ny "
                "version” ud for den, hvis du vil udarbejde en ny version."
            )
            % {"period": report.period_label},
        }
    else:
        report.refresh_from_db()
        notice = _state_notice(report)
    return _after_post(request, notice)


@role_required(*ISSUERS)
@require_POST
def issue_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of an existing report's period; the earlier versions stay as they are."""
    existing = _get_report(pk)
    try:
        report = report_request(
            kind=existing.kind, period=existing.period, by=request.user, new_version=True
        )
    except ValidationError as exc:
        return _after_post(request, {"level": "error", "text": " ".join(exc.messages)})
    report.refresh_from_db()
    return _after_post(request, _state_notice(report))


@role_required(*ISSUERS)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(pk)
    try:
        report = report_retry(report=report, by=request.user)
    except ValidationError as exc:
        return _after_post(request, {"level": "error", "text": " ".join(exc.messages)})
    report.refresh_from_db()
    return _after_post(request, _state_notice(report))


@reader_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF, checked against its SHA-256 before it is handed out."""
    return report_pdf_response(_get_report(pk), cache_control="private, max-age=0")


def report_pdf_response(report: Report, *, cache_control: str) -> HttpResponse:
    """A finished report's PDF as a download, checked against its SHA-256 first (also the
    public page's download of a published report)."""
    if not report.is_finished or not report.pdf:
        raise Http404(_("Rapporten er ikke færdig."))
    with report.pdf.open("rb") as stored:
        content = stored.read()
    digest = hashlib.sha256(content).digest()
    if digest.hex() != report.sha256:
        logger.error("Rapport %s: PDF-filen svarer ikke til sin kontrolsum", report.pk)
        return HttpResponse(
            _("Rapportens fil svarer ikke til den gemte kontrolsum og udleveres ikke."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Content-Length"] = str(len(content))
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(digest).decode()}:"
    response["Cache-Control"] = cache_control
    return response
