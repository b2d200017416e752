from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from investments import exports, selectors
from investments.access import (
    can_write_investments,
    get_development_school_for_user,
    get_investment_for_user,
    investment_reader_required,
    investment_writer_required,
)
from investments.forms import (
    DecisionForm,
    DevelopmentSchoolForm,
    InvestmentFilterForm,
    InvestmentForm,
    SpendingForm,
)
from investments.models import SPENDABLE_STATES, ZERO, state_label
from investments.services import (
    InvestmentConflict,
    allowed_next_states,
    development_school_create,
    development_school_update,
    investment_create,
    investment_decide,
    investment_update,
    spending_record,
)
from omstilling.access import current_plan_or_404, viewed_plan_or_404
from omstilling.cache import Family, cached_fragment
from omstilling.pages import list_query, paginate

# The pool page shows the investments changed last; all of them are on the paged list.
RECENT_INVESTMENTS = 10
# What the pool's pages show: the pool's own rows, and from the core the plan (its pool, the
# names of its bodies, whether it is current and so may be written to) and the schools' names.
POOL_FAMILIES = (Family.INVESTMENTS, Family.CORE)


@investment_reader_required
def pool(request: HttpRequest) -> HttpResponse:
    """The pool in figures, per udviklingsskole and per status, and the investments changed
    last; the page's main part is a cached fragment, the same for every viewer of a role."""
    plan = viewed_plan_or_404(request)

    def render_main() -> str:
        summary = selectors.pool_summary(plan=plan)
        states = selectors.state_summary(plan=plan)
        return render_to_string(
            "investments/pool.html#main",
            {
                "plan": plan,
                "plan_names": plan.names,
                "summary": summary,
                "counted_investments": sum(row["investments"] for row in summary["schools"]),
                "states": states,
                "total": sum(row["count"] for row in states),
                "recent": selectors.recently_changed_investments(
                    plan=plan, limit=RECENT_INVESTMENTS
                ),
                # The role is in the fragment's key; whether the plan is the current one (only
                # its pool is written to) changes with the core family.
                "can_write": can_write_investments(request.user, plan_id=plan.pk),
            },
        )

    main = cached_fragment(
        request, name="investments:pool", families=POOL_FAMILIES, render=render_main, plan=plan.pk
    )
    return render(request, "investments/pool.html", {"plan": plan, "main": main})


@investment_reader_required
def investment_list(request: HttpRequest) -> HttpResponse:
    """Every investment of the pool, 50 to a page, filtered by udviklingsskole and status (GET,
    kept in the URL); the filters and the list are a cached fragment keyed on the query."""
    plan = viewed_plan_or_404(request)
    query = list_query(request, InvestmentFilterForm.base_fields)

    def render_main() -> str:
        form = InvestmentFilterForm(query or None, plan=plan)
        form.is_valid()  # a filter with an error is left out, the others apply
        filters = form.cleaned_data if form.is_bound else {}
        rows = selectors.investment_list(
            plan=plan,
            development_school=filters.get("skole"),
            state=filters.get("status") or "",
        )
        # The links of the pagination keep these parameters and no others.
        listed = SimpleNamespace(GET=query, path=request.path)
        return render_to_string(
            "investments/investment_list.html#main",
            {
                "plan_names": plan.names,
                "form": form,
                "investments": paginate(listed, rows),
                "request": listed,
            },
        )

    main = cached_fragment(
        request,
        name="investments:list",
        families=POOL_FAMILIES,
        render=render_main,
        plan=plan.pk,
        query=query.urlencode(),
    )
    return render(request, "investments/investment_list.html", {"plan": plan, "main": main})


def _detail_context(request: HttpRequest, investment) -> dict:
    return {
        "investment": investment,
        "can_write": can_write_investments(request.user, plan_id=investment.plan_id),
        "next_states": allowed_next_states(investment.state),
        "can_spend": investment.state in SPENDABLE_STATES,
        **selectors.investment_detail(investment=investment),
    }


@investment_reader_required
def investment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    investment = get_investment_for_user(request.user, pk)
    template = "investments/investment_detail.html"
    if request.htmx and request.htmx.target in ("decision-panel", "spending-panel"):
        template += "#" + request.htmx.target
    return render(request, template, _detail_context(request, investment))


def _refreshed_body(request: HttpRequest, investment, message: str) -> HttpResponse:
    """After an htmx write: a decision or spending changes the state, the sums and which
    buttons apply, so the whole body of the page is re-rendered in place of the form."""
    context = {**_detail_context(request, investment), "just_saved": message}
    response = render(request, "investments/investment_detail.html#investment-body", context)
    return reswap(retarget(response, "#investment-body"), "outerHTML")


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on their field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _no_pool(request: HttpRequest) -> HttpResponse:
    """A plan without an investment pool has nothing to add to: the pool page says so."""
    messages.info(request, _("Planen har ingen investeringspulje."))
    return redirect("investments:pool")


@investment_writer_required
@require_http_methods(["GET", "POST"])
def investment_create_view(request: HttpRequest) -> HttpResponse:
    plan = current_plan_or_404()
    if not plan.has_pool:
        return _no_pool(request)
    initial = {"development_school": request.GET.get("skole")}
    form = InvestmentForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            investment = investment_create(
                plan=plan,
                development_school=data["development_school"],
                by=request.user,
                title=data["title"],
                purpose=data["purpose"],
                amount=data["amount"],
                initiatives=data["initiatives"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Investeringen “%s” er oprettet som kladde.") % investment)
            return redirect("investments:investment_detail", pk=investment.pk)
    return render(
        request,
        "investments/investment_form.html",
        {"form": form, "plan": plan, "free": selectors.free_amount(plan=plan)},
    )


@investment_writer_required
@require_http_methods(["GET", "POST"])
def investment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    investment = get_investment_for_user(request.user, pk, write=True)
    plan = investment.plan
    form = InvestmentForm(request.POST or None, plan=plan, investment=investment)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            investment_update(
                investment=investment,
                by=request.user,
                title=data["title"],
                purpose=data["purpose"],
                amount=data["amount"],
                development_school=data["development_school"],
                initiatives=data["initiatives"],
                expected_version=data["expected_version"] or 0,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except InvestmentConflict as exc:
            # Keep the user's input; show the other person's version as the new starting point.
            conflict = True
            investment = exc.investment
            data = request.POST.copy()
            data["expected_version"] = investment.version
            form = InvestmentForm(data, plan=plan, investment=investment)
            form.is_valid()
        else:
            messages.success(request, _("Investeringen er gemt."))
            return redirect("investments:investment_detail", pk=investment.pk)
    return render(
        request,
        "investments/investment_form.html",
        {
            "form": form,
            "plan": plan,
            "investment": investment,
            "conflict": conflict,
            "free": selectors.free_amount(plan=plan),
        },
        status=409 if conflict else 200,
    )


@investment_writer_required
@require_http_methods(["GET", "POST"])
def investment_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the next step on the decision path: inline with htmx, or as its own page."""
    investment = get_investment_for_user(request.user, pk, write=True)
    form = DecisionForm(request.POST or None, investment=investment)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = investment_decide(
                investment=investment,
                by=request.user,
                to_state=data["to_state"],
                decided_on=data["decided_on"],
                reference=data["reference"],
                note=data["note"],
                expected_version=data["expected_version"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except InvestmentConflict as exc:
            # Someone recorded a step meanwhile: offer the steps that follow theirs.
            conflict = True
            investment = exc.investment
            data = request.POST.copy()
            data["expected_version"] = investment.version
            form = DecisionForm(data, investment=investment)
            form.is_valid()
        else:
            text = _("Beslutningen er registreret: %s.") % state_label(
                decision.to_state, investment.plan.names
            )
            if request.htmx:
                return _refreshed_body(request, investment, text)
            messages.success(request, text)
            return redirect("investments:investment_detail", pk=investment.pk)
    template = "investments/decision_form.html"
    if request.htmx:
        template += "#decision-form"
    status = 409 if conflict and not request.htmx else 200
    return render(
        request,
        template,
        {"investment": investment, "form": form, "conflict": conflict},
        status=status,
    )


@investment_writer_required
@require_http_methods(["GET", "POST"])
def spending_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    investment = get_investment_for_user(request.user, pk, write=True)
    form = SpendingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spending_record(
                investment=investment,
                by=request.user,
                spent_on=data["spent_on"],
                amount=data["amount"],
                note=data["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            text = _("Forbruget er registreret.")
            if request.htmx:
                return _refreshed_body(request, investment, text)
            messages.success(request, text)
            return redirect("investments:investment_detail", pk=investment.pk)
    template = "investments/spending_form.html"
    if request.htmx:
        template += "#spending-form"
    return render(
        request,
        template,
        {
            "investment": investment,
            "form": form,
            "spent": selectors.spent_total(investment=investment),
        },
    )


@investment_reader_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    development_school = get_development_school_for_user(request.user, pk)
    investments = selectors.development_school_investments(development_school=development_school)
    return render(
        request,
        "investments/school_detail.html",
        {
            "development_school": development_school,
            "daycares": list(development_school.daycares.order_by("name")),
            "investments": investments,
            "approved": sum((i.amount for i in investments if i.approved), ZERO),
            "spent": sum((i.spent for i in investments), ZERO),
            "can_write": can_write_investments(request.user, plan_id=development_school.plan_id),
        },
    )


@investment_writer_required
@require_http_methods(["GET", "POST"])
def school_create(request: HttpRequest) -> HttpResponse:
    plan = current_plan_or_404()
    if not plan.has_pool:
        return _no_pool(request)
    form = DevelopmentSchoolForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            development_school = development_school_create(
                plan=plan,
                school=data["school"],
                by=request.user,
                daycares=data["daycares"],
                order=data["order"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%s er nu udviklingsskole.") % development_school)
            return redirect("investments:school_detail", pk=development_school.pk)
    return render(request, "investments/school_form.html", {"form": form, "plan": plan})


@investment_writer_required
@require_http_methods(["GET", "POST"])
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    development_school = get_development_school_for_user(request.user, pk, write=True)
    plan = development_school.plan
    form = DevelopmentSchoolForm(
        request.POST or None, plan=plan, development_school=development_school
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            development_school_update(
                development_school=development_school,
                by=request.user,
                daycares=data["daycares"],
                order=development_school.order if data["order"] is None else data["order"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Udviklingsskolen er gemt."))
            return redirect("investments:school_detail", pk=development_school.pk)
    return render(
        request,
        "investments/school_form.html",
        {"form": form, "plan": plan, "development_school": development_school},
    )


@investment_reader_required
@require_GET
def export_overview(request: HttpRequest, fmt: str) -> HttpResponse:
    """The investment overview as .xlsx or .csv, for people who work on in Excel."""
    return exports.overview_response(plan=viewed_plan_or_404(request), fmt=fmt)
