"""PostgreSQL restarted (an immediate stop: open transactions abort, as in a crash or a
failover) in the middle of a purge: every window is done or untouched, and the rule's next run
finishes the work. A cluster of the test's own (initdb + pg_ctl as the postgres user, a free
port under /tmp): the shared server on 5432 is never restarted."""

import pytest

from privacyops.retention import services as retention
from privacyops.retention.models import RetentionRule
from privacyops.retention.tasks import run_rule
from tests.conftest import start_worker
from tests.factories import UserFactory
from tests.retention.test_kill_safety import SLOW, WINDOW, _fill

from .conftest import dump_test_database, needs_postgres_and_redis, wait_until

pytestmark = [needs_postgres_and_redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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
        assert status in ("running", "failed")  # never 'succeeded' with work left
        gone = everything - events()
        # Whole windows only: what is gone is exactly what the run's committed counts say,
        # and nothing under hold or fresh is among it.
        assert len(gone) == deleted and 0 < deleted < len(data["purgeable"])
        assert gone <= data["purgeable"]

        # The next run, once the dead run's lease lapsed, finishes the work.
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
    finally:
        worker.stop()

    final = runs()
    assert sum(r[2] for r in final) == len(data["purgeable"])  # each row counted once
    assert events() == data["held"] | data["fresh"]
    (dead,) = [r for r in final if r[0] == dead_id]
    assert dead[1] in ("interrupted", "failed")
