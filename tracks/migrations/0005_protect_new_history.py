from django.db import migrations

from omstilling import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("omstilling", "0011_protect_new_history"),
        ("tracks", "0004_initiative_institutions_history"),
    ]

    operations = [
        append_only.protect("tracks_historicalinitiative_institutions"),
    ]
