from django.core.management.base import BaseCommand, CommandError

from privacyops.api import services
from privacyops.api.models import Scope


class Command(BaseCommand):
    help = (
        "Create an API client (a connected system) with its scopes and print its key once: "
        "only a hash is stored. Scopes: " + ", ".join(Scope.values)
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scopes", nargs="+", required=True, choices=Scope.values)
        parser.add_argument("--requests-per-minute", type=int, default=None)

    def handle(self, *args, name, scopes, requests_per_minute, **options):
        try:
            client, key = services.api_client_create(
                name=name, scopes=scopes, requests_per_minute=requests_per_minute
            )
        except services.ApiError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"Created API client {client.name!r} with scopes {', '.join(client.scopes)}. "
            "Its key follows; it is shown only this once."
        )
        self.stdout.write(key)
