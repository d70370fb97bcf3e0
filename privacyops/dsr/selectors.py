"""Reads about privacy requests that encode a rule: what is overdue, due soon, whose; what
fulfilment still waits for, how fast requests are answered."""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from . import statistics
from .lifecycle import CLOCK_STOPPED, OPEN
from .models import (
    AccessPackage,
    CustomerDataForward,
    PrivacyRequest,
    RecipientNotification,
)


def open_requests() -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(state__in=list(OPEN))


def clock_running() -> QuerySet[PrivacyRequest]:
    """Open requests whose legal clock is running (not waiting for identity)."""
    return open_requests().exclude(state__in=list(CLOCK_STOPPED))


def overdue(*, today: datetime.date | None = None) -> QuerySet[PrivacyRequest]:
    return clock_running().filter(due_date__lt=today or timezone.localdate())


def due_within(*, days: int, today: datetime.date | None = None) -> QuerySet[PrivacyRequest]:
    today = today or timezone.localdate()
    return clock_running().filter(
        due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
    )


def open_by_state() -> dict[str, int]:
    rows = open_requests().values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def notifications_pending() -> QuerySet[RecipientNotification]:
    """Art. 19 notifications of open requests not yet marked sent or impossible."""
    return RecipientNotification.objects.filter(
        status=RecipientNotification.Status.PENDING, request__state__in=list(OPEN)
    )


def packages_in_progress() -> QuerySet[AccessPackage]:
    return AccessPackage.objects.filter(
        status__in=[AccessPackage.Status.QUEUED, AccessPackage.Status.BUILDING]
    )


def forwards_awaiting_instruction() -> QuerySet[CustomerDataForward]:
    return CustomerDataForward.objects.filter(instruction="")


def response_times(*, since: datetime.datetime | None = None) -> dict:
    """Requests answered since a date (default: 12 months): count, median days, share in time.

    The figures an authority asks for, from `statistics.response_times` (refusals and
    redirects count as answers).
    """
    times = statistics.response_times(since=since or timezone.now() - datetime.timedelta(days=365))
    return {
        "answered": times.count,
        "median_days": times.median_days,
        "on_time_percent": None
        if times.on_time_share is None
        else round(100 * times.on_time_share),
    }
