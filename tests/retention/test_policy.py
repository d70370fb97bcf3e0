import datetime

from hypothesis import given
from hypothesis import strategies as st

from privacyops.retention import policy

UTC = datetime.UTC


def test_calendar_months_end_on_the_last_day_of_a_short_month():
    now = datetime.datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert policy.cutoff(now, 1, "months") == datetime.datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert policy.cutoff(now, 13, "months") == datetime.datetime(2025, 2, 28, 12, tzinfo=UTC)
    assert policy.cutoff(now, 10, "years") == datetime.datetime(2016, 3, 31, 12, tzinfo=UTC)
    assert policy.cutoff(now, 30, "days") == datetime.datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_describe_reads_like_a_lawyer_writes():
    assert policy.describe(1, "years") == "1 year"
    assert policy.describe(13, "months") == "13 months"


@given(
    lo=st.integers(min_value=0, max_value=10_000),
    length=st.integers(min_value=-1, max_value=5_000),
    size=st.integers(min_value=1, max_value=700),
)
def test_windows_cover_every_key_exactly_once(lo, length, size):
    hi = lo + length
    keys = [k for start, end in policy.windows(lo, hi, size) for k in range(start, end)]
    assert keys == list(range(lo, hi + 1))
    assert all(end - start <= size for start, end in policy.windows(lo, hi, size))


@given(
    day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
    months=st.integers(min_value=0, max_value=240),
)
def test_a_longer_period_never_has_a_later_cutoff(day, months):
    now = datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)
    assert policy.cutoff(now, months + 1, "months") <= policy.cutoff(now, months, "months")
    assert policy.cutoff(now, months, "months") <= now
