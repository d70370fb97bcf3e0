import json

from django.core.management.base import BaseCommand

from privacyops.retention import services
from privacyops.retention.models import PurgeRun


class Command(BaseCommand):
    help = (
        "Run every active retention rule now, as the scheduled job does. With --dry-run, only "
        "show what each rule would dispose of (counts and a sample); nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="preview only")

    def handle(self, *args, dry_run: bool = False, **options):
        failed = False
        for rule, result in services.retention_run_all(dry_run=dry_run, worker="run_retention"):
            if result is None:
                self.stdout.write(f"{rule.code}: skipped (running elsewhere, or awaiting review)")
            elif isinstance(result, PurgeRun):
                failed |= result.status in (PurgeRun.Status.FAILED, PurgeRun.Status.INTERRUPTED)
                self.stdout.write(
                    f"{rule.code}: {result.get_status_display()}: deleted {result.rows_deleted}, "
                    f"anonymised {result.rows_anonymised}, kept under hold "
                    f"{result.rows_skipped_held}"
                )
            else:
                self.stdout.write(
                    f"{rule.code}: would dispose of {result.rows} records, "
                    f"{result.held} kept under hold (cutoff {result.cutoff})"
                )
                for entry in result.entries:
                    self.stdout.write(
                        f"  {entry.model}: {entry.action} {entry.rows}, held {entry.held}; "
                        f"sample {json.dumps(entry.sample, default=str)}"
                    )
        if failed:
            raise SystemExit(1)
