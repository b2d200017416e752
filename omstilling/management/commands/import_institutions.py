from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omstilling.institution_import import InstitutionFileError, parse_institution_file
from omstilling.models import Plan
from omstilling.services import institutions_import
from omstilling.tables import MAX_BYTES


class Command(BaseCommand):
    help = (
        "Indlæs kommunens institutioner fra en liste (CSV eller .xlsx) med kolonnerne navn, "
        "type (skole, dagtilbud, specialtilbud) og evt. område og demo. Institutioner matches "
        "på navn; en fil med fejl indlæses slet ikke."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--plan", help="planen, hvis områder kolonnen 'område' nævner (standard: den aktuelle)"
        )

    def handle(self, *args, path: str, plan: str | None, **options):
        chosen = Plan.objects.filter(slug=plan).first() if plan else Plan.objects.current()
        if chosen is None:
            raise CommandError(
                f"Der er ingen plan med nøglen '{plan}'." if plan else "Indlæs en plan først."
            )
        file = Path(path)
        try:
            if file.stat().st_size > MAX_BYTES:
                raise CommandError(f"Filen er større end {MAX_BYTES // (1024 * 1024)} MB.")
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Filen kan ikke læses: {exc}") from exc
        try:
            rows = parse_institution_file(data=data, file_name=file.name, plan=chosen)
        except InstitutionFileError as exc:
            more = f"\n  … og {exc.more} fejl mere" if exc.more else ""
            raise CommandError(
                f"{path} er ikke indlæst (intet er gemt):\n  - "
                + "\n  - ".join(exc.messages)
                + more
            ) from exc
        created, updated = institutions_import(rows=rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} institutioner læst fra {path}: {created} oprettet, {updated} ændret."
            )
        )
