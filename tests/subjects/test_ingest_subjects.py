"""What one batch of ingested events writes to its subjects' rows: the event months widened and
the last activity moved forward (to within a day, never back), in one rewrite of each row on
PostgreSQL's COPY path (issue 18: the subjects' updates were most of a batch's time)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacyops.subjects import ingest
from privacyops.subjects.activity_lines import EventRow
from privacyops.subjects.models import DataSubject, activity_bounds
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DAY = datetime.timedelta(days=1)


def at(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def row(login: str, when: datetime.datetime) -> EventRow:
    return EventRow(when, "page_view", "192.0.2.10", "", "", "", "/deals", "", login, "")


def stored(subject) -> tuple:
    subject.refresh_from_db()
    return subject.activity_from, subject.activity_until, subject.last_activity_at


def test_widening_with_a_precision_moves_the_last_activity_forward_only_when_behind():
    never = DataSubjectFactory(last_activity_at=None)
    hours_ago = DataSubjectFactory(last_activity_at=at(2026, 3, 10, 6))
    days_ago = DataSubjectFactory(last_activity_at=at(2026, 3, 1))
    ahead = DataSubjectFactory(last_activity_at=at(2026, 4, 20))
    span = (at(2026, 2, 14), at(2026, 3, 10, 9))
    activity_bounds.bounds_widen(
        spans={s.pk: span for s in (never, hours_ago, days_ago, ahead)},
        last_activity_precision=DAY,
    )
    months = (at(2026, 2, 1, 0), at(2026, 4, 1, 0))
    assert stored(never) == (*months, at(2026, 3, 10, 9))
    assert stored(hours_ago) == (*months, at(2026, 3, 10, 6))  # within the day: left alone
    assert stored(days_ago) == (*months, at(2026, 3, 10, 9))
    assert stored(ahead) == (*months, at(2026, 4, 20))  # never moved back


def test_widening_without_a_precision_leaves_the_last_activity_alone():
    ana = DataSubjectFactory(last_activity_at=at(2025, 1, 1))
    activity_bounds.bounds_widen(spans={ana.pk: (at(2026, 2, 14), at(2026, 3, 10))})
    assert stored(ana) == (at(2026, 2, 1, 0), at(2026, 4, 1, 0), at(2025, 1, 1))


def _row_updates() -> int | None:
    """Rows of subjects updated so far in this transaction (PostgreSQL's statistics)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [DataSubject._meta.db_table],
        )
        return cursor.fetchone()[0]


def test_a_subject_with_recent_activity_and_covering_months_is_not_rewritten():
    ana = DataSubjectFactory(last_activity_at=at(2026, 3, 10, 8))
    activity_bounds.bounds_widen(spans={ana.pk: (at(2026, 3, 2), at(2026, 3, 3))})
    before, updates = stored(ana), _row_updates()
    activity_bounds.bounds_widen(
        spans={ana.pk: (at(2026, 3, 5), at(2026, 3, 10, 9))}, last_activity_precision=DAY
    )
    assert stored(ana) == before
    # The statement's own WHERE skips the row: no new row version, no new index entries.
    assert _row_updates() == updates
    activity_bounds.bounds_widen(
        spans={ana.pk: (at(2026, 3, 5), at(2026, 3, 12))}, last_activity_precision=DAY
    )
    assert stored(ana) == (*before[:2], at(2026, 3, 12))
    if updates is not None:
        assert _row_updates() == updates + 1


def test_a_batch_writes_each_subject_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("COPY and the one statement for the subjects are PostgreSQL's path")
    ana = DataSubjectFactory(login_name="ana", last_activity_at=None)
    ben = DataSubjectFactory(login_name="ben", last_activity_at=at(2026, 1, 1))
    rows = [row("ana", at(2026, 3, 1)), row("ana", at(2026, 5, 2)), row("ben", at(2026, 2, 2))]
    rows.append(row("nobody", at(2026, 2, 2)))
    with CaptureQueriesContext(connection) as queries:
        ingest.activity_events_write(rows=rows)
    subject_updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE subjects_")
    ]
    assert len(subject_updates) == 1, subject_updates
    assert stored(ana) == (at(2026, 3, 1, 0), at(2026, 6, 1, 0), at(2026, 5, 2))
    assert stored(ben) == (at(2026, 2, 1, 0), at(2026, 3, 1, 0), at(2026, 2, 2))


def test_a_batch_keeps_months_and_last_activity_on_either_database():
    ana = DataSubjectFactory(login_name="ana", last_activity_at=at(2026, 5, 2, 3))
    ingest.activity_events_write(rows=[row("ana", at(2026, 5, 2)), row("ana", at(2025, 12, 31))])
    assert stored(ana) == (at(2025, 12, 1, 0), at(2026, 6, 1, 0), at(2026, 5, 2, 3))
    ingest.activity_events_write(rows=[row("ana", at(2026, 5, 9))])
    assert stored(ana) == (at(2025, 12, 1, 0), at(2026, 6, 1, 0), at(2026, 5, 9))
