from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omstilling.models import Plan
from omstilling.plan_export import dump_plan_file, logo_file_name


class Command(BaseCommand):
    help = (
        "Skriv en plan, som den står i portalen, som planfil (YAML), der kan indlæses igen med "
        "load_plan. Uden nøgle: den aktuelle plan. Uden -o: til standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="planens nøgle (standard: den aktuelle plan)")
        parser.add_argument(
            "-o", "--output", help="filen, der skrives (logoet skrives ved siden af den)"
        )

    def handle(self, *args, slug: str | None, output: str | None, **options):
        plan = Plan.objects.filter(slug=slug).first() if slug else Plan.objects.current()
        if plan is None:
            raise CommandError(
                f"Der er ingen plan med nøglen '{slug}'." if slug else "Der er ingen plan endnu."
            )
        text = dump_plan_file(plan)
        if output is None:
            self.stdout.write(text, ending="")
            return
        target = Path(output)
        target.write_text(text, encoding="utf-8")
        if plan.logo:
            with plan.logo.open("rb") as logo:
                (target.parent / logo_file_name(plan)).write_bytes(logo.read())
        self.stdout.write(self.style.SUCCESS(f"{plan.title} er skrevet til {target}."))
