"""response_times: count, median, mean and on-time share of requests answered in a period."""

import datetime

import pytest
from django.utils import timezone

from privacyops.dsr import statistics
from privacyops.dsr.models import RequestOutcome

from .factories import submit

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12, 0))


def answered(*, on, days, on_time=True):
    request = submit(received_at=on - datetime.timedelta(days=days))
    return RequestOutcome.objects.create(
        request=request,
        request_type=request.request_type,
        received_at=request.received_at,
        completed_at=on,
        response_days=days,
        due_date=request.due_date,
        on_time=on_time,
    )


def test_nothing_answered():
    times = statistics.response_times(since=at(2025, 1, 1))
    assert times == statistics.ResponseTimes(
        count=0, median_days=None, mean_days=None, on_time_share=None, on_time=0
    )


def test_median_mean_and_share_of_an_even_and_an_odd_count():
    for days, ok in [(3, True), (10, True), (20, True), (40, False)]:
        answered(on=at(2025, 3, 15), days=days, on_time=ok)
    answered(on=at(2025, 4, 1), days=100, on_time=False)  # outside the window
    answered(on=at(2025, 2, 28), days=1)  # before it

    times = statistics.response_times(since=datetime.date(2025, 3, 1), until=at(2025, 4, 1))
    assert times.count == 4
    assert times.median_days == 15  # (10 + 20) / 2
    assert times.mean_days == pytest.approx(18.25)
    assert times.on_time_share == 0.75

    odd = statistics.response_times(since=datetime.date(2025, 3, 1))
    assert (odd.count, odd.median_days, odd.on_time) == (5, 20, 3)
