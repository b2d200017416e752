from django.db import migrations

from omstilling import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("omstilling", "0010_plan_names_logo_last_load_area_history"),
    ]

    operations = [
        # The history tables added with areas and institutions are append-only like the rest.
        append_only.protect("omstilling_historicalarea", "omstilling_historicalinstitution"),
    ]
