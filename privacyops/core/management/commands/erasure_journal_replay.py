import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacyops.core import journal


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not an ISO 8601 date and time: {value!r}") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "After restoring a backup: re-apply every erasure, retention purge and suppression the "
        "erasure journal recorded since the backup was taken (idempotent; docs/operations.md). "
        "Exit status 1 when a line could not be re-applied."
    )

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument(
            "--backup-taken-at",
            help="When the restored backup was taken (ISO 8601; the dump's start time). "
            "Lines written from a little before it are re-applied too (see --margin).",
        )
        when.add_argument("--since", help="Re-apply the lines written at or after this moment.")
        parser.add_argument(
            "--margin-minutes",
            type=int,
            default=10,
            help="With --backup-taken-at: start this many minutes earlier, for erasures that "
            "committed while the dump was being taken (re-applying is harmless).",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, backup_taken_at=None, since=None, margin_minutes=10, **options):
        if backup_taken_at:
            start = _moment(backup_taken_at) - datetime.timedelta(minutes=margin_minutes)
        else:
            start = _moment(since)
        result = journal.replay(since=start)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"since": result.since, "applied": result.applied, "problems": result.problems},
                    indent=2,
                )
            )
        else:
            self.stdout.write(
                f"Erasure journal since {result.since}: {len(result.applied)} line(s)."
            )
            for line in result.applied:
                self.stdout.write(f"  {line['at']} {line['kind']}: {line['outcome']}")
            for problem in result.problems:
                self.stdout.write(self.style.ERROR(f"  problem: {problem}"))
        if not result.ok:
            sys.exit(1)
