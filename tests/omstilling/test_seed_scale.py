"""`manage.py seed_scale`: N times the demo data, deterministic, inside every rule the services
keep, screened like every stored text, and never without DEBUG."""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction
from django.db.models import Max, Min, Sum

from investments.models import Investment, InvestmentDecision
from investments.selectors import approved_total
from omstilling.bounds import EARLIEST_DATE, LATEST_DATE
from omstilling.checks import PORTAL_APPS
from omstilling.demo import seed_demo
from omstilling.fields import _screened_fields, refuse_unscreened_text
from omstilling.models import AccessLog, Institution, Plan, User
from omstilling.plan_file import load_plan_file
from omstilling.scale import USERS_PER_UNIT, seed_scale
from supportsystem.models import Forloeb, Transition
from tests.factories import StageFactory
from tracks.models import Initiative, Milestone, StatusUpdate
from visitation.models import PreReferral, Referral, SpecialOfferCount

MINI = Path(__file__).parent.parent / "data" / "mini-plan.yaml"
TODAY = dt.date(2026, 11, 24)
YESTERDAY = TODAY - dt.timedelta(days=1)
# Dates of what is planned may lie ahead; every other date is of something that happened.
PLANNED = {"planned_quarter", "planned_date", "start_quarter", "end_quarter"}

pytestmark = pytest.mark.django_db


def _small_setup() -> None:
    """The mini plan with a forløbscirkel of four stages, and the demo data on it."""
    load_plan_file(MINI)
    for order, slug in enumerate(["bekymring", "indsats", "opfoelgning"]):
        StageFactory(slug=slug, order=order)
    StageFactory(slug="afsluttet", order=9, closing=True)
    seed_demo(today=TODAY)


def _portal_models() -> list[type[models.Model]]:
    return [
        model
        for label in PORTAL_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def _last_pks() -> dict[str, int]:
    return {
        m._meta.label: m._base_manager.aggregate(n=Max("pk"))["n"] or 0 for m in _portal_models()
    }


def _added(model: type[models.Model], before: dict[str, int]) -> models.QuerySet:
    return model._base_manager.filter(pk__gt=before[model._meta.label]).order_by("pk")


def _digest_of_added_rows(before: dict[str, int]) -> str:
    """A digest of every row added since `before`. Keys are replaced by their row's rank in its
    table, so two runs compare equal whatever the database's sequences did in between; the
    columns the database stamps with the time of writing (auto_now_add) are left out. The
    access log names its rows by key in a text column; those are ranked too."""
    ranks: dict[type, dict[int, int]] = {}

    def rank(model: type[models.Model], pk: int) -> int:
        if model not in ranks:
            pks = model._base_manager.order_by("pk").values_list("pk", flat=True)
            ranks[model] = {value: index for index, value in enumerate(pks)}
        return ranks[model][pk]

    digest = hashlib.sha256()
    for model in _portal_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if not getattr(f, "auto_now_add", False) and f.name != "password"
        ]
        origin = getattr(model, "instance_type", None)  # a django-simple-history table
        for row in _added(model, before).values_list(*[f.attname for f in fields]):
            values = []
            for field, value in zip(fields, row, strict=True):
                if field.primary_key:
                    value = rank(model, value)
                elif field.is_relation and value is not None:
                    value = rank(field.related_model, value)
                elif origin is not None and field.name == origin._meta.pk.name:
                    value = rank(origin, value)
                elif model is AccessLog and field.name == "object_id":
                    logged = apps.get_model(row[fields.index(AccessLog._meta.get_field("model"))])
                    value = rank(logged, int(value))
                values.append(value)
            digest.update(repr((model._meta.label, values)).encode())
    return digest.hexdigest()


def _seeded_digest() -> tuple[str, dict[str, int]]:
    """Set up, scale ×2 and digest, then roll it all back: each run starts from empty."""
    with transaction.atomic():
        _small_setup()
        before = _last_pks()
        seed_scale(factor=2, today=TODAY)
        digest = _digest_of_added_rows(before)
        counts = {label: _added(apps.get_model(label), before).count() for label in before}
        transaction.set_rollback(True)
    return digest, counts


@pytest.fixture
def scaled() -> dict[str, int]:
    """The small setup scaled ×2; returns the last primary keys before scaling."""
    _small_setup()
    before = _last_pks()
    seed_scale(factor=2, today=TODAY)
    return before


def test_it_is_deterministic():
    first, first_counts = _seeded_digest()
    second, second_counts = _seeded_digest()

    assert first_counts["tracks.StatusUpdate"] > 0
    assert second_counts == first_counts
    assert second == first


def test_it_adds_one_unit_per_factor_beyond_the_first(scaled):
    plan = Plan.objects.get()
    demo_institutions = 21  # ten schools and ten daycares of the pool, one special offer

    assert _added(Initiative, scaled).count() == 50
    assert _added(Initiative, scaled).filter(plan=plan, title__endswith="(kopi 1)").exists()
    assert 50 * 8 <= _added(Milestone, scaled).count() <= 50 * 16
    assert _added(StatusUpdate, scaled).count() > 50 * 20
    assert _added(Investment, scaled).count() == 14
    assert _added(Institution, scaled).count() == demo_institutions
    assert _added(User, scaled).count() == sum(USERS_PER_UNIT.values())
    assert _added(Forloeb, scaled).count() == 220
    assert _added(PreReferral, scaled).count() == 300
    assert _added(Referral, scaled).count() >= 40
    assert _added(SpecialOfferCount, scaled).count() == 20 * 10  # new general × counted quarters
    assert _added(AccessLog, scaled).count() > 0


def test_factor_one_is_the_demo_itself():
    _small_setup()
    before = _last_pks()

    seed_scale(factor=1, today=TODAY)

    assert _last_pks() == before


def test_it_keeps_the_rules_of_the_services(scaled):
    plan = Plan.objects.get()
    assert approved_total(plan=plan) <= plan.funding_amount
    for investment in Investment.objects.annotate(spent=Sum("spendings__amount")):
        assert (investment.spent or 0) <= investment.amount
        decisions = list(investment.decisions.order_by("pk"))
        assert investment.version == len(decisions)
        assert [d.decided_on for d in decisions] == sorted(d.decided_on for d in decisions)
        assert investment.state == (decisions[-1].to_state if decisions else "kladde")
    for initiative in _added(Initiative, scaled).filter(current_status__isnull=False):
        newest = initiative.status_updates.order_by("-version").first()
        assert initiative.current_status == newest
        assert initiative.version == newest.version
    for forloeb in _added(Forloeb, scaled).prefetch_related("transitions"):
        steps = sorted(forloeb.transitions.all(), key=lambda t: (t.on, t.pk))
        assert steps[0].on == forloeb.opened_on
        assert steps[-1].to_stage_id == forloeb.current_stage_id
    for referral in _added(Referral, scaled).exclude(decision=""):
        newest = referral.decisions.order_by("-decided_on", "-pk").first()
        assert (referral.decision, referral.decided_on) == (newest.decision, newest.decided_on)
    assert not Milestone.objects.filter(completed_on__gt=YESTERDAY).exists()
    assert InvestmentDecision.objects.aggregate(last=Max("decided_on"))["last"] <= TODAY
    assert Transition.objects.aggregate(first=Min("on"))["first"] >= EARLIEST_DATE


def test_every_added_row_is_valid_and_nothing_happened_in_the_future(scaled):
    for model in _portal_models():
        if getattr(model, "instance_type", None) is not None:
            continue  # history rows copy rows checked here
        for row in _added(model, scaled)[:50]:
            row.full_clean()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and not getattr(field, "auto_now_add", False):
                span = _added(model, scaled).aggregate(first=Min(field.name), last=Max(field.name))
                last = LATEST_DATE if field.name in PLANNED else YESTERDAY
                for value in span.values():
                    day = value.date() if isinstance(value, dt.datetime) else value
                    assert day is None or EARLIEST_DATE <= day <= last, (model, field)


def test_nothing_it_writes_fails_the_screening(scaled):
    checked = 0
    for model in _portal_models():
        if not _screened_fields(model):
            continue
        for row in _added(model, scaled).iterator():
            try:
                refuse_unscreened_text(model, row)
            except ValidationError as exc:  # pragma: no cover - the message names the row
                pytest.fail(f"{model._meta.label} {row.pk}: {exc}")
            checked += 1
    out = io.StringIO()
    call_command("scan_personal_data", stdout=out)
    call_command("check", stdout=io.StringIO())

    assert checked > 1000
    assert "Ingen tekster ligner et CPR-nummer." in out.getvalue()


def test_the_command_seeds_and_reports_what_it_added(settings):
    settings.DEBUG = True
    _small_setup()
    out = io.StringIO()

    call_command("seed_scale", "--factor", "2", "--today", TODAY.isoformat(), stdout=out)

    assert "tracks.Initiative" in out.getvalue()
    assert Initiative.objects.filter(title__endswith="(kopi 1)").count() > 0


def test_the_command_refuses_without_debug(settings):
    settings.DEBUG = False
    _small_setup()

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_scale", "--factor", "2", stdout=io.StringIO())
    assert not Initiative.objects.filter(title__endswith="(kopi 1)").exists()


def test_the_command_refuses_without_demo_data_twice_or_in_the_future(settings):
    settings.DEBUG = True
    load_plan_file(MINI)
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_scale", "--factor", "2", stdout=io.StringIO())

    seed_demo(today=TODAY)
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(CommandError, match="fremtiden"):
        call_command("seed_scale", "--factor", "2", "--today", future, stdout=io.StringIO())

    call_command("seed_scale", "--factor", "2", "--today", TODAY.isoformat(), stdout=io.StringIO())
    with pytest.raises(CommandError, match="findes allerede"):
        call_command("seed_scale", "--factor", "2", stdout=io.StringIO())
