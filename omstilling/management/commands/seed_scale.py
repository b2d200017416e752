"""N times the demo data, for measuring pages and reports at scale. Never in production."""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from omstilling.scale import ScaleError, seed_scale, table_counts


class Command(BaseCommand):
    help = (
        "Gang demo-datene med N (efter load_plan og seed_demo): flere tiltag, milepæle, "
        "statusopdateringer, investeringer, institutioner, brugere og sager. Samme N og dato "
        "giver de samme data. Kun med DEBUG slået til."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, required=True, help="N (1 = demo-data som de er)")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="dagen data lægges ud fra, ÅÅÅÅ-MM-DD (standard: i dag)",
        )

    def handle(self, *args, factor: int, today: dt.date | None, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale kører kun med DEBUG slået til: skaladata hører ikke hjemme i drift."
            )
        if not 1 <= factor <= 100:
            raise CommandError("--factor skal være et helt tal fra 1 til 100.")
        real_today = timezone.localdate()
        today = today or real_today
        if today > real_today:
            raise CommandError("--today kan ikke ligge i fremtiden.")
        before = table_counts()
        started = time.perf_counter()
        try:
            seed_scale(factor=factor, today=today)
        except ScaleError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        after = table_counts()
        added = {label: after[label] - before[label] for label in after}
        self.stdout.write(
            self.style.SUCCESS(f"Skaladata ×{factor} er oprettet på {seconds:.1f} s.")
        )
        for label, count in sorted(added.items()):
            if count:
                self.stdout.write(f"  {label:<50} +{count:>7}  = {after[label]:>7}")
