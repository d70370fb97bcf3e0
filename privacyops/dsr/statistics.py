"""Request statistics an authority, a customer or the CCPA §7102 disclosure asks for.

Selectors over `RequestOutcome` (one row per closed request) and `PrivacyRequest`. Every figure
is aggregated by the database: counts and means with GROUP BY, medians by reading only the one
or two middle rows of each group.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, DateField, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Trunc
from django.utils import timezone

from privacyops.core.dashboard import monthly_counts, monthly_counts_by

from .lifecycle import State
from .models import PrivacyRequest, RequestOutcome


@dataclass(frozen=True)
class ResponseTimes:
    """How fast requests were answered: count, median and mean days, share within the deadline."""

    count: int
    median_days: float | None
    mean_days: float | None
    on_time_share: float | None  # 0..1; None when nothing was answered
    on_time: int = 0


def _moment(value: datetime.date | datetime.datetime | None) -> datetime.datetime | None:
    """A date means the start of that day in the site's time zone."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


Result = RequestOutcome.Result
# What counts as an answer to the requester (and so in the days to respond and the on-time
# share): compliance in whole or in part, a refusal, a redirection to the customer. A request
# withdrawn or never confirmed was closed without an answer being owed.
ANSWERED = (Result.COMPLIED, Result.COMPLIED_IN_PART, Result.REFUSED, Result.REDIRECTED)


def answered_outcomes(
    *, since: datetime.date | datetime.datetime | None = None, until=None
) -> QuerySet[RequestOutcome]:
    """Outcomes of requests answered in [since, until)."""
    rows = RequestOutcome.objects.filter(result__in=ANSWERED)
    if since is not None:
        rows = rows.filter(completed_at__gte=_moment(since))
    if until is not None:
        rows = rows.filter(completed_at__lt=_moment(until))
    return rows


def median_days(rows: QuerySet[RequestOutcome], count: int) -> float | None:
    """The median of response_days over `rows` (of which there are `count`): the database
    sorts, and only the middle one or two values are read."""
    if not count:
        return None
    middle = list(
        rows.order_by("response_days").values_list("response_days", flat=True)[
            (count - 1) // 2 : count // 2 + 1
        ]
    )
    return sum(middle) / len(middle)


def response_times(*, since: datetime.date | datetime.datetime, until=None) -> ResponseTimes:
    """Requests answered from `since` (inclusive) to `until` (exclusive; default: now)."""
    rows = answered_outcomes(since=since, until=until)
    totals = rows.aggregate(
        count=Count("pk"), mean=Avg("response_days"), on_time=Count("pk", filter=Q(on_time=True))
    )
    count = totals["count"]
    return ResponseTimes(
        count=count,
        median_days=median_days(rows, count),
        mean_days=None if totals["mean"] is None else float(totals["mean"]),
        on_time_share=totals["on_time"] / count if count else None,
        on_time=totals["on_time"],
    )


# --- The table by period, right and regime ---------------------------------------------------

Ground = RequestOutcome.RefusalGround
RESULT_COLUMNS = {
    Result.COMPLIED: "complied",
    Result.COMPLIED_IN_PART: "complied_in_part",
    Result.REFUSED: "refused",
    Result.REDIRECTED: "redirected",
    Result.WITHDRAWN: "withdrawn",
    Result.CLOSED_UNCONFIRMED: "closed_unconfirmed",
}
GROUPINGS = ("request_type", "regime")


@dataclass(frozen=True)
class StatisticsRow:
    """One period (a month or a year) and, unless totalled, one right and one regime.

    `received` counts requests received in the period (a repeat linked to its original is not
    a request of its own); the outcomes count requests closed in the period, and the days to
    respond and on-time share are over those answered in it (see ANSWERED)."""

    period: datetime.date  # the first day of the month or year
    request_type: str  # "" when totalled over every right
    regime: str  # "" when totalled over every regime
    received: int = 0
    complied: int = 0
    complied_in_part: int = 0
    refused: int = 0
    refused_by_ground: dict = field(default_factory=dict)
    redirected: int = 0
    withdrawn: int = 0
    closed_unconfirmed: int = 0
    answered: int = 0
    on_time: int = 0
    median_days: float | None = None
    mean_days: float | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


def period_bounds(year: int | None) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    if year is None:
        return None, None
    return _moment(datetime.date(year, 1, 1)), _moment(datetime.date(year + 1, 1, 1))


def _period(field_name: str, by: str):
    kind = {"month": "month", "year": "year"}[by]
    return Trunc(field_name, kind, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def _within(rows: QuerySet, field_name: str, year, request_type, regime) -> QuerySet:
    since, until = period_bounds(year)
    if since is not None:
        rows = rows.filter(**{f"{field_name}__gte": since, f"{field_name}__lt": until})
    if request_type:
        rows = rows.filter(request_type=request_type)
    if regime:
        rows = rows.filter(regime=regime)
    return rows


def _received(keys, by, year, request_type, regime) -> dict[tuple, int]:
    rows = _within(
        PrivacyRequest.objects.exclude(state=State.DUPLICATE),
        "received_at",
        year,
        request_type,
        regime,
    )
    rows = rows.annotate(period=_period("received_at", by)).values("period", *keys)
    return {
        (row["period"], *(row[k] for k in keys)): row["n"]
        for row in rows.annotate(n=Count("pk")).order_by()
    }


def _outcomes(keys, by, year, request_type, regime) -> dict[tuple, dict]:
    rows = _within(RequestOutcome.objects.all(), "completed_at", year, request_type, regime)
    answered = Q(result__in=ANSWERED)
    counts = {
        column: Count("pk", filter=Q(result=result)) for result, column in RESULT_COLUMNS.items()
    }
    counts |= {
        f"ground_{ground}": Count("pk", filter=Q(result=Result.REFUSED, refusal_ground=ground))
        for ground in Ground.values
    }
    rows = (
        rows.annotate(period=_period("completed_at", by))
        .values("period", *keys)
        .annotate(
            **counts,
            answered=Count("pk", filter=answered),
            on_time=Count("pk", filter=answered & Q(on_time=True)),
            mean_days=Avg("response_days", filter=answered),
        )
        .order_by()
    )
    return {(row["period"], *(row[k] for k in keys)): row for row in rows}


def _medians(keys, by, year, request_type, regime) -> dict[tuple, float]:
    """The median days to respond of each group: the database numbers the answered rows of
    each group in order of days, and only the one or two middle rows come back."""
    rows = _within(
        RequestOutcome.objects.filter(result__in=ANSWERED),
        "completed_at",
        year,
        request_type,
        regime,
    )
    partition = [_period("completed_at", by), *(F(k) for k in keys)]
    rows = (
        rows.annotate(
            period=_period("completed_at", by),
            position=Window(RowNumber(), partition_by=partition, order_by=F("response_days").asc()),
            size=Window(Count("pk"), partition_by=partition),
        )
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=F("size") / 2 + 1))
        .values_list("period", *keys, "response_days")
    )
    middle: dict[tuple, list[int]] = {}
    for *key, days in rows:
        middle.setdefault(tuple(key), []).append(days)
    return {key: sum(values) / len(values) for key, values in middle.items()}


def request_statistics(
    *,
    year: int | None = None,
    by: str = "month",
    request_type: str = "",
    regime: str = "",
    group_by: tuple[str, ...] = GROUPINGS,
) -> list[StatisticsRow]:
    """The statistics per month (or year) of `year` (default: every year), per right and per
    regime unless `group_by` leaves them out (then totalled), newest period first."""
    keys = tuple(k for k in GROUPINGS if k in group_by)
    args = (keys, by, year, request_type, regime)
    received, outcomes, medians = _received(*args), _outcomes(*args), _medians(*args)
    table = []
    for key in sorted(set(received) | set(outcomes), key=_sort_key):
        values = dict(zip(("period", *keys), key, strict=True))
        row = outcomes.get(key, {})
        table.append(
            StatisticsRow(
                period=values["period"],
                request_type=values.get("request_type", ""),
                regime=values.get("regime", ""),
                received=received.get(key, 0),
                **{column: row.get(column, 0) for column in RESULT_COLUMNS.values()},
                refused_by_ground={
                    ground: row[f"ground_{ground}"]
                    for ground in Ground.values
                    if row.get(f"ground_{ground}")
                },
                answered=row.get("answered", 0),
                on_time=row.get("on_time", 0),
                median_days=medians.get(key),
                mean_days=None if row.get("mean_days") is None else float(row["mean_days"]),
            )
        )
    return table


def _sort_key(key: tuple):
    period, *rest = key
    return (-period.toordinal(), *rest)


def years_with_requests() -> list[int]:
    """The calendar years in which any request was received or closed, newest first."""
    received = PrivacyRequest.objects.datetimes("received_at", "year")
    closed = RequestOutcome.objects.datetimes("completed_at", "year")
    return sorted({d.year for d in received} | {d.year for d in closed}, reverse=True)


# --- Per month, for the admin home's charts --------------------------------------------------


def received_per_month_by_right(*, months: list[datetime.date]) -> dict[str, list[int]]:
    rows = PrivacyRequest.objects.exclude(state=State.DUPLICATE)
    return monthly_counts_by(rows, "received_at", months, by="request_type")


def closed_per_month_by_right(*, months: list[datetime.date]) -> dict[str, list[int]]:
    return monthly_counts_by(
        RequestOutcome.objects.all(), "completed_at", months, by="request_type"
    )


def on_time_per_month(*, months: list[datetime.date]) -> tuple[list[int], list[int]]:
    """(answered, of which within the deadline) for each month."""
    answered = answered_outcomes()
    return (
        monthly_counts(answered, "completed_at", months),
        monthly_counts(answered.filter(on_time=True), "completed_at", months),
    )
