"""The 72-hour clock: exactly 72 elapsed hours, whatever the calendar and the clocks do."""

import datetime
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacyops.incidents import clock

SOFIA = zoneinfo.ZoneInfo("Europe/Sofia")
UTC = datetime.UTC

aware_datetimes = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2099, 12, 31),
    timezones=st.sampled_from([SOFIA, UTC, zoneinfo.ZoneInfo("America/New_York")]),
)
# Moments within three days either side of Sofia's DST changes (last Sunday of March and
# of October, 03:00/04:00 local): every deadline here crosses or touches a change.
dst_days = st.builds(
    lambda year, month, offset: (
        datetime.datetime(year, month, 31, 12, tzinfo=UTC)
        - datetime.timedelta(days=(datetime.date(year, month, 31).weekday() + 1) % 7)
        + datetime.timedelta(minutes=offset)
    ),
    st.integers(2000, 2099),
    st.sampled_from([3, 10]),
    st.integers(-4 * 24 * 60, 1 * 24 * 60),
)


@given(aware_datetimes)
def test_deadline_is_exactly_72_elapsed_hours_in_the_same_zone(aware_at):
    deadline = clock.notification_deadline(aware_at)
    assert deadline.tzinfo is aware_at.tzinfo
    assert deadline.astimezone(UTC) - aware_at.astimezone(UTC) == datetime.timedelta(hours=72)
    assert clock.hours_left(aware_at, aware_at) == 72


@given(dst_days)
def test_across_sofia_dst_changes_elapsed_time_is_72_hours(moment):
    aware_at = moment.astimezone(SOFIA)
    deadline = clock.notification_deadline(aware_at)
    assert deadline.tzinfo is SOFIA
    assert (deadline.astimezone(UTC) - aware_at.astimezone(UTC)).total_seconds() == 72 * 3600
    # Round trip: the deadline is a real local time (no gap, no wrong fold).
    assert deadline.astimezone(UTC).astimezone(SOFIA) == deadline
    assert clock.whole_hours_left(aware_at, deadline) == 0
    assert not clock.is_overdue(aware_at, deadline)
    one_second_later = deadline.astimezone(UTC) + datetime.timedelta(seconds=1)
    assert clock.is_overdue(aware_at, one_second_later.astimezone(SOFIA))


def test_march_change_the_wall_clock_shows_73_hours_later():
    # 29 March 2026 04:00 EET -> 03:00 became 04:00 (one hour fewer on the wall clock).
    aware_at = datetime.datetime(2026, 3, 27, 10, 0, tzinfo=SOFIA)
    deadline = clock.notification_deadline(aware_at)
    assert deadline == datetime.datetime(2026, 3, 30, 11, 0, tzinfo=SOFIA)
    assert deadline.utcoffset() == datetime.timedelta(hours=3)


def test_october_change_the_wall_clock_shows_71_hours_later():
    # 25 October 2026: 04:00 EEST became 03:00 EET (the night had 25 hours).
    aware_at = datetime.datetime(2026, 10, 23, 10, 0, tzinfo=SOFIA)
    deadline = clock.notification_deadline(aware_at)
    assert deadline == datetime.datetime(2026, 10, 26, 9, 0, tzinfo=SOFIA)
    assert deadline.utcoffset() == datetime.timedelta(hours=2)


def test_awareness_in_the_repeated_october_hour_keeps_its_fold():
    first = datetime.datetime(2026, 10, 25, 3, 30, fold=0, tzinfo=SOFIA)  # EEST
    second = datetime.datetime(2026, 10, 25, 3, 30, fold=1, tzinfo=SOFIA)  # EET, an hour later
    assert clock.notification_deadline(second) - clock.notification_deadline(
        first
    ) == datetime.timedelta(hours=1)
    assert clock.notification_deadline(first) == datetime.datetime(
        2026, 10, 28, 2, 30, tzinfo=SOFIA
    )


def test_weekends_count():
    friday = datetime.datetime(2026, 12, 4, 18, 0, tzinfo=SOFIA)
    assert clock.notification_deadline(friday) == datetime.datetime(
        2026, 12, 7, 18, 0, tzinfo=SOFIA
    )


@pytest.mark.parametrize(
    "value", [datetime.datetime(2026, 3, 27, 10, 0), datetime.datetime(2026, 10, 25, 3, 30)]
)
def test_naive_datetimes_are_refused_with_a_clear_error(value):
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.notification_deadline(value)
    with pytest.raises(clock.NaiveDatetimeError):
        clock.hours_left(datetime.datetime(2026, 1, 1, tzinfo=UTC), value)


def test_a_date_is_not_a_datetime():
    with pytest.raises(TypeError):
        clock.notification_deadline(datetime.date(2026, 1, 1))


@given(aware_datetimes, st.integers(0, 100 * 60))
def test_reminder_marks_follow_elapsed_hours(aware_at, minutes):
    # Real elapsed minutes: adding to a local time would add wall-clock minutes.
    now = (aware_at.astimezone(UTC) + datetime.timedelta(minutes=minutes)).astimezone(SOFIA)
    due = clock.reminders_due(aware_at, now)
    assert due == [mark for mark in (24, 48, 66) if minutes >= mark * 60]
    assert clock.whole_hours_left(aware_at, now) == (72 * 60 - minutes) // 60
