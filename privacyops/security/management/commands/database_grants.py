from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from privacyops.security.database import runtime_role_grants


class Command(BaseCommand):
    help = (
        "Print (or, with --apply, run as the owner) the GRANTs that let a runtime database "
        "role run the product without owning its tables. Run it after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the runtime role web processes and workers log in as")
        parser.add_argument("--apply", action="store_true", help="run the statements now")
        parser.add_argument("--database", dest="using", default="default")

    def handle(self, *args, role: str, apply: bool, using: str, **options):
        try:
            statements = runtime_role_grants(role=role, using=using)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not apply:
            for statement in statements:
                self.stdout.write(f"{statement};")
            return
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(self.style.SUCCESS(f"{len(statements)} statements applied to {role}."))
