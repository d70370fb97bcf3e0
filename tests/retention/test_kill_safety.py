"""A real worker is SIGKILLed in the middle of a large purge; nothing is half done."""

import datetime

import pytest
from django.utils import timezone

from privacyops.retention import services
from privacyops.retention.models import PurgeRun, RetentionRule
from privacyops.retention.tasks import run_rule
from privacyops.subjects import partitions
from privacyops.subjects.models import ActivityEvent, DataSubject
from tests.conftest import start_worker
from tests.factories import UserFactory

WINDOW = 20
# Tiny windows and a pause after each committed one (a settings hook, 0 in production), so
# the kill lands mid-run deterministically; a short lease so the next run may take over.
SLOW = {
    "RETENTION_WINDOW_SIZE": str(WINDOW),
    "RETENTION_WINDOW_PAUSE_SECONDS": "0.25",
    "RETENTION_LEASE_SECONDS": "3",
}


def _fill() -> dict[str, set[int]]:
    now = timezone.now()
    people = DataSubject.objects.bulk_create(
        [DataSubject(kind="lead", full_name=f"Person {i}") for i in range(10)]
    )
    held = people[0]
    rows = []
    for i in range(900):
        subject = people[i % 10]
        expired = i % 3 != 0  # two thirds past 13 months, interleaved with fresh ones
        age = datetime.timedelta(days=420 + i % 50 if expired else i % 300)
        rows.append(ActivityEvent(subject=subject, occurred_at=now - age, page=f"/p/{i}"))
    ActivityEvent.objects.bulk_create(rows, batch_size=500)
    cutoff = now - datetime.timedelta(days=396)  # between fresh (<300 days) and expired (>=420)
    # These tests strike the windows a purge walks: no month of these rows may be swapped whole.
    assert all(p.upper > cutoff for p in partitions.month_partitions()), "months left behind"
    events = ActivityEvent.objects.values_list("pk", "subject_id", "occurred_at")
    return {
        "order": {pk: (at, pk) for pk, s, at in events if at <= cutoff},
        "held": {pk for pk, s, at in events if s == held.pk and at <= cutoff},
        "fresh": {pk for pk, s, at in events if at > cutoff},
        "purgeable": {pk for pk, s, at in events if s != held.pk and at <= cutoff},
        "held_subject": held,
    }


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_purge_leaves_whole_windows_and_the_next_run_finishes(reference_data, tmp_path):
    data = _fill()
    legal = UserFactory(username="lena-kill-test")
    services.legal_hold_place(
        by=legal, matter="Dispute", reason="evidence", subject=data["held_subject"]
    )
    rule = RetentionRule.objects.get(code="activity-events-13-months")
    worker = start_worker(tmp_path, env=SLOW)
    try:
        run_rule.apply_async(args=[rule.pk], queue=worker.queue)

        def progressed() -> bool:
            run = PurgeRun.objects.filter(rule=rule).first()
            state = run and run.checkpoint.get("subjects.ActivityEvent")
            return bool(state and state["after"]) and run.rows_deleted >= 3 * WINDOW

        worker.wait_for(progressed, what="a few committed windows")
        worker.kill()
    finally:
        worker.stop()

    dead = PurgeRun.objects.get(rule=rule)
    assert dead.status == PurgeRun.Status.RUNNING  # nobody has noticed yet
    state = dead.checkpoint["subjects.ActivityEvent"]
    # Windows walk the events' time index, oldest first.
    done_up_to = (datetime.datetime.fromisoformat(state["after"][0]), state["after"][1])
    remaining = set(ActivityEvent.objects.values_list("pk", flat=True))
    # Whole windows only: every purgeable row up to the checkpoint is gone, every row after
    # it is untouched; nothing under hold and nothing fresh is gone.
    gone = data["purgeable"] - remaining
    assert gone == {pk for pk, key in data["order"].items() if key <= done_up_to} - data["held"]
    assert 0 < len(gone) < len(data["purgeable"])
    assert data["held"] <= remaining and data["fresh"] <= remaining
    assert dead.rows_deleted == len(gone)  # the counts committed with the deletions
    assert dead.job_run.progress_done == len(gone)  # and the progress the admin home shows

    # The next run, on a fresh worker, once the dead run's lease has lapsed.
    worker = start_worker(tmp_path)
    try:
        worker.wait_for(
            lambda: RetentionRule.objects.get(pk=rule.pk).lease_expires_at < timezone.now(),
            what="the dead run's lease to lapse",
        )
        run_rule.apply_async(args=[rule.pk], queue=worker.queue)
        worker.wait_for(
            lambda: PurgeRun.objects.filter(rule=rule, status="succeeded").exists(),
            what="the resumed run",
        )
    finally:
        worker.stop()

    dead.refresh_from_db()
    resumed = PurgeRun.objects.get(rule=rule, status="succeeded")
    assert dead.status == PurgeRun.Status.INTERRUPTED
    assert resumed.resumed_from == dead and resumed.cutoff == dead.cutoff
    assert dead.rows_deleted + resumed.rows_deleted == len(data["purgeable"])
    assert resumed.rows_skipped_held == len(data["held"])
    assert set(ActivityEvent.objects.values_list("pk", flat=True)) == data["held"] | data["fresh"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_purge_the_same_rule_at_once(reference_data, tmp_path):
    data = _fill()
    rule = RetentionRule.objects.get(code="activity-events-13-months")
    workers = [start_worker(tmp_path, env=SLOW) for _ in range(2)]
    try:
        run_rule.apply_async(args=[rule.pk], queue=workers[0].queue)
        workers[0].wait_for(
            lambda: PurgeRun.objects.filter(rule=rule).exists(), what="the first run to start"
        )
        run_rule.apply_async(args=[rule.pk], queue=workers[1].queue)
        workers[1].wait_for(
            lambda: "succeeded" in workers[1].log.read_text(), what="the second worker's task"
        )
        assert PurgeRun.objects.get(rule=rule).status == PurgeRun.Status.RUNNING
        workers[0].wait_for(
            lambda: PurgeRun.objects.filter(rule=rule, status="succeeded").exists(),
            what="the first run to finish",
        )
    finally:
        for worker in workers:
            worker.stop()

    run = PurgeRun.objects.get(rule=rule)  # the second worker made no run of its own
    assert run.rows_deleted == len(data["purgeable"] | data["held"])
    assert not ActivityEvent.objects.filter(occurred_at__lte=run.cutoff).exists()
