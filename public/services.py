"""Chefgruppen's switches for what is public: the plan's progress page and open data, a
report's PDF, a person's name. Each change is kept: the plan's in its django-simple-history,
a report's as an appended ReportPublication, a user's in the admin's log."""

from django.db import transaction

from omstilling.models import Plan, User
from public.selectors import report_is_public
from reports.models import Report, ReportPublication


def plan_set_public(*, plan: Plan, public: bool) -> bool:
    """Switch the plan's public page and open data on or off. Returns whether it changed."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.is_public == public:
            return False
        plan.is_public = public
        plan.save(update_fields=["is_public"])
    return True


def report_set_public(*, report: Report, public: bool, by: User) -> bool:
    """Publish a finished report on the public page, or withdraw it (appended, never
    overwritten). Only a finished report can be published. Returns whether it changed."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if public and not report.is_finished:
            raise ValueError("only a finished report can be published")
        if report_is_public(report) == public:
            return False
        ReportPublication.objects.create(report=report, published=public, by=by)
    return True


def user_set_public_officeholder(*, user: User, officeholder: bool) -> bool:
    """Mark a person a public officeholder (their name may be shown publicly), or not."""
    if user.is_public_officeholder == officeholder:
        return False
    user.is_public_officeholder = officeholder
    user.save(update_fields=["is_public_officeholder"])  # the saved signal renews the cache
    return True
