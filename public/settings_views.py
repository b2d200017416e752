"""Chefgruppen's page for what is public (/offentliggoerelse/): the current plan's public page
and open data on or off, which finished reports are published there, and whose names may be
shown (public officeholders). Log-in required, chefgruppen only; every switch is a POST."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omstilling.access import role_required
from omstilling.models import Plan, Role, User
from public import selectors, services
from public.forms import OfficeholderForm, PlanPublicForm, ReportPublicForm
from reports.models import Report, ReportPublication, ReportState

REPORTS_SHOWN = 12


def _current_plan() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise PermissionDenied
    return plan


@role_required(Role.CHEFGRUPPE)
def settings_page(request: HttpRequest) -> HttpResponse:
    plan = _current_plan()
    reports = list(
        Report.objects.filter(state=ReportState.FAERDIG).order_by("-period_start", "-version")[
            :REPORTS_SHOWN
        ]
    )
    latest = {}
    for publication in ReportPublication.objects.filter(report__in=reports).order_by("at", "pk"):
        latest[publication.report_id] = publication.published
    for report in reports:
        report.is_public = latest.get(report.pk, False)
    people = (
        User.objects.filter(
            Q(owned_initiatives__plan=plan) | Q(is_public_officeholder=True), is_active=True
        )
        .exclude(role="")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return render(
        request,
        "public/settings.html",
        {
            "plan": plan,
            "reports": reports,
            "people": people,
            "public_report": selectors.latest_public_report(),
        },
    )


@require_POST
@role_required(Role.CHEFGRUPPE)
def plan_public(request: HttpRequest) -> HttpResponse:
    form = PlanPublicForm(request.POST)
    if form.is_valid():
        plan = _current_plan()
        public = form.cleaned_data["public"]
        if services.plan_set_public(plan=plan, public=public):
            messages.success(
                request,
                _("Planens fremdrift er nu offentlig.")
                if public
                else _("Planens fremdrift er ikke længere offentlig."),
            )
    return redirect("publishing:settings")


@require_POST
@role_required(Role.CHEFGRUPPE)
def report_public(request: HttpRequest) -> HttpResponse:
    form = ReportPublicForm(request.POST)
    if form.is_valid():
        report, public = form.cleaned_data["report"], form.cleaned_data["public"]
        if services.report_set_public(report=report, public=public, by=request.user):
            messages.success(
                request,
                (_("%s er offentliggjort.") if public else _("%s er ikke længere offentlig."))
                % report,
            )
    return redirect("publishing:settings")


@require_POST
@role_required(Role.CHEFGRUPPE)
def officeholder(request: HttpRequest) -> HttpResponse:
    form = OfficeholderForm(request.POST)
    if form.is_valid():
        user, flag = form.cleaned_data["user"], form.cleaned_data["officeholder"]
        if services.user_set_public_officeholder(user=user, officeholder=flag):
            messages.success(
                request,
                (
                    _("%s vises nu med navn på de offentlige sider.")
                    if flag
                    else _("%s vises ikke længere med navn på de offentlige sider.")
                )
                % user,
            )
    return redirect("publishing:settings")
