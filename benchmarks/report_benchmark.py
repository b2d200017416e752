"""How long the quarterly report takes to compile and render: for the Vejle plan with the demo
data, and for a data set ten times its size. Not a test; run it by hand:

    DEBUG=1 .venv/bin/python benchmarks/report_benchmark.py

It builds a scratch SQLite database in a temporary directory (or uses BENCH_DATABASE_URL, which
it empties and fills), loads the plan, seeds the demo data and prints, per data set, the time to
gather the snapshot, the time to render the PDF, the whole compile, and the PDF's page count
and size.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="report-benchmark-"))
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{WORK / 'benchmark.sqlite3'}"
)
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.pop("CELERY_BROKER_URL", None)  # compile in this process
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omstilling.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from investments.models import Investment, InvestmentState  # noqa: E402
from omstilling.demo import seed_demo  # noqa: E402
from omstilling.models import Plan  # noqa: E402
from omstilling.plan_file import load_plan_file  # noqa: E402
from reports.models import Report, ReportKind  # noqa: E402
from reports.pdf import render_report  # noqa: E402
from reports.periods import parse_period  # noqa: E402
from reports.services import _snapshot, report_compile  # noqa: E402
from tracks.models import Initiative, Milestone, StatusUpdate  # noqa: E402


def prepare() -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from django.conf import settings

    load_plan_file(settings.PLAN_FILE)
    with transaction.atomic():
        seed_demo(today=timezone.localdate())


def grow_tenfold() -> None:
    """Nine copies of every initiative with its status history, milestones and §17.4 links,
    and nine more (draft) investments per investment: ten times the rows a report reads."""
    plan = Plan.objects.current()
    originals = list(
        Initiative.objects.filter(plan=plan).prefetch_related(
            "milestones", "status_updates", "recommendations"
        )
    )
    with transaction.atomic():
        for copy in range(1, 10):
            for source in originals:
                initiative = Initiative.objects.create(
                    plan=plan,
                    spor=source.spor,
                    theme=source.theme,
                    slug=f"{source.slug}-kopi-{copy}",
                    title=f"{source.title} (kopi {copy})",
                    description=source.description,
                    lead_area=source.lead_area,
                    owner=source.owner,
                    owner_body=source.owner_body,
                    start_quarter=source.start_quarter,
                    end_quarter=source.end_quarter,
                    order=source.order + 100 * copy,
                )
                Milestone.objects.bulk_create(
                    Milestone(
                        initiative=initiative,
                        slug=m.slug,
                        title=m.title,
                        planned_quarter=m.planned_quarter,
                        planned_date=m.planned_date,
                        institution=m.institution,
                        order=m.order,
                        completed_on=m.completed_on,
                        completed_by=m.completed_by,
                    )
                    for m in source.milestones.all()
                )
                updates = StatusUpdate.objects.bulk_create(
                    StatusUpdate(
                        initiative=initiative,
                        version=u.version,
                        state=u.state,
                        health=u.health,
                        progress=u.progress,
                        narrative=u.narrative,
                        next_steps=u.next_steps,
                        author=u.author,
                        created_at=u.created_at,
                    )
                    for u in sorted(source.status_updates.all(), key=lambda u: u.version)
                )
                if updates:
                    Initiative.objects.filter(pk=initiative.pk).update(
                        current_status=max(updates, key=lambda u: u.version),
                        version=source.version,
                    )
                for recommendation in source.recommendations.all():
                    recommendation.initiatives.add(initiative)
        for investment in list(Investment.objects.filter(plan=plan)):
            Investment.objects.bulk_create(
                Investment(
                    plan=plan,
                    development_school=investment.development_school,
                    title=f"{investment.title} (kopi {copy})",
                    purpose=investment.purpose,
                    amount=investment.amount,
                    state=InvestmentState.KLADDE,
                    created_by=investment.created_by,
                )
                for copy in range(1, 10)
            )


def measure(label: str, period: str) -> dict:
    spec = parse_period(ReportKind.KVARTALSRAPPORT, period)
    report = Report.objects.create(
        kind=spec.kind, period=spec.code, period_label=spec.label, period_start=spec.first_day
    )
    with translation.override("da"):
        started = time.perf_counter()
        snapshot = _snapshot(report, timezone.now())
        gathered = time.perf_counter()
        rendered = render_report(snapshot)
        finished = time.perf_counter()
    started_compile = time.perf_counter()
    report = report_compile(report=report)
    compiled = time.perf_counter() - started_compile
    plan = Plan.objects.current()
    return {
        "label": label,
        "initiatives": Initiative.objects.filter(plan=plan).count(),
        "milestones": Milestone.objects.filter(initiative__plan=plan).count(),
        "snapshot": gathered - started,
        "render": finished - gathered,
        "compile": compiled,
        "pages": report.page_count,
        "size": report.pdf_size,
        "render_pages": rendered.pages,
    }


def main() -> None:
    print(f"Database: {os.environ['DATABASE_URL']}")
    prepare()
    results = [measure("Vejle-planen (demo-data)", "2026-K3")]
    grow_tenfold()
    # The second report also compares itself with the first ("Ændringer siden sidste rapport").
    results.append(measure("10 × Vejle-planen", "2026-K4"))
    header = (
        f"{'Datasæt':<26} {'tiltag':>7} {'milepæle':>9} {'snapshot':>9} {'PDF':>8} "
        f"{'i alt':>8} {'sider':>6} {'størrelse':>10}"
    )
    print()
    print("Kvartalsrapport: tid til at samle øjebliksbilledet og gengive PDF'en (WeasyPrint)")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['label']:<26} {r['initiatives']:>7} {r['milestones']:>9} "
            f"{r['snapshot']:>8.2f}s {r['render']:>7.2f}s {r['compile']:>7.2f}s "
            f"{r['pages']:>6} {r['size'] / 1024:>7.0f} KB"
        )
    print()
    print("'i alt' er hele report_compile: snapshot, PDF, SHA-256, fil og opdatering af rækken.")


if __name__ == "__main__":
    main()
