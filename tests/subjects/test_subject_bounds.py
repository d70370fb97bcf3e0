"""The months a subject's activity events lie in (DataSubject.activity_from / activity_until):
kept by every way an event is written, and used by every lookup of one subject's events, so
PostgreSQL reads only those months' partitions. An event outside its subject's bounds would be
missing from the access export and from the erasure: every path is tested here."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacyops.core import registry
from privacyops.subjects import demo, partitions, selectors
from privacyops.subjects.models import ActivityEvent, DataSubject, activity_bounds
from tests.api.conftest import ALL_SCOPES, post
from tests.api.factories import api_client
from tests.factories import ActivityEventFactory, ContactPointFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="monthly partitions are PostgreSQL's"
)
UTC = datetime.UTC
ROOT = Path(__file__).resolve().parents[2]


def at(year, month, day=3, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def outside_bounds() -> list[int]:
    """Events of a subject that lie outside the subject's bounds (or whose subject has none)."""
    return list(
        ActivityEvent.objects.filter(subject__isnull=False)
        .filter(
            Q(subject__activity_from__isnull=True)
            | Q(subject__activity_until__isnull=True)
            | Q(occurred_at__lt=F("subject__activity_from"))
            | Q(occurred_at__gte=F("subject__activity_until"))
        )
        .values_list("pk", flat=True)
    )


def bounds(subject) -> tuple:
    subject.refresh_from_db()
    return subject.activity_from, subject.activity_until


# --- The month arithmetic is the partitions' ---------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        at(2026, 1, 1, 0),
        at(2026, 12, 31, 23),
        datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_the_bounds_are_the_partitions_months(moment):
    assert activity_bounds.month_floor(moment) == partitions.month_start(moment)
    assert activity_bounds.month_ceiling(moment) == partitions.next_month(
        partitions.month_start(moment)
    )
    assert activity_bounds.month_floor(moment) <= moment < activity_bounds.month_ceiling(moment)


# --- Every path that writes an event keeps the bounds -----------------------------------------


def test_a_factory_event_and_create_widen_the_bounds_both_ways():
    ana = DataSubjectFactory()
    assert bounds(ana) == (None, None)
    ActivityEventFactory(subject=ana, occurred_at=at(2026, 5, 20))
    assert bounds(ana) == (at(2026, 5, 1, 0), at(2026, 6, 1, 0))
    ActivityEvent.objects.create(subject=ana, occurred_at=at(2025, 11, 30, 23))
    ActivityEvent.objects.create(subject=ana, occurred_at=at(2027, 1, 1, 0))
    ActivityEvent.objects.create(subject=ana, occurred_at=at(2026, 7, 1))  # inside: no change
    assert bounds(ana) == (at(2025, 11, 1, 0), at(2027, 2, 1, 0))
    assert outside_bounds() == []


def test_an_event_given_as_text_is_bounded_as_stored():
    ana = DataSubjectFactory()
    ActivityEvent.objects.create(subject=ana, occurred_at="2026-04-30T23:30:00+00:00")
    assert bounds(ana) == (at(2026, 4, 1, 0), at(2026, 5, 1, 0))
    assert outside_bounds() == []


def test_bulk_create_widens_each_subjects_bounds():
    ana, ben = DataSubjectFactory(), DataSubjectFactory()
    ActivityEvent.objects.bulk_create(
        [
            ActivityEvent(subject=ana, occurred_at=at(2026, 2, 10)),
            ActivityEvent(subject=ana, occurred_at=at(2026, 9, 10)),
            ActivityEvent(subject=ben, occurred_at=at(2024, 1, 10)),
            ActivityEvent(subject=None, occurred_at=at(2020, 1, 10)),
        ]
    )
    assert bounds(ana) == (at(2026, 2, 1, 0), at(2026, 10, 1, 0))
    assert bounds(ben) == (at(2024, 1, 1, 0), at(2024, 2, 1, 0))
    assert outside_bounds() == []


def test_moving_events_in_time_or_to_a_subject_widens_the_bounds():
    ana, ben = DataSubjectFactory(), DataSubjectFactory()
    event = ActivityEventFactory(subject=ana, occurred_at=at(2026, 5, 5))
    ActivityEvent.objects.filter(pk=event.pk).update(occurred_at=at(2023, 3, 3))
    assert outside_bounds() == []
    ActivityEvent.objects.filter(pk=event.pk).update(subject=ben)
    assert bounds(ben) == (at(2023, 3, 1, 0), at(2023, 4, 1, 0))
    event.refresh_from_db()
    event.occurred_at = at(2029, 9, 9)
    event.save()
    ActivityEvent.objects.bulk_update([event], ["occurred_at"])
    assert outside_bounds() == []


def _record(n, login, when: datetime.datetime, **fields) -> dict:
    return {
        "occurred_at": when.isoformat(),
        "ip": "192.0.2.10",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0",
        "page": f"/deals/{n}",
        "referrer": "",
        "login": login,
        **fields,
    }


def test_load_activity_keeps_the_bounds_of_every_subject_it_links(tmp_path):
    # COPY on PostgreSQL, bulk_create elsewhere: both paths of ingest.write_events.
    ana = DataSubjectFactory(login_name="ana")
    ben = DataSubjectFactory(login_name="")
    ContactPointFactory(subject=ben, value="ben@example.com")
    path = tmp_path / "events.jsonl"
    times = [at(2026, 1, 15), at(2026, 8, 31, 23), at(2025, 6, 1, 0)]
    records = [_record(n, "ana", when) for n, when in enumerate(times)]
    records.append(_record(9, "", at(2024, 12, 12), email="ben@example.com"))
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    call_command("load_activity", str(path))
    assert ActivityEvent.objects.filter(subject__isnull=False).count() == 4
    assert bounds(ana) == (at(2025, 6, 1, 0), at(2026, 9, 1, 0))
    assert bounds(ben) == (at(2024, 12, 1, 0), at(2025, 1, 1, 0))
    assert outside_bounds() == []


def test_the_events_api_keeps_the_bounds(client):
    ana = DataSubjectFactory(login_name="ana")
    _, key = api_client(name="CRM", scopes=ALL_SCOPES)
    events = [
        {**_record(n, "ana", when), "event_id": f"crm-{n}"}
        for n, when in enumerate([at(2026, 3, 1), at(2022, 7, 7)])
    ]
    response = post(client, "/api/v1/events/", {"events": events}, key)
    assert response.status_code == 200, response.json()
    assert bounds(ana) == (at(2022, 7, 1, 0), at(2026, 4, 1, 0))
    assert outside_bounds() == []


def test_the_demo_data_keeps_the_bounds():
    demo.load_demo()
    assert ActivityEvent.objects.filter(subject__isnull=False).exists()
    assert outside_bounds() == []


def test_concurrent_looking_batches_for_one_subject_only_widen():
    ana = DataSubjectFactory()
    activity_bounds.bounds_widen(spans={ana.pk: (at(2026, 5, 5), at(2026, 5, 6))})
    # A later batch with a narrower span (as a second writer's would be) narrows nothing.
    activity_bounds.bounds_widen(spans={ana.pk: (at(2026, 5, 10), at(2026, 5, 11))})
    activity_bounds.bounds_widen(spans={ana.pk: (at(2026, 1, 10), at(2026, 2, 11))})
    assert bounds(ana) == (at(2026, 1, 1, 0), at(2026, 6, 1, 0))


# Where events are written without the ORM: each of these keeps or needs no bounds (ingest
# widens them itself; the partition code and the purge's month swap move rows that are already
# there, unchanged).
RAW_WRITERS = {
    "privacyops/subjects/ingest.py",
    "privacyops/subjects/partitions.py",
    "privacyops/retention/partition_swap.py",
}
_RAW_WRITE = re.compile(r"COPY \S+ .*FROM STDIN|INSERT INTO \S+")


def test_no_other_code_writes_events_around_the_orm():
    """A new raw INSERT or COPY of events must widen the bounds: add it here once it does."""
    writers = set()
    for path in (ROOT / "privacyops").rglob("*.py"):
        text = path.read_text()
        relative = str(path.relative_to(ROOT))
        if "/migrations/" in relative:
            continue
        if ("ActivityEvent" in text or "subjects_activityevent" in text) and _RAW_WRITE.search(
            text
        ):
            writers.add(relative)
    assert writers <= RAW_WRITERS, writers - RAW_WRITERS
    ingest_source = (ROOT / "privacyops/subjects/ingest.py").read_text()
    assert "bounds_widen" in ingest_source


# --- The backfill of existing events ------------------------------------------------------------


def test_the_backfill_sets_the_exact_months_from_the_events():
    ana, ben, nobody = DataSubjectFactory(), DataSubjectFactory(), DataSubjectFactory()
    ActivityEventFactory(subject=ana, occurred_at=at(2025, 2, 28, 23))
    ActivityEventFactory(subject=ana, occurred_at=at(2026, 10, 1, 0))
    ActivityEventFactory(subject=ben, occurred_at=at(2026, 12, 31, 23))
    DataSubject.objects.update(activity_from=None, activity_until=None)  # as before 0014
    assert activity_bounds.bounds_recompute(event_model=ActivityEvent) == 2
    assert bounds(ana) == (at(2025, 2, 1, 0), at(2026, 11, 1, 0))
    assert bounds(ben) == (at(2026, 12, 1, 0), at(2027, 1, 1, 0))
    assert bounds(nobody) == (None, None)
    assert outside_bounds() == []


def test_the_migration_backfills_with_its_historical_models():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("privacyops.subjects.migrations.0014_subject_activity_months")
    ana = DataSubjectFactory()
    ActivityEventFactory(subject=ana, occurred_at=at(2026, 3, 3))
    DataSubject.objects.update(activity_from=None, activity_until=None)

    class SchemaEditor:
        connection = connection

    migration.backfill(apps, SchemaEditor())
    assert bounds(ana) == (at(2026, 3, 1, 0), at(2026, 4, 1, 0))


# --- Every lookup of one subject's events uses them and misses nothing ------------------------


def test_the_access_export_and_the_erasure_find_every_event_even_through_a_stale_subject():
    ana = DataSubjectFactory()
    stale = DataSubject.objects.get(pk=ana.pk)  # read before any event existed
    for when in (at(2021, 1, 1, 0), at(2026, 6, 15), at(2030, 12, 31, 23)):
        ActivityEventFactory(subject=ana, occurred_at=when)
    ActivityEventFactory(subject=DataSubjectFactory(), occurred_at=at(2026, 6, 15))
    title = str(ActivityEvent._meta.verbose_name_plural)
    exported = registry.personal_data_for(stale)["categories"]["Other Information"][title]
    assert len(exported) == 3
    with CaptureQueriesContext(connection) as queries:
        registry.erase(stale, dry_run=False)
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "subjects_activity')]
    assert deletes and all('"activity_from"' in sql for sql in deletes)  # bounded
    assert not ActivityEvent.objects.filter(subject=ana).exists()
    assert ActivityEvent.objects.count() == 1  # the other person's event stays


def test_a_subject_without_bounds_is_looked_up_over_every_month():
    ana = DataSubjectFactory()
    for when in (at(1970, 1, 1, 0), at(2026, 6, 15), at(2999, 12, 31, 23)):
        ActivityEventFactory(subject=ana, occurred_at=when)
    DataSubject.objects.filter(pk=ana.pk).update(activity_from=None, activity_until=None)
    assert selectors.activity_events_of(subject=ana).count() == 3
    assert ActivityEvent.objects.filter(selectors.event_months_of(subject_id=ana.pk)).count() == 3


@pytest.fixture
def legal_client(client, legal):
    client.force_login(legal)
    return client


def _subject_page_queries(client, subject) -> int:
    url = reverse("admin:subjects_datasubject_change", args=[subject.pk])
    client.get(url)  # warm: the session, the permissions cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_subject_page_reads_a_fixed_number_of_queries_whatever_the_events(legal_client):
    few, many = DataSubjectFactory(), DataSubjectFactory()
    ActivityEventFactory.create_batch(2, subject=few)
    ActivityEventFactory.create_batch(25, subject=many)
    queries_few = _subject_page_queries(legal_client, few)
    queries_many = _subject_page_queries(legal_client, many)
    # One more for the capped count once there are more events than the page lists.
    assert queries_many <= queries_few + 1
    assert queries_many <= 20  # 27–32 before (the subject read twice, a query per event)


def test_the_subject_page_and_its_events_list_show_events_of_far_apart_months(legal_client):
    ana = DataSubjectFactory()
    for when in (at(2020, 1, 1, 0), at(2026, 6, 15), at(2031, 12, 31, 23)):
        ActivityEventFactory(subject=ana, occurred_at=when, page="/far-apart")
    page = legal_client.get(reverse("admin:subjects_datasubject_change", args=[ana.pk]))
    assert page.content.decode().count("/far-apart") == 3
    response = legal_client.get(
        reverse("admin:subjects_activityevent_changelist"), {"subject__id__exact": ana.pk}
    )
    changelist = response.context["cl"]
    assert len(changelist.result_list) == 3
    where = str(changelist.queryset.query)
    assert "occurred_at" in where  # the subject's months, not every month


# --- PostgreSQL reads only the subject's months -----------------------------------------------


def _months_read(queryset) -> set[str]:
    plan = queryset.explain()
    names = {p.name for p in partitions.month_partitions()} | {partitions.DEFAULT_PARTITION}
    return {name for name in names if re.search(rf"\b{name}\b", plan)}


def _months_executed(queryset) -> set[str]:
    """The partitions a statement read: EXPLAIN ANALYZE marks those pruned when it started
    "never executed"."""
    plan = queryset.explain(analyze=True)
    names = {p.name for p in partitions.month_partitions()} | {partitions.DEFAULT_PARTITION}
    read = set()
    for line in plan.splitlines():
        for name in names:
            if re.search(rf" on {name}\b", line) and "never executed" not in line:
                read.add(name)
    return read


@postgresql_only
def test_a_subjects_lookups_read_only_the_partitions_of_its_months(client, legal):
    partitions.partitions_ensure(now=datetime.datetime(2030, 1, 1, tzinfo=UTC), ahead=11)
    ana, ben = DataSubjectFactory(), DataSubjectFactory()
    ActivityEventFactory(subject=ana, occurred_at=at(2030, 3, 10))
    ActivityEventFactory(subject=ana, occurred_at=at(2030, 4, 20))
    for month in range(1, 13):
        ActivityEventFactory(subject=ben, occurred_at=at(2030, month, 5))
    expected = {"subjects_activityevent_p2030_03", "subjects_activityevent_p2030_04"}
    # The access export and the erasure (the registry's rows of the subject): the bounds are
    # read by the statement, so the other months are pruned when it starts.
    rows = registry.registration_for(ActivityEvent).rows_of(ana)
    assert rows.count() == 2
    assert _months_executed(rows) == expected
    # The subject's page and the events list filtered by the subject.
    client.force_login(legal)
    response = client.get(
        reverse("admin:subjects_activityevent_changelist"), {"subject__id__exact": ana.pk}
    )
    changelist = response.context["cl"]
    assert len(changelist.result_list) == 2
    assert _months_read(changelist.queryset) == expected
    ana.refresh_from_db()  # the page's own read of the subject
    page_events = ActivityEvent.objects.filter(activity_bounds.bounds_q(ana), subject=ana)
    assert _months_read(page_events) == expected


@pytest.mark.parametrize("language", ["en", "bg"])
def test_the_subjects_lists_checkbox_is_djangos_markup(language):
    from django.contrib import admin
    from django.utils import translation

    subject = DataSubjectFactory(full_name="Ana <b>&\"Petrova'")
    subjects_admin = admin.site._registry[DataSubject]
    with translation.override(language):
        assert subjects_admin.action_checkbox(subject) == admin.ModelAdmin.action_checkbox(
            subjects_admin, subject
        )
