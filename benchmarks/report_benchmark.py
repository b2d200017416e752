"""How long the quarterly report takes to compile and render: for the Vejle plan with the demo
data, and for ten times that (`seed_scale --factor 10`). Not a test; run it by hand:

    DEBUG=1 .venv/bin/python benchmarks/report_benchmark.py

It builds a scratch SQLite database in a temporary directory (or uses BENCH_DATABASE_URL, which
it empties and fills), loads the plan, seeds the demo data and prints, per data set, the CPU
and wall time of the whole compile (`report_compile`: snapshot, HTML, PDF, checksum, file,
row), the peak memory of the process that compiled it, WeasyPrint's own time to render the
same HTML (and the compile's share over it), and the pages of the main part and the appendix.
Each measurement runs in a forked process, so its CPU time and peak memory are its own.
BENCH_PDF_DIR=/some/dir keeps the PDFs.
"""

import json
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
from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from omstilling.demo import seed_demo  # noqa: E402
from omstilling.models import Plan  # noqa: E402
from omstilling.plan_file import load_plan_file  # noqa: E402
from omstilling.scale import seed_scale  # noqa: E402
from reports.archive.compiler import report_compile  # noqa: E402
from reports.archive.pdf import html_to_pdf, report_html  # noqa: E402
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


def _forked(work) -> tuple[dict, resource.struct_rusage]:
    """Run `work()` in a child process; its result (JSON) and the child's resource usage."""
    connections.close_all()  # the child opens its own connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001 - reported by the parent
            result = {"error": repr(exc)}
        with os.fdopen(write, "w") as out:
            json.dump(result, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as source:
        result = json.load(source)
    _pid, _status, usage = os.wait4(pid, 0)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result, usage


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def measure(label: str, period: str) -> dict:
    spec = parse_period(ReportKind.KVARTALSRAPPORT, period)

    def compile_it() -> dict:
        report = Report.objects.create(
            kind=spec.kind, period=spec.code, period_label=spec.label, period_start=spec.first_day
        )
        started = time.perf_counter()
        report = report_compile(report=report)
        return {"wall": time.perf_counter() - started, "pk": report.pk}

    compiled, usage = _forked(compile_it)
    report = Report.objects.get(pk=compiled["pk"])
    assert report.is_finished, report.failure_reason
    html = report_html(report.snapshot)

    def render_it() -> dict:
        started = time.perf_counter()
        rendered = html_to_pdf(html)
        return {
            "wall": time.perf_counter() - started,
            "pages": rendered.pages,
            "main": rendered.main_pages,
        }

    rendered, render_usage = _forked(render_it)
    if os.environ.get("BENCH_PDF_DIR"):
        target = Path(os.environ["BENCH_PDF_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        (target / report.filename).write_bytes(report.pdf.read())
    plan = Plan.objects.current()
    return {
        "label": label,
        "initiatives": Initiative.objects.filter(plan=plan).count(),
        "milestones": Milestone.objects.filter(initiative__plan=plan).count(),
        "cpu": _cpu(usage),
        "wall": compiled["wall"],
        "peak_mb": usage.ru_maxrss / 1024,
        "render_cpu": _cpu(render_usage),
        "render_wall": rendered["wall"],
        "main": rendered["main"],
        "appendix": rendered["pages"] - rendered["main"],
        "pages": report.page_count,
        "size": report.pdf_size,
    }


def main() -> None:
    print(f"Database: {os.environ['DATABASE_URL']}")
    prepare()
    results = [measure("Vejle-planen (demo-data)", "2026-K3")]
    seed_scale(factor=10, today=timezone.localdate())
    # The second report also compares itself with the first ("Ændringer siden sidste rapport").
    results.append(measure("10 × Vejle-planen", "2026-K4"))
    header = (
        f"{'Datasæt':<26} {'tiltag':>6} {'milepæle':>8} {'CPU':>7} {'væg':>7} {'hukommelse':>10} "
        f"{'WeasyPrint':>10} {'forhold':>7} {'sider':>6} {'hoveddel':>8} {'bilag':>5} "
        f"{'størrelse':>9}"
    )
    print()
    print("Kvartalsrapport: hele udarbejdelsen (report_compile) mod WeasyPrints egen gengivelse")
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['label']:<26} {r['initiatives']:>6} {r['milestones']:>8} "
            f"{r['cpu']:>6.2f}s {r['wall']:>6.2f}s {r['peak_mb']:>7.0f} MB "
            f"{r['render_cpu']:>9.2f}s {r['cpu'] / r['render_cpu']:>6.2f}× "
            f"{r['pages']:>6} {r['main']:>8} {r['appendix']:>5} {r['size'] / 1024:>6.0f} KB"
        )
    print()
    print(
        "CPU og væg: hele report_compile (snapshot, HTML, PDF, SHA-256, fil, rækken), i en "
        "proces for sig; hukommelse: den proces' højeste forbrug (RSS); WeasyPrint: CPU-tid "
        "for at gengive den samme HTML alene; forhold: CPU for det hele delt med WeasyPrints."
    )


if __name__ == "__main__":
    main()
