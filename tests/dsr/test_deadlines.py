"""Deadlines: named legal edge cases plus properties over thousands of generated dates."""

import calendar
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacyops.dsr import deadlines
from privacyops.dsr.deadlines import (
    acknowledgement_due,
    deadline,
    due_date,
    extended_due_date,
    extension_allowed,
    is_working_day,
)

D = datetime.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))
many = settings(max_examples=3000, deadline=None)


def months_later(day: D, months: int) -> D:
    """Regulation 1182/71 Art. 3(2)(c), written out independently of the module."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    return D(year, month, min(day.day, last))


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        (D(2025, 1, 31), D(2025, 2, 28), "31 Jan: last day of February (a Friday)"),
        (D(2024, 1, 31), D(2024, 2, 29), "31 Jan in a leap year: 29 Feb"),
        (D(2024, 2, 29), D(2024, 3, 29), "29 Feb: the same day-number in March"),
        (D(2025, 3, 31), D(2025, 4, 30), "31 Mar: 30 Apr"),
        (D(2025, 2, 3), D(2025, 3, 4), "3 Mar, Liberation Day, moves to the 4th"),
        (D(2025, 3, 18), D(2025, 4, 22), "Good Friday to Easter Monday 2025 (Orthodox)"),
        (D(2025, 3, 20), D(2025, 4, 22), "Orthodox Easter Sunday 2025-04-20"),
        (D(2025, 3, 21), D(2025, 4, 22), "Orthodox Easter Monday 2025-04-21"),
        (D(2025, 11, 24), D(2025, 12, 29), "24-26 Dec and the weekend after"),
        (D(2025, 11, 26), D(2025, 12, 29), "26 Dec 2025, Christmas"),
        (D(2025, 11, 30), D(2025, 12, 30), "30 Dec 2025 is a working day"),
        (D(2025, 12, 1), D(2026, 1, 5), "year end: 31 Dec, 1-2 Jan and a weekend"),
        (D(2025, 12, 31), D(2026, 2, 2), "year wrap: 31 Jan 2026 is a Saturday"),
        (D(2025, 12, 15), D(2026, 1, 15), "year wrap on a working day"),
        (D(2025, 5, 4), D(2025, 6, 4), "plain case: same day next month"),
        (D(2025, 5, 7), D(2025, 6, 9), "7 Jun 2025 is a Saturday"),
    ],
)
def test_gdpr_due_date_named_cases(received, expected, why):
    assert due_date(received) == expected, why


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (D(2025, 1, 31), D(2025, 4, 30)),
        (D(2024, 11, 30), D(2025, 2, 28)),
        (D(2023, 11, 29), D(2024, 2, 29)),
        (D(2025, 1, 20), D(2025, 4, 22)),  # 20 Apr 2025: Orthodox Easter Sunday
        (D(2025, 9, 24), D(2025, 12, 29)),  # 24 Dec to the weekend after
    ],
)
def test_gdpr_extension_is_three_months_from_receipt(received, expected):
    assert extended_due_date(received) == expected


def test_country_calendar_is_a_parameter():
    # 4 July 2025 is a Friday: a holiday in the United States, a working day in Bulgaria.
    assert due_date(D(2025, 6, 4), country="BG") == D(2025, 7, 4)
    assert due_date(D(2025, 6, 4), country="US") == D(2025, 7, 7)


def test_ccpa_is_one_more_rule_not_a_fork():
    assert due_date(D(2025, 1, 1), regime="CCPA") == D(2025, 2, 15)
    assert extended_due_date(D(2025, 1, 1), regime="CCPA") == D(2025, 4, 1)
    assert acknowledgement_due(D(2025, 1, 1), regime="CCPA", country="US") == D(2025, 1, 15)
    assert acknowledgement_due(D(2025, 1, 1), regime="GDPR") is None


def test_unknown_regime_is_a_clear_error():
    with pytest.raises(deadlines.UnknownRegime, match="known regimes: CCPA, GDPR"):
        due_date(D(2025, 1, 1), regime="PIPL")


def test_pause_pushes_the_last_day_and_then_the_working_day_rule_applies():
    # Received 1 Mar 2025, raw last day 1 Apr; paused 17 days -> 18 Apr (Good Friday) -> 22 Apr.
    assert deadline(D(2025, 3, 1), paused_days=17) == D(2025, 4, 22)
    assert deadline(D(2025, 3, 1), paused_days=0) == due_date(D(2025, 3, 1))
    assert deadlines.days_paused(D(2025, 3, 3), D(2025, 3, 10)) == 7
    with pytest.raises(ValueError):
        deadlines.days_paused(D(2025, 3, 10), D(2025, 3, 3))
    with pytest.raises(ValueError):
        deadline(D(2025, 3, 1), paused_days=-1)


def test_extension_only_while_the_first_month_runs():
    received = D(2025, 1, 31)
    assert extension_allowed(received, D(2025, 1, 31))
    assert extension_allowed(received, D(2025, 2, 28))
    assert not extension_allowed(received, D(2025, 3, 1))
    # A pause lengthens the first period, and so the window for an extension.
    assert extension_allowed(received, D(2025, 3, 3), paused_days=3)


@many
@given(dates)
def test_gdpr_due_date_properties(received):
    due = due_date(received)
    raw = months_later(received, 1)
    assert is_working_day(due)
    assert raw <= due
    # Every day skipped between the raw last day and the due date is a non-working day.
    day = raw
    while day < due:
        assert not is_working_day(day), day
        day += datetime.timedelta(days=1)
    assert 28 <= (due - received).days <= 31 + 10


@many
@given(dates)
def test_gdpr_extended_due_date_properties(received):
    extended = extended_due_date(received)
    raw = months_later(received, 3)
    assert is_working_day(extended)
    assert raw <= extended <= raw + datetime.timedelta(days=10)
    assert extended > due_date(received)


@many
@given(dates, dates)
def test_due_dates_never_go_backwards(a, b):
    first, second = sorted((a, b))
    assert due_date(first) <= due_date(second)
    assert extended_due_date(first) <= extended_due_date(second)


@many
@given(dates, st.integers(min_value=0, max_value=400))
def test_a_pause_never_shortens_and_keeps_the_working_day_rule(received, paused):
    paused_due = deadline(received, paused_days=paused)
    assert paused_due >= due_date(received)
    assert paused_due >= months_later(received, 1) + datetime.timedelta(days=paused)
    assert is_working_day(paused_due)
    assert deadline(received, paused_days=paused + 1) >= paused_due


@many
@given(dates)
def test_extension_window_ends_with_the_first_period(received):
    due = due_date(received)
    assert extension_allowed(received, due)
    assert not extension_allowed(received, due + datetime.timedelta(days=1))


@many
@given(dates)
def test_ccpa_counts_calendar_days(received):
    assert (due_date(received, regime="CCPA") - received).days == 45
    assert (extended_due_date(received, regime="CCPA") - received).days == 90
    ack = acknowledgement_due(received, regime="CCPA", country="US")
    assert is_working_day(ack, country="US")
    assert 12 <= (ack - received).days <= 24
