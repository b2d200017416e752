import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every area and body now has its plan (0008): required, and slugs unique per plan."""

    dependencies = [
        ("omstilling", "0008_assign_areas_and_bodies_to_plans"),
    ]

    operations = [
        migrations.AlterField(
            model_name="area",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="areas",
                to="omstilling.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AlterField(
            model_name="governancebody",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="governance_bodies",
                to="omstilling.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AddConstraint(
            model_name="area",
            constraint=models.UniqueConstraint(fields=("plan", "slug"), name="area_unique_slug"),
        ),
        migrations.AddConstraint(
            model_name="governancebody",
            constraint=models.UniqueConstraint(
                fields=("plan", "slug"), name="governancebody_unique_slug"
            ),
        ),
    ]
