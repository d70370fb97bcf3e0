"""PostgreSQL restarted (an immediate stop: open transactions abort, as in a crash or a
failover) in the middle of a purge: every window, and every month swapped as a whole, is done
or untouched, and the rule's next run finishes the work. A cluster of the test's own (initdb +
pg_ctl as the postgres user, a free port under /tmp): the shared server on 5432 is never
restarted."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import registry
from privacyops.retention import partition_swap
from privacyops.retention import services as retention
from privacyops.retention.models import RetentionRule
from privacyops.retention.tasks import run_rule
from privacyops.subjects import partitions
from privacyops.subjects.models import ActivityEvent, DataSubject
from tests.conftest import start_worker
from tests.factories import UserFactory
from tests.retention.test_kill_safety import SLOW, WINDOW, _fill

from .conftest import dump_test_database, needs_postgres_and_redis, wait_until

pytestmark = [needs_postgres_and_redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _run_again_once_the_lease_lapsed(*, sql, worker, rule, runs) -> None:
    wait_until(
        lambda: sql(
            "SELECT 1 FROM retention_retentionrule WHERE id = %s AND "
            "(lease_expires_at IS NULL OR lease_expires_at < now())",
            rule.pk,
        ),
        what="the dead run's lease to lapse",
    )
    run_rule.apply_async(args=[rule.pk], queue=worker.queue)
    worker.wait_for(
        lambda: any(r[1] == "succeeded" for r in runs()), what="the resumed run to finish"
    )


def test_postgres_restarted_mid_purge_windows_are_whole_and_the_run_resumes(
    reference_data, private_postgres, tmp_path
):
    data = _fill()
    legal = UserFactory(username="lena-pg-restart")
    retention.legal_hold_place(
        by=legal, matter="Dispute", reason="evidence", subject=data["held_subject"]
    )
    rule = RetentionRule.objects.get(code="activity-events-13-months")
    dump = tmp_path / "start.dump"
    dump_test_database(dump)
    private_postgres.copy_database_from(dump)  # the worker and the checks below use this one
    sql = private_postgres.sql

    def events() -> set[int]:
        return {pk for (pk,) in sql("SELECT id FROM subjects_activityevent")}

    def runs() -> list[tuple]:
        return sql(
            "SELECT id, status, rows_deleted, resumed_from_id FROM retention_purgerun "
            "WHERE rule_id = %s ORDER BY id",
            rule.pk,
        )

    everything = events()
    worker = start_worker(tmp_path, env={**SLOW, "DATABASE_URL": private_postgres.url})
    try:
        run_rule.apply_async(args=[rule.pk], queue=worker.queue)
        worker.wait_for(
            lambda: any(r[2] >= 3 * WINDOW for r in runs()), what="a few committed windows"
        )
        private_postgres.restart()
        # The task hit the restart (its connection gone mid-window or between two) and ended.
        worker.wait_for(
            lambda: (
                "retention.run_rule" in worker.log.read_text()
                and ("raised" in worker.log.read_text() or "succeeded" in worker.log.read_text())
            ),
            what="the interrupted task to end",
        )
        ((dead_id, status, deleted, _),) = runs()
        # Interrupted (the run recorded the lost connection), or still 'running' when the
        # database was not back in time to record it; never 'succeeded' with work left.
        assert status in ("running", "interrupted")
        gone = everything - events()
        # Whole windows only: what is gone is exactly what the run's committed counts say,
        # and nothing under hold or fresh is among it.
        assert len(gone) == deleted and 0 < deleted < len(data["purgeable"])
        assert gone <= data["purgeable"]

        # The next run, once the dead run's lease lapsed, finishes the work.
        _run_again_once_the_lease_lapsed(sql=sql, worker=worker, rule=rule, runs=runs)
    finally:
        worker.stop()

    final = runs()
    assert sum(r[2] for r in final) == len(data["purgeable"])  # each row counted once
    assert events() == data["held"] | data["fresh"]
    (dead,) = [r for r in final if r[0] == dead_id]
    assert dead[1] == "interrupted"
    (done,) = [r for r in final if r[1] == "succeeded"]
    assert done[3] == dead_id  # resumed from the dead run's checkpoint, with its cutoff


def _month(back: int) -> datetime.datetime:
    """The first instant (UTC) of the calendar month `back` months before this one."""
    start = partitions.month_start(timezone.now())
    year, month = divmod(start.year * 12 + start.month - 1 - back, 12)
    return start.replace(year=year, month=month + 1)


def _months_of_events() -> dict[str, dict]:
    """Six whole months past the 13-month cutoff (15 to 20 months ago), each with events of
    plain people and of a person under a legal hold, and fresh events; per month partition,
    every row and the rows the rule keeps."""
    partitions.partitions_ensure(now=_month(22), ahead=25)
    people = DataSubject.objects.bulk_create(
        [DataSubject(kind="lead", full_name=f"Person {i}") for i in range(5)]
    )
    held = people[0]
    rows = []
    for back in range(15, 21):
        start = _month(back)
        for i in range(45):
            when = start + datetime.timedelta(days=1 + i % 25, minutes=i)
            rows.append(ActivityEvent(subject=people[i % 5], occurred_at=when, page=f"/m/{i}"))
    for i in range(20):
        when = timezone.now() - datetime.timedelta(days=30 + i)
        rows.append(ActivityEvent(subject=people[i % 5], occurred_at=when, page=f"/f/{i}"))
    ActivityEvent.objects.bulk_create(rows, batch_size=500)
    months = {}
    for partition in partitions.month_partitions():
        if not any(partition.lower == _month(back) for back in range(15, 21)):
            continue
        events = ActivityEvent.objects.filter(
            occurred_at__gte=partition.lower, occurred_at__lt=partition.upper
        )
        months[partition.name] = {
            "key": partition_swap.Month(partition).key,
            "all": set(events.values_list("pk", flat=True)),
            "kept": set(events.filter(subject=held).values_list("pk", flat=True)),
        }
    assert len(months) == 6 and all(len(m["all"]) == 45 and m["kept"] for m in months.values())
    return {"months": months, "held_subject": held}


def test_postgres_restarted_mid_partition_swap_each_month_is_whole_and_the_run_resumes(
    reference_data, private_postgres, tmp_path
):
    if not partitions.is_partitioned():
        pytest.skip("activity events are not partitioned here (the migration's PostgreSQL path)")
    data = _months_of_events()
    months = data["months"]
    legal = UserFactory(username="lena-pg-swap")
    retention.legal_hold_place(
        by=legal, matter="Dispute", reason="evidence", subject=data["held_subject"]
    )
    rule = RetentionRule.objects.get(code="activity-events-13-months")
    assert set(months) <= {
        m.partition.name
        for m in partition_swap.months_to_swap(
            rule,
            registry.registration_for(ActivityEvent),
            rule.action,
            {},
            cutoff=rule.cutoff(timezone.now()),
        )
    }
    purgeable = set().union(*(m["all"] - m["kept"] for m in months.values()))
    fresh = set(ActivityEvent.objects.filter(page__startswith="/f/").values_list("pk", flat=True))
    dump = tmp_path / "start.dump"
    dump_test_database(dump)
    private_postgres.copy_database_from(dump)  # the worker and the checks below use this one
    sql = private_postgres.sql

    def rows_of(partition: str) -> set[int]:
        return {pk for (pk,) in sql(f"SELECT id FROM {partition}")}

    def runs() -> list[tuple]:
        return sql(
            "SELECT id, status, rows_deleted, resumed_from_id, checkpoint, rows_skipped_held "
            "FROM retention_purgerun WHERE rule_id = %s ORDER BY id",
            rule.pk,
        )

    # Held in the third month with events (the two before it swapped and committed): the
    # database function replaced its partition, the month's transaction not committed yet.
    held_month = sorted(months, key=lambda name: months[name]["key"])[2]
    marker, release = tmp_path / "swap-held", tmp_path / "swap-release"
    env = {
        "RETENTION_LEASE_SECONDS": SLOW["RETENTION_LEASE_SECONDS"],
        "DATABASE_URL": private_postgres.url,
        "FAULT_HOLD_SWAP": held_month,
        "FAULT_MARKER": str(marker),
        "FAULT_RELEASE": str(release),
    }
    worker = start_worker(tmp_path, extra_args=("--include", "tests.faults.hooks"), env=env)
    try:
        run_rule.apply_async(args=[rule.pk], queue=worker.queue)
        worker.wait_for(marker.exists, what="the swap to be held uncommitted")
        private_postgres.restart()
        release.touch()
        # The task hit the restart (its connection gone inside the swap) and ended.
        worker.wait_for(
            lambda: (
                "retention.run_rule" in worker.log.read_text()
                and ("raised" in worker.log.read_text() or "succeeded" in worker.log.read_text())
            ),
            what="the interrupted task to end",
        )
        ((dead_id, status, deleted, _, checkpoint, _),) = runs()
        # Interrupted (the run recorded the lost connection), or still 'running' when the
        # database was not back in time to record it; never 'succeeded' with work left.
        assert status in ("running", "interrupted")
        swapped = {tuple(key) for key in checkpoint["subjects.ActivityEvent"].get("swapped", [])}
        # Every month whole: exactly the kept rows where the run's checkpoint says swapped
        # (they committed together), every row everywhere else; the held month untouched.
        for name, month in months.items():
            expected = month["kept"] if tuple(month["key"]) in swapped else month["all"]
            assert rows_of(name) == expected, name
        assert tuple(months[held_month]["key"]) not in swapped
        assert rows_of(held_month) == months[held_month]["all"]
        # The dead run's proof counts what its committed swaps disposed of, nothing more.
        assert deleted == sum(
            len(m["all"] - m["kept"]) for m in months.values() if tuple(m["key"]) in swapped
        )

        # The next run, once the dead run's lease lapsed, finishes the work.
        _run_again_once_the_lease_lapsed(sql=sql, worker=worker, rule=rule, runs=runs)
    finally:
        worker.stop()

    final = runs()
    for name, month in months.items():
        assert rows_of(name) == month["kept"], name
    assert {pk for (pk,) in sql("SELECT id FROM subjects_activityevent")} == (
        set().union(*(m["kept"] for m in months.values())) | fresh
    )
    assert sum(r[2] for r in final) == len(purgeable)  # each row counted once
    (dead,) = [r for r in final if r[0] == dead_id]
    assert dead[1] == "interrupted"
    (done,) = [r for r in final if r[1] == "succeeded"]
    assert done[3] == dead_id  # resumed from the dead run's checkpoint
    swapped = done[4]["subjects.ActivityEvent"]["swapped"]
    assert {tuple(m["key"]) for m in months.values()} <= {tuple(k) for k in swapped}
    assert len(swapped) == len({tuple(k) for k in swapped})  # no month swapped twice in a run
    assert done[5] == sum(len(m["kept"]) for m in months.values())  # held rows, counted once
