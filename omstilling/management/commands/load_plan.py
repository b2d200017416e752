from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from omstilling.plan_file import PlanFileError, load_plan_file


class Command(BaseCommand):
    help = "Indlæs en planfil (YAML). Kan køres igen: rækker matches på deres nøgle (slug)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.PLAN_FILE))

    def handle(self, *args, path: str, **options):
        try:
            plan, stats = load_plan_file(Path(path))
        except PlanFileError as exc:
            raise CommandError(
                f"Planfilen {path} er ikke indlæst (intet er gemt):\n  - "
                + "\n  - ".join(exc.problems)
            ) from exc
        if not stats.changed:
            self.stdout.write(f"{plan.title}: ingen ændringer ({path}).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{plan.title} er indlæst fra {path}."))
            for label, count in sorted(stats.created.items()):
                self.stdout.write(f"  oprettet: {count} {label}")
            for label, count in sorted(stats.updated.items()):
                self.stdout.write(f"  ændret: {count} {label}")
        for item in stats.not_in_file:
            self.stdout.write(self.style.WARNING(f"  findes ikke længere i filen: {item}"))
