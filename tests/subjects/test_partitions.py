"""Activity events in monthly partitions (PostgreSQL); one plain table on SQLite."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from privacyops.subjects import partitions
from privacyops.subjects.models import ActivityEvent
from tests.factories import ActivityEventFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="monthly partitions are PostgreSQL's"
)
UTC = datetime.UTC


def _names() -> set[str]:
    return {p.name for p in partitions.month_partitions()}


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's plain table")
def test_sqlite_keeps_one_plain_table():
    assert not partitions.is_partitioned()
    assert partitions.default_partition_rows() is None
    assert partitions.partitions_ensure() == []
    assert partitions.month_partitions() == []


@postgresql_only
def test_months_ahead_are_created_once(settings):
    settings.ACTIVITY_PARTITION_MONTHS_AHEAD = 5
    now = datetime.datetime(2031, 11, 15, 12, tzinfo=UTC)
    created = partitions.partitions_ensure(now=now)
    assert created == [
        f"subjects_activityevent_p{m}"
        for m in ("2031_11", "2031_12", "2032_01", "2032_02", "2032_03", "2032_04")
    ]
    assert partitions.partitions_ensure(now=now) == []  # idempotent
    december = next(p for p in partitions.month_partitions() if p.name.endswith("2031_12"))
    assert (december.lower, december.upper) == (
        datetime.datetime(2031, 12, 1, tzinfo=UTC),
        datetime.datetime(2032, 1, 1, tzinfo=UTC),
    )


@postgresql_only
def test_the_beat_task_keeps_this_month_and_the_months_ahead(settings):
    from privacyops.subjects.tasks import activity_partitions_ensure

    settings.ACTIVITY_PARTITION_MONTHS_AHEAD = 4
    activity_partitions_ensure()
    start = partitions.month_start(timezone.now())
    wanted = [start]
    for _ in range(4):
        wanted.append(partitions.next_month(wanted[-1]))
    assert {partitions.partition_name(m) for m in wanted} <= _names()
    assert activity_partitions_ensure() == 0


@postgresql_only
def test_strays_land_in_the_default_partition_and_move_when_their_month_comes():
    when = datetime.datetime(2009, 3, 10, 8, tzinfo=UTC)
    stray = ActivityEventFactory(occurred_at=when)
    assert partitions.default_partition_rows() == 1
    assert partitions.partitions_ensure(now=when, ahead=0) == ["subjects_activityevent_p2009_03"]
    assert partitions.default_partition_rows() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM subjects_activityevent_p2009_03")
        assert cursor.fetchall() == [(stray.pk,)]
    assert ActivityEvent.objects.get(pk=stray.pk).occurred_at == when


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'subjects_activityevent'"
        )
        return {row[0] for row in cursor.fetchall()}


@postgresql_only
def test_the_conversion_moves_every_row_and_keeps_keys_indexes_and_ids():
    indexes = _indexes()
    partitions.convert_to_plain()
    assert not partitions.is_partitioned() and _indexes() == indexes
    subject = DataSubjectFactory()
    times = [
        datetime.datetime(2020, 1, 31, 23, 59, 59, tzinfo=UTC),
        datetime.datetime(2020, 2, 1, tzinfo=UTC),
        datetime.datetime(2023, 7, 4, 12, tzinfo=UTC),
        timezone.now(),
        datetime.datetime(2099, 1, 1, tzinfo=UTC),  # far ahead: the default partition
    ]
    for at in times:
        ActivityEventFactory(occurred_at=at, subject=subject)
        ActivityEventFactory(occurred_at=at, subject=None)
    before = set(ActivityEvent.objects.values_list("pk", "occurred_at", "subject_id", "page"))

    partitions.convert_to_partitions(ahead=2)

    assert partitions.is_partitioned() and _indexes() == indexes
    assert set(ActivityEvent.objects.values_list("pk", "occurred_at", "subject_id", "page")) == (
        before
    )
    assert {"subjects_activityevent_p2020_01", "subjects_activityevent_p2023_07"} <= _names()
    assert partitions.default_partition_rows() == 2  # the two in 2099
    newest = ActivityEventFactory(occurred_at=timezone.now())
    assert newest.pk > max(pk for pk, *_ in before)
    subject_id = subject.pk
    subject.delete()  # the foreign key (and its cascade) came along
    assert not ActivityEvent.objects.filter(subject_id=subject_id).exists()


def _plan(queryset) -> str:
    return queryset.explain()


@postgresql_only
def test_a_date_filtered_admin_list_reads_only_those_months(client, legal):
    partitions.partitions_ensure(now=datetime.datetime(2030, 1, 1, tzinfo=UTC), ahead=5)
    for month in range(1, 7):
        ActivityEventFactory(occurred_at=datetime.datetime(2030, month, 3, tzinfo=UTC))
    client.force_login(legal)
    response = client.get(
        reverse("admin:subjects_activityevent_changelist"),
        {
            "occurred_at__gte": "2030-03-01 00:00:00+00:00",
            "occurred_at__lt": "2030-04-01 00:00:00+00:00",
        },
    )
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert len(changelist.result_list) == 1
    plan = _plan(changelist.queryset)
    read = {name for name in _names() | {partitions.DEFAULT_PARTITION} if name in plan}
    assert read == {"subjects_activityevent_p2030_03"}  # not the other months, nor the default


def test_the_command_creates_the_months_ahead_or_says_there_is_nothing_to_do():
    out = io.StringIO()
    call_command("activity_partitions", "--ahead", "2", stdout=out)
    if connection.vendor != "postgresql":
        assert "one plain table" in out.getvalue()
        return
    start = partitions.month_start(timezone.now())
    later = partitions.next_month(partitions.next_month(start))
    assert partitions.partition_name(later) in _names()
    assert "0 rows in the default partition" in out.getvalue()
