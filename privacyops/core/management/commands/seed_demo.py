from django.core.management.base import BaseCommand
from django.db import transaction

from privacyops.core.demo import demo_loaders


class Command(BaseCommand):
    help = "Load the realistic demo data set. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        for name, loader in demo_loaders():
            with transaction.atomic():
                outcome = loader()
            self.stdout.write(f"{name}: {outcome}")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
