"""Running a retention rule: one run per rule at a time, window by window, resumable.

`retention_rule_run` is the one engine path: the beat task, `manage.py run_retention` and an
approved disposition review all go through it. Which rows a run disposes of is the engine's
(engine.py); one run at a time per rule is the lease's (leases.py).
"""

import logging
import time
import uuid
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from privacyops.core import registry
from privacyops.core import services as core_services
from privacyops.core.models import JobRun

from . import engine, partition_swap, selectors
from .journal import purge_journal
from .leases import (
    LeaseLost,
    lease_seconds,
    rule_claim,
    rule_release,
    rule_renew,
    runs_mark_interrupted,
)
from .models import DispositionReview, PurgeRun, RetentionEvent, RetentionRule

log = logging.getLogger(__name__)
SAMPLE_SIZE = 5


def _window_size() -> int:
    return settings.RETENTION_WINDOW_SIZE


def _pause() -> None:
    # A test hook (0 in production): lets the kill-safety test strike between windows.
    seconds = settings.RETENTION_WINDOW_PAUSE_SECONDS
    if seconds:
        time.sleep(seconds)


def _window_settings() -> None:
    """PostgreSQL settings for one window's transaction (SET LOCAL: they end with it).

    synchronous_commit off: the commit is acknowledged before its WAL reaches the disk. Safe
    here, and worth a third of the run time: a window's deletions and its checkpoint commit
    together, so a database crash can lose only whole, most recent windows, and the resumed
    run simply does them again. A killed worker loses nothing (the server acknowledged).

    jit off: a window's DELETE is estimated dear enough for JIT compilation, which costs
    25-30 ms per statement and buys nothing for a 100 ms index range scan, once per window.

    effective_io_concurrency (`RETENTION_IO_CONCURRENCY`): the held rows a month's swap copies
    are a few rows in most of the month's pages, in months nobody has read for a year; with
    the disk asked for pages ahead, copying them from an uncached month took 140-170 ms
    instead of 740-950 ms (600,000-row months, page cache dropped; docs/benchmarks.md).
    """
    if connection.vendor == "postgresql":
        io = settings.RETENTION_IO_CONCURRENCY
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('synchronous_commit', 'off', true), "
                "set_config('jit', 'off', true)"
                + (", set_config('effective_io_concurrency', %s, true)" if io else ""),
                [str(io)] if io else None,
            )


# --- Preview ----------------------------------------------------------------------------


@dataclass
class PreviewEntry:
    model: str
    title: str
    action: str
    rows: int
    held: int
    sample: list[dict] = field(default_factory=list)


@dataclass
class Preview:
    rule: str
    cutoff: str
    entries: list[PreviewEntry]

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.entries)

    @property
    def held(self) -> int:
        return sum(e.held for e in self.entries)

    def as_dict(self) -> dict:
        return {**asdict(self), "rows": self.rows, "held": self.held}


def _sample(qs, registration) -> list[dict]:
    fields = ["pk", *registration.export_fields[:4]]
    return [
        {k: registry.jsonable(v) for k, v in row.items()}
        for row in qs.order_by("pk").values(*fields)[:SAMPLE_SIZE]
    ]


def retention_rule_preview(*, rule: RetentionRule, cutoff=None) -> Preview:
    """What running the rule now would do: counts per kind of record and a small sample.
    Changes nothing."""
    now = timezone.now()
    cutoff = cutoff or rule.cutoff(now)
    entries = []
    for registration in engine.targets(rule):
        selection = engine.select(rule, registration, cutoff=cutoff, now=now)
        action = (
            "review"
            if rule.action == RetentionRule.Action.REVIEW
            else ("delete rows" if engine.deletes_rows(rule.action, registration) else "anonymise")
        )
        entries.append(
            PreviewEntry(
                model=registration.label,
                title=registration.title,
                action=action,
                rows=selection.disposable.count(),
                held=engine.held_rows(selection).count(),
                sample=_sample(selection.disposable, registration),
            )
        )
    return Preview(rule=rule.code, cutoff=cutoff.isoformat(), entries=entries)


# --- Running a rule -----------------------------------------------------------------------


def _purge_registration(*, run: PurgeRun, rule: RetentionRule, registration, token: str) -> None:
    label = registration.label
    state = run.checkpoint.get(label)
    if state is None:
        state = run.checkpoint[label] = engine.window_start(rule, registration)
        PurgeRun.objects.filter(pk=run.pk).update(checkpoint=run.checkpoint)
    now = timezone.now()
    selection = engine.select(rule, registration, cutoff=run.cutoff, now=now)
    months = partition_swap.months_to_swap(rule, registration, run.action, state, cutoff=run.cutoff)
    if state.get("held") is None:
        # Held rows are never touched, so counting them once, before the first window, is
        # exact (and cheapest then: the index still says every page is all-visible).
        held = engine.held_rows(selection)
        if "last" in state:
            held = held.filter(pk__lte=state["last"])
        state["held_by_swaps"] = []  # a resumed run counts afresh (it keeps them too)
        if months and partition_swap.keeps_only_held(rule, registration, now=now):
            # What a swap keeps of such a month is exactly its held rows: counted by the swap
            # (one index probe per held subject), not read a second time here.
            state["held_by_swaps"] = [month.key for month in months]
            held = held.filter(
                engine.not_swapped_q(registration.model, state["column"], state["held_by_swaps"])
            )
        state["held"] = held = held.count()
        run.rows_skipped_held += held
        PurgeRun.objects.filter(pk=run.pk).update(
            checkpoint=run.checkpoint, rows_skipped_held=F("rows_skipped_held") + held
        )
    delete = engine.deletes_rows(run.action, registration)
    salt = registry.hash_salt()
    counter = "rows_deleted" if delete else "rows_anonymised"
    renewed = time.monotonic()

    def renew() -> None:
        nonlocal renewed
        if time.monotonic() - renewed > lease_seconds() / 3:
            rule_renew(rule=rule, token=token)
            renewed = time.monotonic()

    def commit(progress: dict, done: int, held: int = 0) -> None:
        state.update(progress)
        setattr(run, counter, getattr(run, counter) + done)
        run.rows_skipped_held += held
        _counts_commit(
            run=run,
            rule=rule,
            token=token,
            checkpoint=run.checkpoint,
            counter=counter,
            done=done,
            held=held,
        )

    # Whole months past the cutoff, where the table is partitioned by the clock: swapped.
    def swap(month: partition_swap.Month) -> None:
        with transaction.atomic():
            _window_settings()
            renew()
            swapped = partition_swap.month_swap(
                rule=rule, registration=registration, month=month, now=now
            )
            held = 0
            if month.key in (state.get("held_by_swaps") or []):
                # Another rule may have started keeping rows since the run began: then what
                # the swap kept is more than the held rows, which are counted in the new month.
                held = swapped.kept
                if not swapped.kept_are_held:
                    held = _held_in(selection, state["column"], [month.key])
            _month_record(
                run=run,
                rule=rule,
                token=token,
                label=label,
                month=month,
                counter=counter,
                done=swapped.disposed,
                held=held,
            )
        _pause()

    if months:
        partition_swap.months_swap(months, swap)
        # Each month's transaction wrote its own record; this process's copy is read back.
        run.refresh_from_db(fields=["checkpoint", *COUNTERS])
        state = run.checkpoint[label]
    _count_held_left_to_windows(run, state, selection)
    for window, progress in engine.windows(selection, state, _window_size(), cutoff=run.cutoff):
        with transaction.atomic():
            _window_settings()
            renew()
            if delete:
                done = engine.delete_window(selection.disposable, registration, window)
            else:
                done = engine.anonymise_window(
                    selection.disposable, registration, window, salt=salt
                )
            commit(progress, done)
        _pause()


COUNTERS = ("rows_deleted", "rows_anonymised", "rows_skipped_held")


def _month_record(*, run, rule, token, label, month, counter, done, held) -> None:
    """The swapped month in the run's checkpoint, and its counts, inside the month's own
    transaction and only while the run still holds the rule's lease.

    The checkpoint is read from the database, not from this process's copy: months are swapped
    on several connections (`partition_swap.months_swap`), and the month before this one
    committed before this transaction could lock the table, possibly before its own thread saw
    the commit return."""
    checkpoint = (
        PurgeRun.objects.select_for_update().values_list("checkpoint", flat=True).get(pk=run.pk)
    )
    state = checkpoint[label]
    state["swapped"] = [*(state.get("swapped") or []), month.key]
    _counts_commit(
        run=run,
        rule=rule,
        token=token,
        checkpoint=checkpoint,
        counter=counter,
        done=done,
        held=held,
    )


def _counts_commit(*, run, rule, token, checkpoint, counter, done, held) -> None:
    """The run's checkpoint and counts, with the window's (or month's) own disposal, and only
    while this run still holds the rule's lease (else it all rolls back: LeaseLost). Counts are
    added in the database, so months committed on other connections are never overwritten."""
    if not PurgeRun.objects.filter(pk=run.pk, rule__lease_owner=token).update(
        checkpoint=checkpoint,
        rows_skipped_held=F("rows_skipped_held") + held,
        **{counter: F(counter) + done},
    ):
        raise LeaseLost(rule.code)
    if run.job_run_id:  # the admin home shows a long purge moving, window by window
        JobRun.objects.filter(pk=run.job_run_id).update(progress_done=F("progress_done") + done)


def _held_in(selection, column: str, keys: list) -> int:
    """The held rows past the cutoff in these months (their checkpoint keys)."""
    return (
        engine.held_rows(selection)
        .exclude(engine.not_swapped_q(selection.registration.model, column, keys))
        .count()
    )


def _count_held_left_to_windows(run: PurgeRun, state: dict, selection) -> None:
    """A month whose held rows were left to its swap but that was not swapped after all (a
    resumed run on a table that lost its partitions, or a role that lost its grant) goes
    through the windows: its held rows are counted now, once."""
    swapped = state.get("swapped") or []
    left = [key for key in state.get("held_by_swaps") or [] if key not in swapped]
    if not left:
        return
    held = _held_in(selection, state["column"], left)
    state["held_by_swaps"] = [key for key in state["held_by_swaps"] if key in swapped]
    state["held"] += held
    run.rows_skipped_held += held
    PurgeRun.objects.filter(pk=run.pk).update(
        checkpoint=run.checkpoint, rows_skipped_held=F("rows_skipped_held") + held
    )


def _finish(run: PurgeRun, status: str, errors: str = "") -> PurgeRun:
    run.refresh_from_db()
    run.status = status
    run.finished_at = timezone.now()
    run.rows_examined = run.rows_deleted + run.rows_anonymised + run.rows_skipped_held
    if errors:
        run.errors = (run.errors + "\n" if run.errors else "") + errors
    run.save(update_fields=["status", "finished_at", "rows_examined", "errors"])
    if run.job_run_id:
        job = JobRun.objects.get(pk=run.job_run_id)
        core_services.job_run_finish(
            run=job,
            status={
                PurgeRun.Status.SUCCEEDED: JobRun.Status.SUCCEEDED,
                PurgeRun.Status.REVIEW_OPENED: JobRun.Status.SUCCEEDED,
                PurgeRun.Status.INTERRUPTED: JobRun.Status.INTERRUPTED,
            }.get(status, JobRun.Status.FAILED),
            summary=selectors.run_summary(run),
            detail=errors,
        )
    return run


def _open_review(*, rule: RetentionRule, run: PurgeRun) -> DispositionReview | None:
    preview = retention_rule_preview(rule=rule, cutoff=run.cutoff)
    PurgeRun.objects.filter(pk=run.pk).update(rows_skipped_held=preview.held)
    if not preview.rows:
        return None
    with transaction.atomic():
        review = DispositionReview.objects.create(
            rule=rule,
            cutoff=run.cutoff,
            rows_found=preview.rows,
            sample=[asdict(e) for e in preview.entries],
        )
        RetentionEvent.objects.create(
            kind=RetentionEvent.Kind.REVIEW_OPENED, review=review, detail={"rows": preview.rows}
        )
        PurgeRun.objects.filter(pk=run.pk).update(review=review)
        transaction.on_commit(
            lambda: send_mail(
                f"Disposition review: {rule.name}",
                f"{preview.rows} records are past their retention period under the rule "
                f"'{rule.name}'. Nothing is disposed of until Legal approves in the admin.",
                None,
                [settings.PRIVACYOPS_CONTROLLER["email"]],
                fail_silently=True,
            )
        )
    return review


def _run_interrupted_unresumed(rule: RetentionRule) -> list[PurgeRun]:
    """The rule's latest run, when it was interrupted and no run has taken it up yet."""
    latest = PurgeRun.objects.filter(rule=rule).order_by("-started_at", "-pk").first()
    if (
        latest is None
        or latest.status != PurgeRun.Status.INTERRUPTED
        or PurgeRun.objects.filter(resumed_from=latest).exists()
    ):
        return []
    return [latest]


def retention_rule_run(
    *, rule: RetentionRule, dry_run: bool = False, worker: str = ""
) -> PurgeRun | Preview | None:
    """Run one rule now: dispose of every row past its period that no hold and no longer rule
    keeps, one key window per transaction; or, with dry_run, only preview it.

    Returns None when another worker is running the same rule (it holds the lease). A run a
    killed worker left behind is marked interrupted and this run resumes from its checkpoint.
    A review rule disposes of nothing until Legal approves its disposition review.
    """
    if dry_run:
        return retention_rule_preview(rule=rule)
    token = uuid.uuid4().hex
    if not rule_claim(rule=rule, token=token):
        log.info("Rule %s is being run by another worker; skipped", rule.code)
        return None
    try:
        interrupted = runs_mark_interrupted(rule=rule) + _run_interrupted_unresumed(rule)
        # A disposal run a killed worker (or a lost database) left behind is finished first,
        # with its own cutoff.
        resume = next((r for r in interrupted if r.action != RetentionRule.Action.REVIEW), None)
        now = timezone.now()
        if resume is not None:
            action, review, cutoff = resume.action, resume.review, resume.cutoff
        elif rule.action == RetentionRule.Action.REVIEW:
            review = selectors.review_to_dispose(rule=rule)
            if review is not None:
                # Approved by Legal: disposed of by the registry's erasure strategies.
                action, cutoff = RetentionRule.Action.ANONYMISE, review.cutoff
            elif selectors.review_may_open(rule=rule, today=timezone.localdate(now)):
                action, review, cutoff = RetentionRule.Action.REVIEW, None, rule.cutoff(now)
            else:
                return None  # a review awaits Legal, or Legal extended the period
        else:
            action, review, cutoff = rule.action, None, rule.cutoff(now)
        job = core_services.job_run_start(job=f"retention: {rule.code}", worker=worker)
        run = PurgeRun.objects.create(
            rule=rule,
            review=review,
            resumed_from=resume,
            job_run=job,
            cutoff=cutoff,
            action=action,
            worker=worker,
            # Where the dead run stopped; held rows are counted afresh (this run keeps them too).
            checkpoint={
                label: {**state, "held": None} for label, state in (resume.checkpoint.items())
            }
            if resume
            else {},
        )
        if action != RetentionRule.Action.REVIEW:
            purge_journal(run)  # before the first window: a restore re-applies even a part
        if action == RetentionRule.Action.REVIEW:
            opened = _open_review(rule=rule, run=run)
            return _finish(
                run, PurgeRun.Status.REVIEW_OPENED if opened else PurgeRun.Status.SUCCEEDED
            )
        try:
            for registration in engine.targets(rule):
                _purge_registration(run=run, rule=rule, registration=registration, token=token)
        except LeaseLost:
            return _finish(run, PurgeRun.Status.INTERRUPTED, "Lost the rule's lease mid-run.")
        except (OperationalError, InterfaceError) as exc:
            # The database went away (a restart, a failover): every committed window and month
            # is final, the one in flight rolled back; the next run resumes from the checkpoint.
            log.warning("Retention rule %s interrupted: the database went away", rule.code)
            if not connection.in_atomic_block:  # the broken connection: _finish opens anew
                connection.close_if_unusable_or_obsolete()
                # It broke on a swap thread's connection: this one may be broken too, unused.
                if connection.connection is not None and not connection.is_usable():
                    connection.close()
            return _finish(
                run,
                PurgeRun.Status.INTERRUPTED,
                f"The database connection was lost mid-run ({type(exc).__name__}); every "
                "committed window is final, the rest is untouched.",
            )
        except Exception as exc:  # recorded on the run; the next run starts anew
            log.exception("Retention rule %s failed", rule.code)
            return _finish(run, PurgeRun.Status.FAILED, f"{type(exc).__name__}: {exc}")
        if review is not None:
            DispositionReview.objects.filter(pk=review.pk).update(
                status=DispositionReview.Status.DISPOSED
            )
        return _finish(run, PurgeRun.Status.SUCCEEDED)
    finally:
        rule_release(rule=rule, token=token)


def retention_run_all(*, dry_run: bool = False, worker: str = "") -> list:
    """Every active rule, one after the other (what the beat job and run_retention do)."""
    results = []
    for rule in selectors.rules_active():
        results.append((rule, retention_rule_run(rule=rule, dry_run=dry_run, worker=worker)))
    return results
