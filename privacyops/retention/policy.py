"""Retention arithmetic. Pure: no Django import, tested in milliseconds.

A retention period runs from a clock date; a row is past its period when its clock date is on
or before `cutoff(now, count, unit)`. Where several rules cover the same row, the row is kept
until every one of them has run out (the longest retention wins); a legal hold keeps it
whatever the rules say.
"""

import datetime
import enum

from dateutil.relativedelta import relativedelta


class Unit(enum.StrEnum):
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


def cutoff(now: datetime.datetime, count: int, unit: str) -> datetime.datetime:
    """The latest clock date that is past a period of `count` `unit`s at `now`.

    Months and years are calendar months and years (31 March minus one month is 28 or 29
    February), as a lawyer counts them.
    """
    if count < 0:
        raise ValueError("A retention period cannot be negative")
    unit = Unit(unit)
    if unit is Unit.DAYS:
        return now - datetime.timedelta(days=count)
    if unit is Unit.MONTHS:
        return now - relativedelta(months=count)
    return now - relativedelta(years=count)


def approximate_days(count: int, unit: str) -> int:
    """A period's length in days, for ordering rules by length (longest first)."""
    return {Unit.DAYS: 1, Unit.MONTHS: 30, Unit.YEARS: 365}[Unit(unit)] * count


def describe(count: int, unit: str) -> str:
    word = Unit(unit).value
    return f"{count} {word[:-1] if count == 1 else word}"


def windows(lo: int, hi: int, size: int):
    """Half-open key ranges [start, end) covering [lo, hi] in steps of `size` keys."""
    if size <= 0:
        raise ValueError("A window must hold at least one key")
    start = lo
    while start <= hi:
        end = min(start + size, hi + 1)
        yield start, end
        start = end
