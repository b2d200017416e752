"""Demo users and demo data for trying the portal. Never in production (DEBUG must be on)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from omstilling.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = (
        "Opret demo-brugere (én pr. rolle, adgangskode 'demo') og demo-data. "
        "Kun med DEBUG slået til."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo kører kun med DEBUG slået til: demo-brugere hører ikke hjemme i drift."
            )
        with transaction.atomic():
            created = seed_demo(today=timezone.localdate() or dt.date.today())
        if created:
            self.stdout.write(self.style.SUCCESS("Demo-data er oprettet."))
        else:
            self.stdout.write("Demo-data fandtes allerede.")
        self.stdout.write(f"\nDemo-brugere (adgangskode: {DEMO_PASSWORD}):")
        for username, role_label, _first, _last, note in DEMO_USERS:
            self.stdout.write(f"  {username:<15} {role_label:<14} {note}")
