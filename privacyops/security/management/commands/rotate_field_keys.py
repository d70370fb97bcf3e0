from django.core.management.base import BaseCommand

from privacyops.security import services


class Command(BaseCommand):
    help = (
        "Re-encrypt contact details and recompute their search hashes under the current keys "
        "(after putting a new key first). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        summary = services.field_keys_rotate(batch_size=batch_size)
        for label, count in summary.items():
            self.stdout.write(f"{label}: {count} rows rewritten")
        self.stdout.write(self.style.SUCCESS("Keys rotated."))
