import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Areas and governance bodies belong to a plan: the column, empty until 0008 fills it, and
    slugs no longer unique across plans (0008 gives a plan that shared a row its own copy)."""

    dependencies = [
        ("omstilling", "0006_plan_is_current"),
    ]

    operations = [
        migrations.AlterField(
            model_name="area",
            name="slug",
            field=models.SlugField(verbose_name="nøgle"),
        ),
        migrations.AlterField(
            model_name="governancebody",
            name="slug",
            field=models.SlugField(verbose_name="nøgle"),
        ),
        migrations.AddField(
            model_name="area",
            name="plan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="areas",
                to="omstilling.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="governancebody",
            name="plan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="governance_bodies",
                to="omstilling.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalgovernancebody",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="omstilling.plan",
                verbose_name="plan",
            ),
        ),
    ]
