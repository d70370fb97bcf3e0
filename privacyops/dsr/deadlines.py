"""Legal deadlines for privacy requests, as pure functions (no Django here).

Each regime is one row of `REGIMES`: how long the first period is, how long the longest
extension is, whether a last day on a non-working day moves to the next working day, and how
soon receipt must be confirmed. The functions read the row; a new regime is a new row.

GDPR (Art. 12(3), counted per Regulation (EEC, Euratom) No 1182/71, Art. 3, as the EDPB reads
it): the day of receipt does not count; a period in months ends on the same day-number of the
last month, or that month's last day where the day-number does not exist (31 January gives the
last day of February); a last day on a Saturday, Sunday or public holiday moves to the next
working day. The extension of up to two further months is counted from receipt too (three
months in all), and may only be announced while the first month is running.

While the controller waits for the requester to prove their identity the clock stands still:
each day paused pushes the (unmoved) last day by one day, and the working-day rule is applied
after that.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

DEFAULT_REGIME = "GDPR"
DEFAULT_COUNTRY = "BG"


class UnknownRegime(ValueError):
    """The regime code is not in REGIMES."""


@dataclass(frozen=True)
class Period:
    """A legal period: whole months (calendar rule of 1182/71) plus calendar days."""

    months: int = 0
    days: int = 0

    def after(self, start: datetime.date) -> datetime.date:
        # relativedelta clamps to the month's last day when the day-number does not exist,
        # which is exactly Art. 3(2)(c) of Regulation 1182/71.
        return start + relativedelta(months=self.months, days=self.days)

    def __add__(self, other: "Period") -> "Period":
        return Period(months=self.months + other.months, days=self.days + other.days)


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    law: str
    period: Period
    extension: Period
    # Whether a last day falling on a Saturday, Sunday or public holiday moves to the next
    # working day.
    moves_off_non_working_days: bool
    # Working days within which receipt must be confirmed; None where the law sets no such step.
    acknowledge_within_working_days: int | None = None

    @property
    def extended_period(self) -> Period:
        return self.period + self.extension


REGIMES: dict[str, Regime] = {
    "GDPR": Regime(
        code="GDPR",
        name="GDPR (EU/EEA)",
        law="Regulation (EU) 2016/679, Art. 12(3); periods per Regulation 1182/71, Art. 3",
        period=Period(months=1),
        extension=Period(months=2),
        moves_off_non_working_days=True,
    ),
    "CCPA": Regime(
        code="CCPA",
        name="CCPA/CPRA (California)",
        law="Cal. Civ. Code § 1798.130(a)(2); 11 CCR § 7021",
        period=Period(days=45),
        extension=Period(days=45),
        moves_off_non_working_days=False,
        acknowledge_within_working_days=10,
    ),
}


def regime_for(code: str) -> Regime:
    try:
        return REGIMES[code]
    except KeyError:
        known = ", ".join(sorted(REGIMES))
        raise UnknownRegime(f"Unknown regime {code!r}; known regimes: {known}") from None


@lru_cache(maxsize=64)
def _holidays(country: str) -> holidays.HolidayBase:
    # Years are filled in lazily by the holidays package as dates are looked up.
    return holidays.country_holidays(country)


def is_working_day(day: datetime.date, *, country: str = DEFAULT_COUNTRY) -> bool:
    return day.weekday() < 5 and day not in _holidays(country)


def next_working_day(day: datetime.date, *, country: str = DEFAULT_COUNTRY) -> datetime.date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, country=country):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(
    start: datetime.date, count: int, *, country: str = DEFAULT_COUNTRY
) -> datetime.date:
    """The `count`-th working day after `start` (the start day itself does not count)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, country=country):
            remaining -= 1
    return day


def _last_day(
    received: datetime.date, period: Period, regime: Regime, country: str, paused_days: int
) -> datetime.date:
    if paused_days < 0:
        raise ValueError("paused_days cannot be negative")
    day = period.after(received) + datetime.timedelta(days=paused_days)
    if regime.moves_off_non_working_days:
        day = next_working_day(day, country=country)
    return day


def due_date(
    received: datetime.date, *, regime: str = DEFAULT_REGIME, country: str = DEFAULT_COUNTRY
) -> datetime.date:
    """The last day to answer a request received on `received`: no pause, no extension."""
    rule = regime_for(regime)
    return _last_day(received, rule.period, rule, country, 0)


def extended_due_date(
    received: datetime.date, *, regime: str = DEFAULT_REGIME, country: str = DEFAULT_COUNTRY
) -> datetime.date:
    """The last day to answer after the longest extension the regime allows (no pause)."""
    rule = regime_for(regime)
    return _last_day(received, rule.extended_period, rule, country, 0)


def deadline(
    received: datetime.date,
    *,
    regime: str = DEFAULT_REGIME,
    country: str = DEFAULT_COUNTRY,
    paused_days: int = 0,
    extended: bool = False,
) -> datetime.date:
    """The last day to answer, given the days the clock stood still and any extension."""
    rule = regime_for(regime)
    period = rule.extended_period if extended else rule.period
    return _last_day(received, period, rule, country, paused_days)


def days_paused(paused_on: datetime.date, resumed_on: datetime.date) -> int:
    """Days the clock stood still: paused on one day, resumed on another (same day: none)."""
    if resumed_on < paused_on:
        raise ValueError("the clock cannot resume before it was paused")
    return (resumed_on - paused_on).days


def extension_allowed(
    received: datetime.date,
    on: datetime.date,
    *,
    regime: str = DEFAULT_REGIME,
    country: str = DEFAULT_COUNTRY,
    paused_days: int = 0,
) -> bool:
    """Whether an extension may still be announced on `on`: only while the first period runs."""
    first = deadline(received, regime=regime, country=country, paused_days=paused_days)
    return received <= on <= first


def acknowledgement_due(
    received: datetime.date, *, regime: str = DEFAULT_REGIME, country: str = DEFAULT_COUNTRY
) -> datetime.date | None:
    """The last day to confirm receipt, or None where the regime sets no such step."""
    rule = regime_for(regime)
    if rule.acknowledge_within_working_days is None:
        return None
    return add_working_days(received, rule.acknowledge_within_working_days, country=country)


def days_left(due: datetime.date, today: datetime.date) -> int:
    """Calendar days until the last day (0 on the last day itself, negative when overdue)."""
    return (due - today).days
