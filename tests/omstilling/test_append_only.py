"""History is appended and kept (issue 10, part 5): no cascade takes it away, and on PostgreSQL
the database itself refuses to change or delete it, except the retention job's deletions."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from simple_history.models import HistoricalChanges

from omstilling.append_only import retention_deletes
from omstilling.checks import PORTAL_APPS
from omstilling.models import AccessLog
from omstilling.services import access_log_record
from reports.models import Report, ReportState
from supportsystem.models import Transition
from tests.factories import (
    ForloebFactory,
    InitiativeFactory,
    InvestmentDecisionFactory,
    MilestoneFactory,
    ReferralFactory,
    SpendingFactory,
    StageFactory,
)
from tracks.models import MilestoneEvent, StatusUpdate
from tracks.services import initiative_update_status, milestone_complete
from visitation.models import Decision

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL (CI)"
)

# The append-only tables besides the history tables of django-simple-history.
APPEND_ONLY = [
    "tracks.StatusUpdate",
    "tracks.StatusReview",
    "tracks.MilestoneEvent",
    "investments.InvestmentDecision",
    "investments.Spending",
    "omstilling.AccessLog",
    "supportsystem.Transition",
    "visitation.Decision",
    "visitation.PreReferralOutcomeChange",
    "visitation.CountImport",
    "reports.ReminderSent",
    "reports.Report",
    "reports.ReportPublication",
    "decisions.Decision",
    "documents.Document",
    "documents.DocumentWithdrawal",
    "discussion.CommentRevision",
    "discussion.Mention",
]


def _history_tables() -> list[str]:
    tables = []
    for app_label in PORTAL_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if issubclass(model, HistoricalChanges) or model.__name__.startswith("Historical"):
                tables.append(model._meta.db_table)
    return tables


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError as exc:
        assert "append-only" in str(exc) or "never changed" in str(exc)
        return True
    return False


@pytest.fixture
def status_update(chef, initiative):
    return initiative_update_status(
        initiative=initiative,
        by=chef,
        state="i_gang",
        health="groen",
        progress=10,
        expected_version=0,
    )


# --- foreign keys protect (every database) ----------------------------------------------------


def test_deleting_an_initiative_does_not_take_its_status_history(status_update, initiative):
    with pytest.raises(ProtectedError):
        initiative.delete()

    assert StatusUpdate.objects.filter(pk=status_update.pk).exists()


def test_deleting_a_user_does_not_take_what_they_wrote(status_update, chef):
    with pytest.raises(ProtectedError):
        chef.delete()


def test_deleting_an_institution_does_not_take_its_milestones(leader, school, initiative):
    milestone = MilestoneFactory(initiative=initiative, institution=school)
    milestone_complete(milestone=milestone, by=leader, completed_on=dt.date(2025, 8, 1))

    with pytest.raises(ProtectedError):
        school.delete()

    assert MilestoneEvent.objects.filter(milestone=milestone).exists()


@pytest.mark.django_db
def test_deleting_an_investment_does_not_take_its_decisions_or_spending():
    decision = InvestmentDecisionFactory()
    SpendingFactory(investment=decision.investment)

    with pytest.raises(ProtectedError):
        decision.investment.delete()


def test_deleting_a_referral_outside_retention_does_not_take_its_decisions(visitation):
    referral = ReferralFactory()
    Decision.objects.create(
        referral=referral, decided_on=dt.date(2026, 3, 1), decision="almen_med_stoette"
    )

    with pytest.raises(ProtectedError):
        referral.delete()


# --- the database refuses (PostgreSQL) ----------------------------------------------------------


@on_postgresql
@pytest.mark.django_db
def test_every_append_only_and_history_table_has_its_trigger():
    expected = {apps.get_model(label)._meta.db_table for label in APPEND_ONLY}
    expected |= set(_history_tables())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = c.relname || '_append_only' AND NOT t.tgisinternal"
        )
        protected = {row[0] for row in cursor.fetchall()}

    assert len(expected) > 25
    assert expected - protected == set()


@on_postgresql
def test_status_history_cannot_be_updated_or_deleted(status_update, initiative):
    rows = StatusUpdate.objects.filter(pk=status_update.pk)

    assert _refused(lambda: rows.update(narrative="omskrevet"))
    assert _refused(lambda: rows.delete())
    assert _refused(lambda: initiative.history.all().delete())
    assert _refused(lambda: initiative.history.update(title="omskrevet"))
    assert StatusUpdate.objects.get(pk=status_update.pk).narrative == ""


@on_postgresql
def test_decisions_spending_and_the_access_log_cannot_be_rewritten(chef):
    decision = InvestmentDecisionFactory()
    spending = SpendingFactory(investment=decision.investment)
    access_log_record(user=chef, action=AccessLog.Action.READ, model="x.Y", object_id="1")

    for model, pk in [
        (type(decision), decision.pk),
        (type(spending), spending.pk),
        (AccessLog, AccessLog.objects.get().pk),
    ]:
        rows = model.objects.filter(pk=pk)
        assert _refused(lambda rows=rows: rows.update(id=rows.get().pk))
        assert _refused(lambda rows=rows: rows.delete())


@on_postgresql
def test_retention_alone_may_delete_child_level_history(support, school):
    stage = StageFactory()
    forloeb = ForloebFactory(institution=school, current_stage=stage)
    step = Transition.objects.create(
        forloeb=forloeb, kind="open", to_stage=stage, on=dt.date(2025, 9, 1), by=support
    )
    rows = Transition.objects.filter(pk=step.pk)

    assert _refused(lambda: rows.delete())
    assert _refused(lambda: rows.update(note="omskrevet"))
    with retention_deletes():
        rows.delete()
    assert not Transition.objects.filter(pk=step.pk).exists()


@on_postgresql
def test_retention_cannot_delete_what_is_not_child_level(status_update):
    rows = StatusUpdate.objects.filter(pk=status_update.pk)

    def inside_retention():
        with retention_deletes():
            rows.delete()

    assert _refused(inside_retention)


@on_postgresql
@pytest.mark.django_db
def test_a_report_changes_while_compiled_and_never_once_finished():
    report = Report.objects.create(
        kind="maanedsrapport",
        period="2026-11",
        period_label="november 2026",
        period_start=dt.date(2026, 11, 1),
    )
    rows = Report.objects.filter(pk=report.pk)
    rows.update(state=ReportState.UDARBEJDES)  # allowed while it is being compiled
    rows.update(state=ReportState.FAERDIG, snapshot={}, pdf="rapporter/x.pdf", sha256="0" * 64)

    assert _refused(lambda: rows.update(snapshot={"changed": True}))
    assert _refused(lambda: rows.delete())
    assert Report.objects.get(pk=report.pk).snapshot == {}


@pytest.mark.django_db
def test_an_initiative_can_still_be_edited_and_its_history_grows(initiative):
    """The triggers refuse changes to history, not to the plan's content."""
    before = initiative.history.count()
    initiative.title = "Nyt navn"
    initiative.save()

    assert initiative.history.count() == before + 1
    assert InitiativeFactory._meta.model.objects.get(pk=initiative.pk).title == "Nyt navn"
