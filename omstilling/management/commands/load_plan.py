from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from omstilling.plan_file import LoadStats, PlanEditedError, PlanFileError, load_plan_file


class Command(BaseCommand):
    help = (
        "Indlæs en planfil (YAML). Kan køres igen: rækker matches på deres nøgle (slug). Er "
        "planen ændret i portalen siden sidste indlæsning, og ville filen erstatte ændringerne, "
        "nægtes indlæsningen, medmindre --overwrite er givet."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.PLAN_FILE))
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="erstat ændringer, der er lavet i portalen siden sidste indlæsning",
        )

    def handle(self, *args, path: str, overwrite: bool, **options):
        try:
            plan, stats = load_plan_file(Path(path), overwrite=overwrite)
        except PlanFileError as exc:
            raise CommandError(
                f"Planfilen {path} er ikke indlæst (intet er gemt):\n  - "
                + "\n  - ".join(exc.problems)
            ) from exc
        except PlanEditedError as exc:
            self._changes(exc.stats, "Indlæsningen ville ændre:")
            raise CommandError(
                f"Planfilen {path} er ikke indlæst (intet er gemt): “{exc.plan.title}” er ændret "
                "i portalen, siden planfilen sidst blev indlæst, og filen ville erstatte disse "
                "ændringer:\n  - "
                + "\n  - ".join(str(edit) for edit in exc.edits)
                + "\nEksportér planen (manage.py export_plan) for at få ændringerne med i en ny "
                "planfil, eller indlæs igen med --overwrite for at erstatte dem."
            ) from exc
        if not stats.changed:
            self.stdout.write(f"{plan.title}: ingen ændringer ({path}).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{plan.title} er indlæst fra {path}."))
            for label, count in sorted(stats.created.items()):
                self.stdout.write(f"  oprettet: {count} {label}")
            for label, count in sorted(stats.updated.items()):
                self.stdout.write(f"  ændret: {count} {label}")
            self._changes(stats, "Ændret:")
        for item in stats.not_in_file:
            self.stdout.write(self.style.WARNING(f"  findes ikke i filen (bevares): {item}"))

    def _changes(self, stats: LoadStats, heading: str) -> None:
        if stats.changes:
            self.stdout.write(heading)
        for change in stats.changes:
            self.stdout.write(f"  {change}")
