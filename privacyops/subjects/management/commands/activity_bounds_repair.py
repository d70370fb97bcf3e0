"""Set data subjects' recorded event months again from their events (privacy_doctor's
subjects.bounds names the subjects whose events lie outside them)."""

from django.core.management.base import BaseCommand

from privacyops.subjects.models import ActivityEvent, activity_bounds


class Command(BaseCommand):
    help = (
        "Set the months each data subject's activity events lie in (activity recorded from / "
        "until) from the events themselves, for the given subjects or, without --subject, for "
        "everyone: erasure and the access export look a person's events up within those "
        "months only. Run it when privacy_doctor reports events outside their person's "
        "recorded months (after a manual SQL load or a restore). On PostgreSQL writes to data "
        "subjects wait while it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            dest="subject_ids",
            type=int,
            nargs="+",
            metavar="ID",
            help="data subject ids (privacy_doctor names them); default: every subject",
        )

    def handle(self, *args, subject_ids=None, **options):
        subjects = activity_bounds.bounds_recompute(
            event_model=ActivityEvent, subject_ids=subject_ids
        )
        self.stdout.write(
            f"Event months set from the events for {subjects} data subject(s) with events."
        )
