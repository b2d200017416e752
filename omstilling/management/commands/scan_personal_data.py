"""List stored rows whose text holds a CPR-like number: what came in before the screening.

Reads every text and JSON column of the portal's models (their history tables and the report
snapshots included) through the same pattern the screening uses, prints `model id field` for
each hit, changes nothing, and exits with status 1 when it finds any, so it can run in a cron
job or a deployment check. Hash columns (case keys, checksums) and passwords are skipped.
"""

import json

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from omstilling.checks import PORTAL_APPS
from omstilling.privacy import contains_cpr

# Columns that hold a hash or a password, never text anyone typed (digits in a hex digest
# could look like a CPR number by chance).
SKIPPED = {"case_key", "sha256", "password"}
CHUNK = 2000


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
        and not isinstance(field, models.SlugField)
        and field.name not in SKIPPED
    ]


def _as_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def scan(models_to_scan=None):
    """Yield (model label, pk, field name) for every stored text with a CPR-like number."""
    for model in models_to_scan or _portal_models():
        columns = _text_columns(model)
        if not columns:
            continue
        names = [field.attname for field in columns]
        rows = model._base_manager.order_by().values_list("pk", *names)
        for pk, *values in rows.iterator(chunk_size=CHUNK):
            for field, value in zip(columns, values, strict=True):
                if contains_cpr(_as_text(value)):
                    yield model._meta.label, pk, field.name


def _portal_models():
    for app_label in (*PORTAL_APPS, "auth"):
        yield from apps.get_app_config(app_label).get_models()


class Command(BaseCommand):
    help = (
        "Find gemte tekster med noget, der ligner et CPR-nummer (model, id, felt). Ændrer "
        "intet; afslutter med status 1, hvis der er fund."
    )

    def handle(self, *args, **options):
        hits = 0
        for label, pk, field in scan():
            hits += 1
            self.stdout.write(f"{label}\t{pk}\t{field}")
        if hits:
            raise CommandError(
                f"{hits} tekst(er) ligner et CPR-nummer. Ret eller fjern dem efter kommunens "
                "retningslinjer; historikken (history-tabellerne) og rapporternes "
                "øjebliksbilleder er med i listen.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS("Ingen tekster ligner et CPR-nummer."))
