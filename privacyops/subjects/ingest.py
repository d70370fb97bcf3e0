"""Ingestion of Other Information (`manage.py load_activity`): activity events in batches.

A file is read line by line (activity_lines.py parses and rejects), each batch written in its own
transaction by a background committer thread while the next batch is parsed, and the job run
checkpoints the last committed line, so an interrupted load resumes after it.
"""

import datetime
import hashlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections, transaction

from privacyops.core import services as core_services
from privacyops.core.models import JobRun

from . import activity_lines, selectors
from .models import ActivityEvent, DataSubject, activity_bounds

LOAD_ACTIVITY_JOB = "load_activity"
_COPY_COLUMNS = (
    "occurred_at",
    "event_kind",
    "ip",
    "user_agent",
    "browser",
    "operating_system",
    "page",
    "referrer",
    "login",
    "email",
    "subject_id",
)
MAX_REJECTIONS_KEPT = 1000


@dataclass
class ActivityLoadResult:
    run: JobRun
    loaded: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    rejected_count: int = 0
    already_loaded: bool = False
    resumed_after_line: int = 0


def _file_facts(path: Path) -> tuple[str, int, str]:
    """(sha256, number of lines, format) in one pass over the file."""
    digest, lines, head = hashlib.sha256(), 0, b""
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            if not head:
                head = chunk[:64]
            digest.update(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), lines, activity_lines.sniff_format(head)


def _subject_ids(rows: list[activity_lines.EventRow]) -> list[int | None]:
    """The subject of each row: by login name, else by e-mail. One query each per batch."""
    logins = {row.login for row in rows if row.login}
    emails = {row.email for row in rows if row.email}
    by_login = dict(
        DataSubject.objects.filter(login_name__in=logins).values_list("login_name", "pk")
        if logins
        else ()
    )
    by_email = selectors.subject_ids_for_emails(emails)
    return [by_login.get(row.login) or by_email.get(row.email) for row in rows]


# A subject's last activity starts its retention clock, counted in months: a day's precision
# is plenty, and skipping smaller moves spares rewriting (and re-indexing) the subject's row
# on every batch of a busy user's events.
LAST_ACTIVITY_PRECISION = datetime.timedelta(days=1)


def write_events(rows: list[activity_lines.EventRow], subject_ids: list[int | None]) -> None:
    """Insert one batch of events (COPY on PostgreSQL, bulk_create elsewhere), widen their
    subjects' event months and move their last activity forward (to within a day); no
    commit."""
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path; bulk_create would spend most of the time building
        # model instances and one huge INSERT statement.
        with connection.cursor() as cursor:
            columns = ", ".join(_COPY_COLUMNS)
            table = ActivityEvent._meta.db_table
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                # Grouped by subject, so the (subject, time) index is filled page by page.
                pairs = sorted(zip(rows, subject_ids, strict=True), key=lambda p: p[1] or 0)
                for row, subject_id in pairs:
                    copy.write_row((*row, subject_id))  # EventRow's order is _COPY_COLUMNS'
        # COPY is no ORM write: it keeps the subjects' event months itself (bulk_create
        # below does through the model's manager), and their last activity in the same
        # statement. Two statements would rewrite a subject's row twice, each time with a new
        # entry in each of its table's dozen indexes: that was most of a batch's time.
        activity_bounds.bounds_widen(
            spans=activity_bounds.spans_of(
                (subject_id, row.occurred_at)
                for row, subject_id in zip(rows, subject_ids, strict=True)
            ),
            last_activity_precision=LAST_ACTIVITY_PRECISION,
        )
        return
    ActivityEvent.objects.bulk_create(
        [
            ActivityEvent(
                occurred_at=row.occurred_at,
                event_kind=row.event_kind,
                ip=row.ip,
                user_agent=row.user_agent,
                browser=row.browser,
                operating_system=row.operating_system,
                page=row.page,
                referrer=row.referrer,
                login=row.login,
                email=row.email,
                subject_id=subject_id,
            )
            for row, subject_id in zip(rows, subject_ids, strict=True)
        ],
        batch_size=1000,
    )
    _touch_last_activity(rows, subject_ids)


def _touch_last_activity(rows, subject_ids) -> None:
    """Move each linked subject's last activity forward (to within a day): SQLite's path."""
    latest: dict[int, object] = {}
    for row, subject_id in zip(rows, subject_ids, strict=True):
        if subject_id and (subject_id not in latest or latest[subject_id] < row.occurred_at):
            latest[subject_id] = row.occurred_at
    if not latest:
        return
    stale = []
    for subject in DataSubject.objects.filter(pk__in=latest).only("pk", "last_activity_at"):
        last = subject.last_activity_at
        if last is None or last < latest[subject.pk] - LAST_ACTIVITY_PRECISION:
            subject.last_activity_at = latest[subject.pk]
            stale.append(subject)
    DataSubject.objects.bulk_update(stale, ["last_activity_at"], batch_size=1000)


def activity_events_write(*, rows: list[activity_lines.EventRow]) -> None:
    """Write clean event rows: link each to its subject, insert them on the fast path, move the
    subjects' last activity. The caller holds the transaction (load_activity's batches, the
    integration API's pushed batches)."""
    write_events(rows, _subject_ids(rows))


def _commit_batch(rows, result: ActivityLoadResult, last_line: int, rejected: int) -> None:
    run = result.run
    summary = {
        **run.summary,
        "committed_through_line": last_line,
        "loaded": result.loaded + len(rows),
        "rejected": rejected,
    }
    with transaction.atomic():
        activity_events_write(rows=rows)
        JobRun.objects.filter(pk=run.pk).update(summary=summary, progress_done=last_line)
    # Only what was committed counts (the resume point of a failed run).
    run.summary, run.progress_done = summary, last_line
    result.loaded += len(rows)


class _BackgroundCommitter:
    """Commits batches in order on a thread of its own while the caller parses the next one.

    The database does its share (COPY, index updates, commit) while Python reads and checks
    lines: waiting on the socket releases the GIL. One batch in flight at most, so the order
    of commits, and so the resume point, is the order of the file.
    """

    def __init__(self, result: ActivityLoadResult, progress, total_lines: int):
        self.result, self.progress, self.total_lines = result, progress, total_lines
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="load_activity-commit", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    rows, last_line, rejected = item
                    _commit_batch(rows, self.result, last_line, rejected)
                    if self.progress:
                        self.progress(last_line, self.total_lines, self.result.loaded, rejected)
        except BaseException as error:  # handed to the caller's thread
            self.error = error
            while self.queue.get() is not None:  # let the caller finish putting
                pass
        finally:
            connections.close_all()  # this thread's own connection

    def submit(self, rows, last_line: int, rejected: int) -> None:
        if self.error:
            raise self.error
        self.queue.put((rows, last_line, rejected))

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error:
            raise self.error


def _previous_run(sha256: str) -> JobRun | None:
    return (
        JobRun.objects.filter(job=LOAD_ACTIVITY_JOB, summary__sha256=sha256)
        .order_by("-started_at", "-id")
        .first()
    )


def activity_events_load(
    *,
    path: str | Path,
    batch_size: int = 25_000,
    progress: Callable[[int, int, int, int], None] | None = None,
    on_reject: Callable[[int, str], None] | None = None,
) -> ActivityLoadResult:
    """Load Other Information events from a JSON-lines or CSV file, batch by batch.

    Each batch is one transaction (events, their subject links, the subjects' last activity
    and the job's progress), so a failure keeps every batch already committed. A malformed
    line is rejected with its line number and reason; the others load. Idempotent and
    resumable per file content: a file already loaded completely loads nothing again, and a
    run that stopped half-way resumes after the last committed line.
    `progress(lines_done, lines_total, loaded, rejected)` is called after each batch.
    """
    path = Path(path)
    sha256, total_lines, fmt = _file_facts(path)
    previous = _previous_run(sha256)
    if previous and previous.summary.get("complete"):
        run = core_services.job_run_start(job=LOAD_ACTIVITY_JOB, total=total_lines)
        run.summary = {"file": str(path), "sha256": sha256, "already_loaded_by": previous.pk}
        core_services.job_run_finish(
            run=run,
            summary=run.summary,
            detail=f"Nothing loaded: this file was loaded completely by job run #{previous.pk}.",
        )
        return ActivityLoadResult(run=run, already_loaded=True)
    resume_after = previous.summary.get("committed_through_line", 0) if previous else 0
    if previous and previous.status == JobRun.Status.RUNNING:
        core_services.job_run_finish(
            run=previous, status=JobRun.Status.INTERRUPTED, detail="Superseded by a resumed run."
        )
    run = core_services.job_run_start(job=LOAD_ACTIVITY_JOB, total=total_lines)
    run.summary = {
        "file": str(path),
        "sha256": sha256,
        "format": fmt,
        "resumed_after_line": resume_after,
        "committed_through_line": resume_after,
    }
    run.save(update_fields=["summary"])
    result = ActivityLoadResult(run=run, resumed_after_line=resume_after)

    def reject(number: int, reason: str) -> None:
        result.rejected_count += 1
        if len(result.rejected) < MAX_REJECTIONS_KEPT:
            result.rejected.append((number, reason))
        if on_reject:
            on_reject(number, reason)

    # Inside an outer transaction (tests, a caller's atomic block) per-batch commits mean
    # nothing and another connection would not see its data: then commit inline.
    background = connection.vendor == "postgresql" and not connection.in_atomic_block
    committer = _BackgroundCommitter(result, progress, total_lines) if background else None

    def commit(rows, last_line):
        if committer:
            committer.submit(rows, last_line, result.rejected_count)
            return
        _commit_batch(rows, result, last_line, result.rejected_count)
        if progress:
            progress(last_line, total_lines, result.loaded, result.rejected_count)

    batch: list[activity_lines.EventRow] = []
    last_line = resume_after
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            for number, record in activity_lines.read_lines(stream, fmt=fmt):
                if number <= resume_after:
                    continue
                last_line = number
                if isinstance(record, activity_lines.LineError):
                    reject(number, str(record))
                    continue
                try:
                    batch.append(activity_lines.clean(record))
                except activity_lines.LineError as error:
                    reject(number, str(error))
                    continue
                if len(batch) >= batch_size:
                    commit(batch, last_line)
                    batch = []
            if batch:
                commit(batch, last_line)
        if committer:
            committer.finish()
    except Exception as error:
        if committer and committer.thread.is_alive():
            committer.queue.put(None)
            committer.thread.join()
        core_services.job_run_finish(
            run=run,
            status=JobRun.Status.FAILED,
            summary={**run.summary, "rejected_lines": result.rejected[:100]},
            detail=f"Stopped after line {run.summary['committed_through_line']}: {error!r}. "
            "Run the command again on the same file to resume.",
        )
        raise
    run.progress_done = max(last_line, total_lines)
    summary = {
        **run.summary,
        "complete": True,
        "loaded": result.loaded,
        "rejected": result.rejected_count,
        "rejected_lines": result.rejected[:100],
    }
    detail = f"Loaded {result.loaded} events from {path.name}."
    if result.rejected_count:
        detail += f" Rejected {result.rejected_count} malformed lines (see summary)."
    core_services.job_run_finish(
        run=run,
        status=JobRun.Status.SUCCEEDED,
        summary=summary,
        detail=detail,
    )
    if progress and summary.get("committed_through_line") != run.progress_done:
        progress(run.progress_done, total_lines, result.loaded, result.rejected_count)
    return result
