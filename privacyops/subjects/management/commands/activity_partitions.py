"""Create the activity-event partitions of this month and the months ahead (PostgreSQL)."""

from django.core.management.base import BaseCommand, CommandError

from privacyops.subjects import partitions


class Command(BaseCommand):
    help = (
        "PostgreSQL: create the monthly partitions of activity events for this month and the "
        "next --ahead months (ACTIVITY_PARTITION_MONTHS_AHEAD by default) and report the rows "
        "in the default partition. Beat does this daily; a role that does not own the tables "
        "needs the grants of database_grants."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=None, help="months after this one")

    def handle(self, *args, ahead=None, **options):
        if not partitions.is_partitioned():
            self.stdout.write("Activity events are one plain table here: nothing to do.")
            return
        if not partitions.may_manage():
            raise CommandError(
                "This database role may not create activity-event partitions: run "
                "database_grants for it (as the owner), or run this as the owner."
            )
        for name in partitions.partitions_ensure(ahead=ahead):
            self.stdout.write(f"created {name}")
        self.stdout.write(
            f"{len(partitions.month_partitions())} monthly partitions; "
            f"{partitions.default_partition_rows()} rows in the default partition"
        )
