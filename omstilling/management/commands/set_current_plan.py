from django.core.management.base import BaseCommand, CommandError

from omstilling.models import Plan
from omstilling.services import plan_set_current


class Command(BaseCommand):
    help = (
        "Gør en plan til den aktuelle (fx en efterfølgende plan). De andre planer kan derefter "
        "kun læses."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="planens nøgle (plan.slug i planfilen)")

    def handle(self, *args, slug: str, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            known = ", ".join(Plan.objects.order_by("pk").values_list("slug", flat=True)) or "ingen"
            raise CommandError(f"Der er ingen plan med nøglen '{slug}'. Planer: {known}.")
        if plan_set_current(plan=plan):
            self.stdout.write(self.style.SUCCESS(f"{plan.title} er nu den aktuelle plan."))
        else:
            self.stdout.write(f"{plan.title} var allerede den aktuelle plan.")
