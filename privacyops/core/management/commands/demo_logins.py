import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacyops.core import services
from privacyops.core.demo import demo_login_helpers


class Command(BaseCommand):
    help = "Create (or reset) the demo staff logins, one per role, and print them."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Use this password instead of a random one.")
        parser.add_argument(
            "--force", action="store_true", help="Allow outside DEBUG (never in production)."
        )

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo logins are for the embedded demo only (DEBUG is off).")
        password = password or secrets.token_urlsafe(12)
        users = services.demo_logins_reset(password=password)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {password})"))
        notes = [helper([user for user, _ in users]) for helper in demo_login_helpers()]
        for user, role in users:
            self.stdout.write(f"  {user.username:<10} {role}")
            for note in notes:
                if user.username in note:
                    self.stdout.write(f"             {note[user.username]}")
        self.stdout.write("")
