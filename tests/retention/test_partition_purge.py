"""Purging activity events month by month: whole months past the cutoff are swapped (PostgreSQL,
partitioned), the month at the cutoff edge and every stray go through windows; the result is
exactly the windows' result on any database."""

import datetime
import importlib
import io
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone

from privacyops.core import registry
from privacyops.retention import engine, partition_swap, services
from privacyops.retention.models import PurgeRun, RetentionRule
from privacyops.subjects import partitions
from privacyops.subjects.models import ActivityEvent, DataSubject
from tests.factories import ActivityEventFactory, DataSubjectFactory

from .conftest import months_ago

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="monthly partitions are PostgreSQL's"
)
LABEL = "subjects.ActivityEvent"
UTC = datetime.UTC


def _partitioned() -> bool:
    return partitions.is_partitioned()


def _at(subject, when, **kwargs):
    return ActivityEventFactory(subject=subject, occurred_at=when, **kwargs).pk


@pytest.fixture
def world(events_rule, legal):
    """Partitions for the last 30 months (PostgreSQL), people of every kind the purge must tell
    apart, and events in whole months past the cutoff, at the cutoff's edge and fresh."""
    now = timezone.now()
    cutoff = events_rule.cutoff(now)
    if _partitioned():
        partitions.partitions_ensure(now=months_ago(30), ahead=33)
    RetentionRule.objects.create(
        code="leads-24",
        name="Leads' activity: 24 months",
        target_model=LABEL,
        subject_kinds="lead",
        clock=RetentionRule.Clock.COLLECTED_AT,
        period_count=24,
        period_unit="months",
        action="delete",
        legal_basis="Sales disputes",
    )
    held, restricted = DataSubjectFactory(), DataSubjectFactory()
    services.legal_hold_place(by=legal, matter="Dispute", reason="evidence", subject=held)
    DataSubject.objects.filter(pk=restricted.pk).update(processing_restricted_at=now)
    plain, lead = DataSubjectFactory(), DataSubjectFactory(kind="lead")
    ids = {"kept": set(), "gone": set(), "fresh": set()}
    for months in (15, 16, 18, 20, 26):
        for person in (held, restricted):
            ids["kept"].add(_at(person, months_ago(months)))
        ids["gone"].add(_at(plain, months_ago(months)))
        ids["gone"].add(_at(plain, months_ago(months, days=1)))
        ids["kept" if months < 24 else "gone"].add(_at(lead, months_ago(months)))
        ids["gone"].add(_at(None, months_ago(months)))
    ids["gone"].add(_at(plain, cutoff))  # the edge month: on the cutoff itself
    ids["fresh"].add(_at(plain, cutoff + datetime.timedelta(days=1)))
    ids["fresh"].add(_at(held, months_ago(2)))
    ids["gone"].add(_at(plain, months_ago(40)))  # older than every partition: a stray
    return {"cutoff": cutoff, "ids": ids, "held": held, "restricted": restricted}


def _remaining() -> set[int]:
    return set(ActivityEvent.objects.values_list("pk", flat=True))


def _whole_months(cutoff) -> list[partitions.Partition]:
    return [p for p in partitions.month_partitions() if p.upper <= cutoff]


def _ids_by_month(months, events=None) -> dict[str, set[int]]:
    """The ids of the events (all, or those of `events`) in each month, by partition name."""
    events = ActivityEvent.objects.all() if events is None else events
    return {
        m.name: set(
            events.filter(occurred_at__gte=m.lower, occurred_at__lt=m.upper).values_list(
                "pk", flat=True
            )
        )
        for m in months
    }


def test_the_purge_keeps_exactly_held_restricted_and_longer_rule_rows(events_rule, world):
    """On every database; on PostgreSQL the whole months are swapped, the rest windowed."""
    ids = world["ids"]
    registration = registry.registration_for(ActivityEvent)
    selection = engine.select(events_rule, registration, cutoff=world["cutoff"])
    assert set(selection.disposable.values_list("pk", flat=True)) == ids["gone"]
    months = _whole_months(world["cutoff"])

    run = services.retention_rule_run(rule=events_rule)

    assert run.status == PurgeRun.Status.SUCCEEDED, run.errors
    assert _remaining() == ids["kept"] | ids["fresh"]
    assert run.rows_deleted == len(ids["gone"])
    assert run.rows_skipped_held == 10  # five months each of the held and the restricted
    state = run.checkpoint[LABEL]
    assert state["done"]
    if _partitioned():
        assert state["swapped"] == [m.key for m in map(partition_swap.Month, months)]
        assert len(months) >= 12
        # The same partitions, by name and range, now holding only what stays.
        assert _whole_months(world["cutoff"]) == months
    else:
        assert "swapped" not in state


def test_the_swap_copies_exactly_the_complement_of_the_disposable_rows(events_rule, world):
    registration = registry.registration_for(ActivityEvent)
    selection = engine.select(events_rule, registration, cutoff=world["cutoff"])
    expired = set(selection.expired.values_list("pk", flat=True))
    stays = set(
        selection.expired.filter(engine.stays_q(events_rule, registration)).values_list(
            "pk", flat=True
        )
    )
    disposable = set(selection.disposable.values_list("pk", flat=True))
    assert stays | disposable == expired and not stays & disposable
    assert stays == world["ids"]["kept"]


@postgresql_only
def test_a_failure_mid_swap_leaves_that_month_untouched_and_the_next_run_finishes(
    events_rule, world, monkeypatch
):
    ids, cutoff = world["ids"], world["cutoff"]
    months = _whole_months(cutoff)
    real_replace, calls = partition_swap.month_replace, []

    def replace_then_fail(cursor, **kwargs):
        calls.append(kwargs["month"])
        disposed = real_replace(cursor, **kwargs)
        if len(calls) > 1:  # the second month dies once the database replaced it, uncommitted
            raise RuntimeError("injected: the database went away mid-swap")
        return disposed

    monkeypatch.setattr(partition_swap, "month_replace", replace_then_fail)
    by_month = _ids_by_month(months)
    failed = services.retention_rule_run(rule=events_rule)

    assert failed.status == PurgeRun.Status.FAILED and "injected" in failed.errors
    first, second = calls[0].partition, calls[1].partition
    assert failed.checkpoint[LABEL]["swapped"] == [partition_swap.Month(first).key]
    assert [p.name for p in _whole_months(cutoff)] == [m.name for m in months]
    remaining = _remaining()
    # The first month was swapped (its disposable rows gone, counted); the second, untouched.
    assert failed.rows_deleted == len(by_month[first.name] - remaining)
    assert by_month[first.name] - remaining == by_month[first.name] & ids["gone"]
    assert by_month[second.name] <= remaining

    monkeypatch.undo()
    finished = services.retention_rule_run(rule=events_rule)
    assert finished.status == PurgeRun.Status.SUCCEEDED, finished.errors
    assert _remaining() == ids["kept"] | ids["fresh"]
    assert failed.rows_deleted + finished.rows_deleted == len(ids["gone"])


@postgresql_only
def test_the_edge_month_and_strays_go_through_windows(events_rule, world, settings):
    settings.RETENTION_WINDOW_SIZE = 1
    cutoff = world["cutoff"]
    edge = partitions.month_start(cutoff)
    run = services.retention_rule_run(rule=events_rule)
    state = run.checkpoint[LABEL]
    swapped_lowers = {datetime.datetime.fromisoformat(lo) for lo, _ in state["swapped"]}
    assert edge not in swapped_lowers
    assert state["done"] and state["after"] is not None
    # Windows walked only what no swap replaced: the stray 40 months back and the edge month.
    assert not ActivityEvent.objects.filter(occurred_at__lte=cutoff).exclude(
        pk__in=world["ids"]["kept"]
    )
    assert partitions.default_partition_rows() == 0


@postgresql_only
def test_a_resumed_run_does_not_swap_its_months_again(events_rule, world):
    registration = registry.registration_for(ActivityEvent)
    action = events_rule.action
    todo = partition_swap.months_to_swap(
        events_rule, registration, action, {}, cutoff=world["cutoff"]
    )
    assert [m.partition for m in todo] == _whole_months(world["cutoff"])
    state = {"swapped": [m.key for m in todo[:3]]}
    rest = partition_swap.months_to_swap(
        events_rule, registration, action, state, cutoff=world["cutoff"]
    )
    assert rest == todo[3:]


def test_only_deleting_rules_on_a_partitioned_clock_swap(events_rule):
    registration = registry.registration_for(ActivityEvent)
    anonymising = partition_swap.swap_column(events_rule, registration, "anonymise")
    deleting = partition_swap.swap_column(events_rule, registration, events_rule.action)
    # Activity events are erased by deleting the row, whatever the action's name.
    assert anonymising == deleting
    assert deleting == ("occurred_at" if _partitioned() else None)
    subjects = registry.registration_for(DataSubject)
    assert partition_swap.swap_column(events_rule, subjects, "delete") is None


@contextmanager
def _as_role(name: str, *, granted: bool):
    """This test's transaction runs as a new NOLOGIN role that owns nothing (README's runtime
    role), with the grants of `database_grants` or with none; the role goes with the rollback."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
        if granted:
            call_command("database_grants", name, "--apply", stdout=io.StringIO())
        cursor.execute(f"SET LOCAL ROLE {name}")
        try:
            yield cursor
        finally:
            cursor.execute("RESET ROLE")


def _role_name() -> str:
    return f"privacyops_test_runtime_{uuid.uuid4().hex[:8]}"


@postgresql_only
def test_a_runtime_role_granted_by_database_grants_swaps_months_and_creates_partitions(
    events_rule, world
):
    """README's two-role setup: the runtime role owns no table, yet with `database_grants` it
    swaps whole months and creates the months ahead (through the owner's functions), and still
    cannot drop a partition itself."""
    ids, cutoff = world["ids"], world["cutoff"]
    months = _whole_months(cutoff)
    registration = registry.registration_for(ActivityEvent)
    with _as_role(_role_name(), granted=True) as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE relname = %s",
            [partitions.TABLE],
        )
        assert cursor.fetchone() == (False,)  # not the owner, nor a member of the owner role
        assert partitions.may_manage()
        assert partition_swap.swap_column(events_rule, registration, "delete") == "occurred_at"

        run = services.retention_rule_run(rule=events_rule)

        assert run.status == PurgeRun.Status.SUCCEEDED, run.errors
        assert run.checkpoint[LABEL]["swapped"] == [
            m.key for m in map(partition_swap.Month, months)
        ]
        assert _remaining() == ids["kept"] | ids["fresh"]
        assert run.rows_deleted == len(ids["gone"])
        assert _whole_months(cutoff) == months

        created = partitions.partitions_ensure(
            now=datetime.datetime(2077, 11, 5, tzinfo=UTC), ahead=2
        )
        assert created == [f"{partitions.TABLE}_p{m}" for m in ("2077_11", "2077_12", "2078_01")]
        assert (
            partitions.partitions_ensure(now=datetime.datetime(2077, 11, 5, tzinfo=UTC), ahead=2)
            == []
        )
        for statement in (
            f"DROP TABLE {months[0].name}",
            f"ALTER TABLE {partitions.TABLE} DETACH PARTITION {created[0]}",
        ):
            with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
                cursor.execute(statement)
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            cursor.execute(f"TRUNCATE {months[0].name}")
    assert {m.name for m in months} | set(created) <= {
        p.name for p in partitions.month_partitions()
    }


@postgresql_only
def test_a_role_with_no_grant_purges_in_windows_and_creates_no_partition(events_rule, world):
    registration = registry.registration_for(ActivityEvent)
    with _as_role(_role_name(), granted=False) as cursor:
        assert not partitions.may_manage()
        assert partition_swap.swap_column(events_rule, registration, "delete") is None
        assert partitions.partitions_ensure(ahead=40) == []
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            cursor.execute(
                f"SELECT {partitions.REPLACE_FUNCTION}(%s, '{{}}'::bigint[], '{{}}'::bigint[])",
                [_whole_months(world["cutoff"])[0].lower],
            )
    assert partitions.may_manage()


@postgresql_only
def test_the_month_function_refuses_a_lower_bound_that_is_no_partitions(world):
    first = _whole_months(world["cutoff"])[0]
    before = partitions.month_partitions()
    events = set(ActivityEvent.objects.values_list("pk", flat=True))
    for wrong in (
        first.lower + datetime.timedelta(hours=1),
        datetime.datetime(1990, 1, 1, tzinfo=UTC),
    ):
        with (
            pytest.raises(DatabaseError, match="no monthly partition"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                f"SELECT {partitions.REPLACE_FUNCTION}(%s, '{{}}'::bigint[], '{{}}'::bigint[])",
                [wrong],
            )
    assert partitions.month_partitions() == before
    assert set(ActivityEvent.objects.values_list("pk", flat=True)) == events


def _kept_of(rule, registration, *, now=None) -> set[int]:
    kept = partition_swap.kept_filter(rule, registration, now=now or timezone.now())
    return set(ActivityEvent.objects.filter(kept).values_list("pk", flat=True))


def test_with_no_other_rule_a_swap_finds_what_stays_by_the_held_keys(events_rule, world):
    """The cheap way (held ids read first, the (subject, time) index) keeps exactly what the
    general complement keeps, and is taken only when nothing but holds can keep a row."""
    registration = registry.registration_for(ActivityEvent)
    expired = ActivityEvent.objects.filter(occurred_at__lte=world["cutoff"])
    general = set(
        expired.filter(engine.stays_q(events_rule, registration)).values_list("pk", flat=True)
    )
    # The leads' 24-month rule keeps some of the leads' rows: the general complement is used.
    assert _kept_of(events_rule, registration) & general == general
    assert engine.kept_by_other_rules(events_rule, registration, timezone.now())

    RetentionRule.objects.filter(code="leads-24").update(is_active=False)
    assert not engine.kept_by_other_rules(events_rule, registration, timezone.now())
    held = {world["held"].pk, world["restricted"].pk}
    expected = set(expired.filter(subject_id__in=held).values_list("pk", flat=True))
    assert _kept_of(events_rule, registration) & set(expired.values_list("pk", flat=True)) == (
        expected
    )
    assert len(expected) == 10

    run = services.retention_rule_run(rule=events_rule)
    assert run.status == PurgeRun.Status.SUCCEEDED, run.errors
    assert set(expired.values_list("pk", flat=True)) == expected
    assert run.rows_skipped_held == 10


@postgresql_only
def test_a_hold_placed_during_the_swaps_protects_the_months_not_yet_swapped(
    events_rule, world, legal, monkeypatch
):
    RetentionRule.objects.filter(code="leads-24").update(is_active=False)
    plain = ActivityEvent.objects.get(pk=min(world["ids"]["gone"])).subject
    theirs = ActivityEvent.objects.filter(subject=plain)
    before = _ids_by_month(_whole_months(world["cutoff"]), theirs)
    real_replace, swapped = partition_swap.month_replace, []

    def replace_then_hold(cursor, **kwargs):
        disposed = real_replace(cursor, **kwargs)
        swapped.append(kwargs["month"].partition.name)
        if [name for name in swapped if before[name]] == [swapped[-1]]:
            # Legal places a hold while the first month with this person's events is swapped.
            services.legal_hold_place(by=legal, matter="Late", reason="claim", subject=plain)
        return disposed

    monkeypatch.setattr(partition_swap, "month_replace", replace_then_hold)
    run = services.retention_rule_run(rule=events_rule)

    assert run.status == PurgeRun.Status.SUCCEEDED, run.errors
    remaining = set(theirs.values_list("pk", flat=True))
    first = next(name for name in swapped if before[name])
    assert not before[first] & remaining  # that month's swap read the keys before the hold
    later = [name for name in swapped[swapped.index(first) + 1 :] if before[name]]
    assert later and all(before[name] <= remaining for name in later)


@postgresql_only
def test_migration_0016_keeps_the_runtime_roles_grant_on_the_month_function():
    """An upgrade needs no new grant: whoever could execute the replaced function may execute
    the new one (and back), and PUBLIC still may not."""
    replace = importlib.import_module(
        "privacyops.subjects.migrations.0016_month_replace_by_kept_subjects"
    )
    role = _role_name()
    with connection.cursor() as cursor, connection.schema_editor() as editor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT EXECUTE ON FUNCTION {replace.NEW} TO {role}")

        def may(signature: str, who: str = role) -> bool | None:
            cursor.execute(
                "SELECT has_function_privilege(%s, to_regprocedure(%s), 'EXECUTE') "
                "WHERE to_regprocedure(%s) IS NOT NULL",
                [who, signature, signature],
            )
            found = cursor.fetchone()
            return found[0] if found else None

        replace.backwards(None, editor)
        assert may(replace.NEW) is None and may(replace.OLD) is True
        replace.forwards(None, editor)
        assert may(replace.OLD) is None and may(replace.NEW) is True
        other = _role_name()
        cursor.execute(f"CREATE ROLE {other} NOLOGIN")
        assert may(replace.NEW, other) is False


@postgresql_only
def test_the_month_function_copies_a_row_kept_by_id_and_by_subject_once(world):
    held = world["held"]
    first_held = ActivityEvent.objects.filter(subject=held).earliest("occurred_at").occurred_at
    month = partition_swap.Month(
        next(p for p in _whole_months(world["cutoff"]) if p.lower <= first_held < p.upper)
    )
    lower, upper = month.partition.lower, month.partition.upper
    theirs = set(
        ActivityEvent.objects.filter(
            subject=held, occurred_at__gte=lower, occurred_at__lt=upper
        ).values_list("pk", flat=True)
    )
    other = _at(DataSubjectFactory(), lower)
    assert theirs
    in_month = ActivityEvent.objects.filter(occurred_at__gte=lower, occurred_at__lt=upper)
    total = in_month.count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        disposed, kept = partition_swap.month_replace(
            cursor, month=month, kept_ids=[min(theirs), other], kept_subjects=[held.pk]
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    assert kept == len(theirs) + 1 and disposed == total - kept
    assert set(in_month.values_list("pk", flat=True)) == theirs | {other}


def _month_with_events(cutoff):
    """The first whole month past the cutoff with two events or more, and its events."""
    for partition in _whole_months(cutoff):
        found = ActivityEvent.objects.filter(
            occurred_at__gte=partition.lower, occurred_at__lt=partition.upper
        )
        if found.count() > 1:
            return partition_swap.Month(partition), found
    raise AssertionError("no whole month with events")


@postgresql_only
def test_a_session_that_used_the_month_function_uses_it_after_the_table_is_made_again(world):
    """Converting the table away and back gives it a new row type; a session that compiled the
    month function before (PL/pgSQL keeps it per session) still swaps a month with it."""
    held = world["held"].pk
    month, in_month = _month_with_events(world["cutoff"])

    def replace() -> tuple[int, int]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            result = partition_swap.month_replace(
                cursor, month=month, kept_ids=[], kept_subjects=[held]
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            transaction.set_rollback(True)
        return result

    total, theirs = in_month.count(), in_month.filter(subject_id=held).count()
    assert replace() == (total - theirs, theirs)
    partitions.convert_to_plain()
    partitions.convert_to_partitions()
    assert partitions.is_partitioned()
    assert replace() == (total - theirs, theirs)


@postgresql_only
def test_held_rows_left_to_a_swap_are_counted_when_the_month_goes_to_the_windows(
    events_rule, world, monkeypatch
):
    """A run counts a swapped month's held rows from the swap; if it is interrupted and the
    table can no longer be swapped when it resumes, those months' held rows are counted once,
    before the windows delete around them."""
    RetentionRule.objects.filter(code="leads-24").update(is_active=False)
    registration = registry.registration_for(ActivityEvent)
    disposable = engine.select(events_rule, registration, cutoff=world["cutoff"]).disposable
    to_dispose = disposable.count()
    real_swap, swaps = partition_swap.month_swap, []

    def swap_then_lose_the_database(**kwargs):
        swaps.append(kwargs["month"])
        if len(swaps) > 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_swap(**kwargs)

    monkeypatch.setattr(partition_swap, "month_swap", swap_then_lose_the_database)
    dead = services.retention_rule_run(rule=events_rule)
    assert dead.status == PurgeRun.Status.INTERRUPTED
    state = dead.checkpoint[LABEL]
    assert len(state["swapped"]) == 1 and len(state["held_by_swaps"]) >= 12
    monkeypatch.undo()
    monkeypatch.setattr(partitions, "may_manage", lambda *args, **kwargs: False)

    resumed = services.retention_rule_run(rule=events_rule)

    assert resumed.resumed_from == dead and resumed.status == PurgeRun.Status.SUCCEEDED
    held = {world["held"].pk, world["restricted"].pk}
    expired = ActivityEvent.objects.filter(occurred_at__lte=world["cutoff"])
    assert set(expired.values_list("subject_id", flat=True)) == held
    assert resumed.rows_skipped_held == 10  # each run counts what it keeps, once
    assert dead.rows_deleted + resumed.rows_deleted == to_dispose


@postgresql_only
@pytest.mark.parametrize("io", [0, 64])
def test_a_swap_reads_ahead_as_retention_io_concurrency_says(
    events_rule, world, monkeypatch, settings, io
):
    settings.RETENTION_IO_CONCURRENCY = io
    with connection.cursor() as cursor:
        cursor.execute("SHOW effective_io_concurrency")
        servers = cursor.fetchone()[0]
    real_replace, seen = partition_swap.month_replace, []

    def replace_and_look(cursor, **kwargs):
        cursor.execute("SHOW effective_io_concurrency")
        seen.append(cursor.fetchone()[0])
        return real_replace(cursor, **kwargs)

    monkeypatch.setattr(partition_swap, "month_replace", replace_and_look)
    run = services.retention_rule_run(rule=events_rule)

    assert run.status == PurgeRun.Status.SUCCEEDED, run.errors
    assert seen and set(seen) == {str(io) if io else servers}


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_months_swapped_on_two_connections_end_exactly_as_on_one(
    reference_data, events_rule, world, settings, monkeypatch
):
    """Outside a transaction the months go to RETENTION_SWAP_CONNECTIONS threads: the same rows
    stay, and the checkpoint and the counts, written by each month's own transaction, are
    exact."""
    settings.RETENTION_SWAP_CONNECTIONS = 2
    ids, cutoff = world["ids"], world["cutoff"]
    months = _whole_months(cutoff)
    real_replace, on = partition_swap.month_replace, []

    def replace_and_note_the_connection(cursor, **kwargs):
        on.append(_backend_pid())
        return real_replace(cursor, **kwargs)

    monkeypatch.setattr(partition_swap, "month_replace", replace_and_note_the_connection)
    run = services.retention_rule_run(rule=events_rule)

    assert run.status == PurgeRun.Status.SUCCEEDED, run.errors
    assert len(on) == len(months) and len(set(on)) == 2 and _backend_pid() not in on
    assert _remaining() == ids["kept"] | ids["fresh"]
    assert run.rows_deleted == len(ids["gone"])
    assert run.rows_skipped_held == 10
    swapped = run.checkpoint[LABEL]["swapped"]
    assert sorted(swapped) == sorted(m.key for m in map(partition_swap.Month, months))
    assert len(swapped) == len(set(map(tuple, swapped)))
    assert _whole_months(cutoff) == months
    assert run.job_run.progress_done == run.rows_deleted


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_month_failing_on_one_connection_stops_the_others_and_the_next_run_finishes(
    reference_data, events_rule, world, settings, monkeypatch
):
    settings.RETENTION_SWAP_CONNECTIONS = 2
    ids, cutoff = world["ids"], world["cutoff"]
    months = _whole_months(cutoff)
    before = _ids_by_month(months)
    real_replace, calls = partition_swap.month_replace, []

    def replace_then_fail_the_third(cursor, **kwargs):
        calls.append(kwargs["month"].partition.name)
        counts = real_replace(cursor, **kwargs)
        if len(calls) == 3:
            raise RuntimeError("injected: the third month dies replaced, uncommitted")
        return counts

    monkeypatch.setattr(partition_swap, "month_replace", replace_then_fail_the_third)
    failed = services.retention_rule_run(rule=events_rule)

    assert failed.status == PurgeRun.Status.FAILED and "injected" in failed.errors
    dead, committed = calls[2], [name for name in calls if name != calls[2]]
    # The other thread's month in flight when the third died commits whole; none starts after.
    assert 2 <= len(committed) <= 3 and len(calls) <= 4
    by_name = {m.name: partition_swap.Month(m).key for m in months}
    assert sorted(failed.checkpoint[LABEL]["swapped"]) == sorted(by_name[n] for n in committed)
    remaining = _remaining()
    assert before[dead] <= remaining
    gone = set().union(*(before[name] for name in committed)) - remaining
    assert gone == set().union(*(before[name] for name in committed)) & ids["gone"]
    assert failed.rows_deleted == len(gone)

    monkeypatch.undo()
    finished = services.retention_rule_run(rule=events_rule)
    assert finished.status == PurgeRun.Status.SUCCEEDED, finished.errors
    assert _remaining() == ids["kept"] | ids["fresh"]
    assert failed.rows_deleted + finished.rows_deleted == len(ids["gone"])
