from django.core.management.base import BaseCommand, CommandError

from privacyops.subjects import ingest


class Command(BaseCommand):
    help = (
        "Load Other Information events from a JSON-lines or CSV file (columns occurred_at, ip, "
        "user_agent, page, referrer, login, optional email). Malformed lines are rejected with "
        "their line numbers; the exit status is non-zero when any line was rejected. Running it "
        "again on the same file resumes an interrupted load and never loads a line twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--batch-size", type=int, default=25_000, help="lines per transaction")

    def handle(self, *args, file, batch_size, **options):
        def progress(done, total, loaded, rejected):
            share = f" ({100 * done // total}%)" if total else ""
            self.stdout.write(
                f"line {done:,} of {total:,}{share}: {loaded:,} loaded, {rejected:,} rejected"
            )

        def reject(number, reason):
            self.stderr.write(f"line {number}: {reason}")

        try:
            result = ingest.activity_events_load(
                path=file, batch_size=batch_size, progress=progress, on_reject=reject
            )
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from None
        if result.already_loaded:
            self.stdout.write(f"{file} was already loaded completely; nothing to do.")
            return
        if result.resumed_after_line:
            self.stdout.write(f"Resumed after line {result.resumed_after_line:,}.")
        self.stdout.write(
            f"Loaded {result.loaded:,} events, rejected {result.rejected_count:,} lines "
            f"(job run #{result.run.pk})."
        )
        if result.rejected_count:
            raise CommandError(f"{result.rejected_count} lines were rejected", returncode=2)
