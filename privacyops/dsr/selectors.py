"""Reads about privacy requests that encode a rule (what is overdue, due soon, whose)."""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from .lifecycle import CLOCK_STOPPED, OPEN
from .models import PrivacyRequest


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
