"""Request statistics an authority, a customer or the CCPA §7102 disclosure asks for.

Selectors over `RequestOutcome` (one row per closed request) and `PrivacyRequest`. Every figure
is aggregated by the database: counts and means with GROUP BY, medians by reading only the one
or two middle rows of each group.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from .models import RequestOutcome


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
