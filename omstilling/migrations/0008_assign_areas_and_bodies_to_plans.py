"""Give every existing area and governance body its plan.

Until now they were shared by all plans. Each row goes to the plan that uses it (the current
plan first: the one marked current, else the first loaded); another plan that also used it gets
its own copy, and that plan's tiltag and spor are pointed at the copy. So every plan keeps the
names it was loaded with, and loading one plan never renames another's again. Institutions and
support-system actors keep pointing at the original row (the current plan's).
"""

from django.db import migrations


def _current_plan_pk(Plan):
    return Plan.objects.order_by("-is_current", "pk").values_list("pk", flat=True).first()


def _plans_in_order(used: set[int], current: int) -> list[int]:
    return sorted(used, key=lambda pk: (pk != current, pk))


def assign(apps, schema_editor):
    Plan = apps.get_model("omstilling", "Plan")
    Area = apps.get_model("omstilling", "Area")
    GovernanceBody = apps.get_model("omstilling", "GovernanceBody")
    Initiative = apps.get_model("tracks", "Initiative")
    Spor = apps.get_model("tracks", "Spor")
    current = _current_plan_pk(Plan)
    if current is None:
        if Area.objects.exists() or GovernanceBody.objects.exists():
            raise RuntimeError(
                "Der er områder eller organer, men ingen plan at knytte dem til: indlæs planen "
                "(manage.py load_plan) med den forrige version, og migrér så igen."
            )
        return

    SporLeadAreas = Spor.lead_areas.through
    for area in Area.objects.all():
        used = set(Initiative.objects.filter(lead_area=area).values_list("plan_id", flat=True))
        used |= set(
            SporLeadAreas.objects.filter(area=area).values_list("spor__plan_id", flat=True)
        )
        owner, *others = _plans_in_order(used, current) or [current]
        area.plan_id = owner
        area.save(update_fields=["plan"])
        for plan_pk in others:
            copy = Area.objects.create(
                plan_id=plan_pk, slug=area.slug, name=area.name, short=area.short
            )
            Initiative.objects.filter(plan_id=plan_pk, lead_area=area).update(lead_area=copy)
            SporLeadAreas.objects.filter(area=area, spor__plan_id=plan_pk).update(area=copy)

    for body in GovernanceBody.objects.all():
        used = set(Initiative.objects.filter(owner_body=body).values_list("plan_id", flat=True))
        owner, *others = _plans_in_order(used, current) or [current]
        body.plan_id = owner
        body.save(update_fields=["plan"])
        for plan_pk in others:
            copy = GovernanceBody.objects.create(
                plan_id=plan_pk,
                slug=body.slug,
                name=body.name,
                kind=body.kind,
                description=body.description,
            )
            copy.members.set(body.members.all())
            Initiative.objects.filter(plan_id=plan_pk, owner_body=body).update(owner_body=copy)


class Migration(migrations.Migration):
    dependencies = [
        ("omstilling", "0007_area_governancebody_plan"),
        ("tracks", "0003_protect_history"),
    ]

    operations = [
        # Backwards the rows keep their plan; 0007's reversal drops the column.
        migrations.RunPython(assign, migrations.RunPython.noop),
    ]
