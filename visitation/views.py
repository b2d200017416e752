"""Visitation's pages. Those with child-level rows are for visitation staff only, are never
stored by a browser or proxy (child_data_view) and are kept out of htmx's history
(hx-history="false"). The workspace's paged lists are kept in the server's cache
(_workspace_lists), behind the view's permission check, with every row shown still logged."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from omstilling.access import child_data_view, role_required
from omstilling.cache import Family, cached, shareable_html
from omstilling.exports import table_response
from omstilling.models import Plan, Role
from omstilling.pages import paginate
from omstilling.privacy import case_key_from_number
from omstilling.quarters import Quarter, quarter_range
from visitation import selectors
from visitation.access import (
    CASE_ROLES,
    COUNT_ROLES,
    TARGET_ROLES,
    get_pre_referral_for_user,
    get_referral_for_user,
    log_listed,
)
from visitation.forms import (
    CaseSearchForm,
    CountImportForm,
    DecisionForm,
    KpiTargetForm,
    OutcomeForm,
    PreReferralForm,
    ReferralForm,
)
from visitation.imports import COLUMNS, MAX_BYTES, CountFileError, parse_count_file
from visitation.models import PERCENT_INDICATORS, KpiIndicator
from visitation.services import (
    kpi_targets_set,
    pre_referral_record,
    pre_referral_set_outcome,
    referral_decide,
    referral_record,
    special_offer_counts_replace,
)

PAGE_SIZE = 20


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _page_number(request: HttpRequest, param: str) -> int:
    """The page a list is asked for, as the paginator reads it (not a number: the first page),
    so that `?side_h=2` and `?side_h=02` share one cache entry."""
    try:
        return int(request.GET.get(param, 1))
    except (TypeError, ValueError):
        return 1


def _workspace_lists(
    request: HttpRequest, *, mine: bool, pre_number: int, ref_number: int
) -> tuple[str, list[tuple[str, int]], str]:
    """The two paged lists of the workspace: their HTML and the rows they show (for the access
    log, which records every row shown, also when the HTML comes from the cache); and the
    empty search form's field, which is the same for every GET (_search_field).

    Kept until a visitation row or an institution changes (OUTCOMES, CORE). The key holds the
    role (only CASE_ROLES reach this view, which checks the permission before every hit), the
    page numbers, and the user when the list is "kun dem, jeg har registreret". Child-level
    rows are in it by their case key only (no name, no CPR), and a deletion (retention) makes
    the entry unreachable at once."""
    by = request.user if mine else None

    def build() -> dict:
        pre_page = Paginator(selectors.pre_referrals_for_workspace(recorded_by=by), PAGE_SIZE)
        ref_page = Paginator(selectors.referrals_for_workspace(recorded_by=by), PAGE_SIZE)
        pre_page = pre_page.get_page(pre_number)
        ref_page = ref_page.get_page(ref_number)
        # The pagination links keep the list's own parameters only (page_url reads them from
        # `request.GET`): the fragment depends on nothing else in the query string.
        query = QueryDict(mutable=True)
        if mine:
            query["mine"] = "1"
        if pre_page.number != 1:
            query["side_f"] = pre_page.number
        if ref_page.number != 1:
            query["side_h"] = ref_page.number
        html = shareable_html(
            "visitation-workspace",
            render_to_string(
                "visitation/workspace.html#lists",
                {
                    "request": SimpleNamespace(GET=query, path=request.path),
                    "searching": False,
                    "pre_referrals": pre_page.object_list,
                    "referrals": ref_page.object_list,
                    "pre_page": pre_page,
                    "ref_page": ref_page,
                },
            ),
        )
        rows = [(row._meta.label, row.pk) for row in [*pre_page, *ref_page]]
        return {"html": html, "rows": rows, "search_field": _search_field(CaseSearchForm())}

    value = cached(
        # A new name when the entry's shape changes: entries of the old shape (without the
        # search field) stay in the cache across a deploy until their generations move on.
        name="fragment:visitation-workspace:v2",
        families=[Family.OUTCOMES, Family.CORE],
        build=build,
        role=request.user.role,
        user=request.user.pk if mine else "",
        pre=pre_number,
        ref=ref_number,
    )
    # our own templates' output
    return mark_safe(value["html"]), value["rows"], mark_safe(value["search_field"])  # noqa: S308


def _search_field(search: CaseSearchForm) -> str:
    """The search's field (label, hint, input, errors): for the empty form of a GET the same
    for everyone, so kept with the lists (_workspace_lists), which saves rendering the field
    template and the widget's templates on each request."""
    return shareable_html(
        "visitation-search-field",
        render_to_string("visitation/workspace.html#search_field", {"search": search}),
    )


@role_required(*CASE_ROLES)
@child_data_view
@require_http_methods(["GET", "POST"])
def workspace(request: HttpRequest) -> HttpResponse:
    """The visitation's own records: før-henvisninger and henvisninger, newest first.

    POST is the search by case number, so the number never appears in a URL or a log. The
    search's results are rendered for each request; the paged lists of a GET come from the
    cache while nothing in them changed (_workspace_lists).
    """
    search = CaseSearchForm(request.POST or None)
    key = None
    if request.method == "POST" and search.is_valid():
        try:
            key = case_key_from_number(search.cleaned_data["case_number"])
        except ValidationError as exc:
            _add_errors(search, exc)
    mine = request.GET.get("mine") == "1"
    by = request.user if mine else None
    found = 0
    if request.method == "POST":
        pre_referrals = (
            list(selectors.pre_referrals_for_workspace(case_key=key, recorded_by=by)) if key else []
        )
        referrals = (
            list(selectors.referrals_for_workspace(case_key=key, recorded_by=by)) if key else []
        )
        found = len(pre_referrals) + len(referrals)
        search_field = _search_field(search)
        lists = render_to_string(
            "visitation/workspace.html#lists",
            {"searching": True, "pre_referrals": pre_referrals, "referrals": referrals},
        )
        listed = [*pre_referrals, *referrals]
    else:
        lists, listed, search_field = _workspace_lists(
            request,
            mine=mine,
            pre_number=_page_number(request, "side_f"),
            ref_number=_page_number(request, "side_h"),
        )
    log_listed(request.user, listed, path=request.path)
    template = "visitation/workspace.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(
        request,
        template,
        {
            "search": search,
            "searching": request.method == "POST",
            "found": found,
            "mine": mine,
            "lists": lists,
            "search_field": search_field,
        },
    )


@role_required(*CASE_ROLES)
@child_data_view
@require_http_methods(["GET", "POST"])
def pre_referral_create(request: HttpRequest) -> HttpResponse:
    form = PreReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pre_referral = pre_referral_record(
                by=request.user,
                case_number=data["case_number"],
                institution=data["institution"],
                age_group=data["age_group"],
                held_on=data["held_on"],
                led_by=data["led_by"],
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                path=request.path,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Før-henvisningen er registreret."))
            return redirect("visitation:pre_referral_detail", pk=pre_referral.pk)
    return render(request, "visitation/pre_referral_form.html", {"form": form})


@role_required(*CASE_ROLES)
@child_data_view
@require_http_methods(["GET", "POST"])
def pre_referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A før-henvisning and its outcome history; the outcome can be recorded or corrected."""
    pre_referral = get_pre_referral_for_user(request.user, pk, path=request.path)
    form = OutcomeForm(
        request.POST or None,
        initial={"outcome": pre_referral.outcome, "outcome_on": pre_referral.outcome_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pre_referral_set_outcome(
                pre_referral=pre_referral,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
                path=request.path,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Udfaldet er gemt."))
            return redirect("visitation:pre_referral_detail", pk=pk)
    return render(
        request,
        "visitation/pre_referral_detail.html",
        {
            "pre_referral": pre_referral,
            "history": pre_referral.outcome_changes.select_related("recorded_by"),
            "referrals": pre_referral.referrals.all(),
            "form": form,
        },
    )


@role_required(*CASE_ROLES)
@child_data_view
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_record(
                by=request.user,
                case_number=data["case_number"],
                institution=data["institution"],
                age_group=data["age_group"],
                received_on=data["received_on"],
                pre_referral_held_elsewhere=data["pre_referral_held_elsewhere"],
                path=request.path,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if referral.pre_referral_id:
                messages.success(
                    request,
                    _("Henvisningen er registreret og koblet til før-henvisningen på sagen."),
                )
            else:
                messages.success(request, _("Henvisningen er registreret."))
            return redirect("visitation:referral_detail", pk=referral.pk)
    return render(request, "visitation/referral_form.html", {"form": form})


@role_required(*CASE_ROLES)
@child_data_view
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A henvisning and its decisions; a decision is recorded (or corrected) here."""
    referral = get_referral_for_user(request.user, pk, path=request.path)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral_decide(
                referral=referral,
                by=request.user,
                decided_on=data["decided_on"],
                decision=data["decision"],
                special_offer_type=data["special_offer_type"],
                school_start_direct=data["school_start_direct"],
                note=data["note"],
                path=request.path,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Afgørelsen er gemt."))
            return redirect("visitation:referral_detail", pk=pk)
    return render(
        request,
        "visitation/referral_detail.html",
        {
            "referral": referral,
            "decisions": referral.decisions.select_related("recorded_by"),
            "form": form,
        },
    )


# --- counts (aggregates) ---------------------------------------------------------------------


@role_required(*COUNT_ROLES)
@require_http_methods(["GET", "POST"])
def counts(request: HttpRequest) -> HttpResponse:
    """Import a quarter's counts of children in special offers from the municipality's file."""
    form = CountImportForm(request.POST or None, request.FILES or None)
    file_errors: CountFileError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the limit is enough to refuse a bigger file without reading it all.
            data = upload.read(MAX_BYTES + 1)
            rows = parse_count_file(data=data, file_name=upload.name)
            batch = special_offer_counts_replace(by=request.user, rows=rows, file_name=upload.name)
        except CountFileError as exc:
            if exc.is_about_the_whole_file:
                form.add_error("file", exc.messages)
            else:
                file_errors = exc
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            quarters = ", ".join(Quarter.parse(code).short_label for code in batch.quarters)
            if batch.replaced_rows:
                messages.success(
                    request,
                    _(
                        "Filen er indlæst: %(rows)s rækker for %(quarters)s. De %(replaced)s "
                        "rækker, der var indlæst for samme kvartal før, er erstattet."
                    )
                    % {"rows": batch.rows, "quarters": quarters, "replaced": batch.replaced_rows},
                )
            else:
                messages.success(
                    request,
                    _("Filen er indlæst: %(rows)s rækker for %(quarters)s.")
                    % {"rows": batch.rows, "quarters": quarters},
                )
            return redirect("visitation:counts")
    counted = selectors.counted_quarters()
    latest = counted[0] if counted else None
    show_rows = request.user.role == Role.VISITATION and latest is not None
    return render(
        request,
        "visitation/counts.html",
        {
            "form": form,
            "file_errors": file_errors,
            "columns": COLUMNS,
            "imports": selectors.recent_imports(),
            "counted": counted,
            "latest": latest,
            "latest_rows": (
                paginate(request, selectors.counts_for_quarter(quarter=latest))
                if show_rows
                else None
            ),
            "show_rows": show_rows,
        },
        status=400 if file_errors or form.errors else 200,
    )


@role_required(*COUNT_ROLES)
@require_GET
def counts_template(request: HttpRequest) -> HttpResponse:
    """An empty file with the right columns and one example row, to fill in."""
    quarter = Quarter.of(timezone.localdate())
    example = ["Skole A", quarter.danish_code, "skole", 12, 540]
    return table_response(
        fmt="csv",
        basename="bestand-skabelon",
        sheet_title=_("Bestand"),
        headers=COLUMNS,
        rows=[example],
    )


# --- KPI targets -----------------------------------------------------------------------------


def _target_quarters() -> list[Quarter]:
    plan = Plan.objects.only("start_quarter", "end_quarter", "is_current").current()
    if plan:
        return quarter_range(Quarter.of(plan.start_quarter), Quarter.of(plan.end_quarter))
    current = Quarter.of(timezone.localdate())
    return quarter_range(Quarter(current.year - 2, current.number), Quarter(current.year + 2, 4))


def _decimal_text(value: float | None) -> str:
    """360.0 → "360", 12.5 → "12,5": as a Danish user writes it."""
    if value is None:
        return ""
    decimals = 0 if float(value).is_integer() else 1
    return number_format(value, decimal_pos=decimals, use_l10n=True)


@role_required(*TARGET_ROLES)
@require_http_methods(["GET", "POST"])
def kpi_targets(request: HttpRequest) -> HttpResponse:
    """Chefgruppen's targets and baseline for one indicator, quarter by quarter."""
    indicator = request.GET.get("noegletal") or KpiIndicator.SPECIAL_TOTAL
    if indicator not in KpiIndicator.values:
        indicator = KpiIndicator.SPECIAL_TOTAL
    quarters = _target_quarters()
    points = selectors.kpi_targets().get(indicator, {})
    initial = {}
    for quarter, point in points.items():
        initial[f"target_{quarter.code}"] = _decimal_text(point.target)
        initial[f"baseline_{quarter.code}"] = _decimal_text(point.baseline)
    percent = indicator in PERCENT_INDICATORS
    form = KpiTargetForm(request.POST or None, initial=initial, quarters=quarters, percent=percent)
    if request.method == "POST" and form.is_valid():
        try:
            kept = kpi_targets_set(
                by=request.user,
                indicator=indicator,
                values=form.values(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Målene for “%(indicator)s” er gemt (%(count)s kvartaler).")
                % {"indicator": KpiIndicator(indicator).label, "count": kept},
            )
            return redirect(f"{request.path}?noegletal={indicator}")
    return render(
        request,
        "visitation/kpi_targets.html",
        {
            "form": form,
            "indicator": indicator,
            "indicator_label": KpiIndicator(indicator).label,
            "indicators": KpiIndicator.choices,
            "percent": percent,
        },
    )
