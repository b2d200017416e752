"""How long the quarterly report takes to compile and render: for the Vejle plan with the demo
data, and for ten times that (`seed_scale --factor 10`). Not a test; run it by hand:

    DEBUG=1 .venv/bin/python benchmarks/report_benchmark.py

It builds a scratch SQLite database in a temporary directory (or uses BENCH_DATABASE_URL, which
it empties and fills), loads the plan, seeds the demo data and prints, per data set, the time to
gather the snapshot, the time to render the PDF and the whole compile, each as wall time and as
this process's CPU time (WeasyPrint renders in-process), the process's peak memory so far, and
the PDF's page count and size.
"""

import os
import resource
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

from omstilling.demo import seed_demo  # noqa: E402
from omstilling.models import Plan  # noqa: E402
from omstilling.plan_file import load_plan_file  # noqa: E402
from omstilling.scale import seed_scale  # noqa: E402
from reports.archive.compiler import _snapshot, report_compile  # noqa: E402
from reports.archive.pdf import render_report  # noqa: E402
from reports.archive.periods import parse_period  # noqa: E402
from reports.models import Report, ReportKind  # noqa: E402
from tracks.models import Initiative, Milestone  # noqa: E402


def prepare() -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from django.conf import settings

    load_plan_file(settings.PLAN_FILE)
    with transaction.atomic():
        seed_demo(today=timezone.localdate())


class Clock:
    """Wall time and this process's CPU time since the clock was started."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        elapsed = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return elapsed


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, period: str) -> dict:
    spec = parse_period(ReportKind.KVARTALSRAPPORT, period)
    report = Report.objects.create(
        kind=spec.kind, period=spec.code, period_label=spec.label, period_start=spec.first_day
    )
    with translation.override("da"):
        clock = Clock()
        snapshot = _snapshot(report, timezone.now())
        gathered = clock.lap()
        rendered = render_report(snapshot)
        render = clock.lap()
    clock = Clock()
    report = report_compile(report=report)
    compiled = clock.lap()
    plan = Plan.objects.current()
    return {
        "label": label,
        "initiatives": Initiative.objects.filter(plan=plan).count(),
        "milestones": Milestone.objects.filter(initiative__plan=plan).count(),
        "snapshot": gathered,
        "render": render,
        "compile": compiled,
        "peak_mb": peak_memory_mb(),
        "pages": report.page_count,
        "size": report.pdf_size,
        "render_pages": rendered.pages,
    }


def main() -> None:
    print(f"Database: {os.environ['DATABASE_URL']}")
    prepare()
    results = [measure("Vejle-planen (demo-data)", "2026-K3")]
    seed_scale(factor=10, today=timezone.localdate())
    # The second report also compares itself with the first ("Ændringer siden sidste rapport").
    results.append(measure("10 × Vejle-planen", "2026-K4"))
    header = (
        f"{'Datasæt':<26} {'tiltag':>7} {'milepæle':>9} {'snapshot':>13} {'PDF':>13} "
        f"{'i alt':>13} {'hukommelse':>11} {'sider':>6} {'størrelse':>10}"
    )
    print()
    print("Kvartalsrapport: tid til at samle øjebliksbilledet og gengive PDF'en (WeasyPrint),")
    print("som vægur / CPU-tid i denne proces")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['label']:<26} {r['initiatives']:>7} {r['milestones']:>9} "
            f"{_times(r['snapshot']):>13} {_times(r['render']):>13} {_times(r['compile']):>13} "
            f"{r['peak_mb']:>8.0f} MB {r['pages']:>6} {r['size'] / 1024:>7.0f} KB"
        )
    print()
    print("'i alt' er hele report_compile: snapshot, PDF, SHA-256, fil og opdatering af rækken.")
    print("'hukommelse' er processens højeste forbrug (RSS) indtil da.")


def _times(elapsed: tuple[float, float]) -> str:
    wall, cpu = elapsed
    return f"{wall:.1f}/{cpu:.1f} s"


if __name__ == "__main__":
    main()
