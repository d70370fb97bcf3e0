"""The statistics table against a hand-counted set of requests: every result, refusals by
ground, a linked repeat, month and year boundaries in the site's time zone."""

import datetime

import pytest
from django.utils import timezone

from privacyops.dsr import services, statistics
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import PrivacyRequest, RequestOutcome

from .factories import submit

pytestmark = pytest.mark.django_db
Result = RequestOutcome.Result
D = datetime.date


def local(y, m, d, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime(y, m, d, hour, minute))


def closed(received, state, at, *, ground="", **fields):
    request = submit(received_at=received, **fields)
    if state is None:
        return request
    PrivacyRequest.objects.filter(pk=request.pk).update(state=state, closed_at=at)
    request.refresh_from_db()
    return services.outcome_record(request, refusal_ground=ground)


@pytest.fixture
def hand_counted():
    a = closed(local(2025, 3, 3), State.COMPLETED, local(2025, 3, 13))  # 10 days
    b = closed(local(2025, 3, 5), State.REFUSED, local(2025, 3, 25), ground="excessive")  # 20
    c = closed(local(2025, 3, 10), State.REDIRECTED, local(2025, 3, 12))  # 2
    d = closed(local(2025, 3, 11), None, None, requester_email="same@example.com")
    closed(local(2025, 3, 15), None, None, requester_email="same@example.com")  # a linked repeat
    PrivacyRequest.objects.filter(pk=d.pk).update(state=State.WITHDRAWN)
    d.refresh_from_db()
    d.closed_at = local(2025, 3, 20)
    d.save()
    services.outcome_record(d)
    e = closed(local(2025, 2, 20), State.COMPLETED, local(2025, 3, 30), request_type="erasure")
    RequestOutcome.objects.filter(pk=e.pk).update(result=Result.COMPLIED_IN_PART)  # 38, late
    # Closed at 23:30 on 31 March in Sofia, which is still March there (21:30 UTC).
    f = closed(
        local(2025, 3, 1),
        State.REFUSED,
        local(2025, 3, 31, 23, 30),
        regime="CCPA",
        ground="identity",
    )  # 30 days
    # Received at 23:30 on New Year's Eve in Sofia: December 2025, closed in January 2026.
    closed(local(2025, 12, 31, 23, 30), State.CLOSED_UNCONFIRMED, local(2026, 1, 20))
    closed(local(2026, 1, 1, 0, 30), State.COMPLETED, local(2026, 1, 5))  # 4 days
    assert [o.on_time for o in (a, b, c, e, f)] == [True, True, True, False, True]
    assert PrivacyRequest.objects.filter(state=State.DUPLICATE).count() == 1


def by_key(rows):
    return {(r.period, r.request_type, r.regime): r for r in rows}


def test_per_month_per_right_and_regime(hand_counted):
    rows = statistics.request_statistics(year=2025, by="month")
    assert [(r.period, r.request_type, r.regime) for r in rows] == [
        (D(2025, 12, 1), "access", "GDPR"),
        (D(2025, 3, 1), "access", "CCPA"),
        (D(2025, 3, 1), "access", "GDPR"),
        (D(2025, 3, 1), "erasure", "GDPR"),
        (D(2025, 2, 1), "erasure", "GDPR"),
    ]
    table = by_key(rows)
    march = table[(D(2025, 3, 1), "access", "GDPR")]
    assert (march.received, march.complied, march.refused, march.redirected) == (4, 1, 1, 1)
    assert (march.withdrawn, march.closed_unconfirmed, march.complied_in_part) == (1, 0, 0)
    assert march.refused_by_ground == {"excessive": 1}
    assert (march.answered, march.median_days, march.on_time_share) == (3, 10, 1)
    assert march.mean_days == pytest.approx(32 / 3)

    part = table[(D(2025, 3, 1), "erasure", "GDPR")]
    assert (part.received, part.complied_in_part, part.answered) == (0, 1, 1)
    assert (part.median_days, part.on_time_share) == (38, 0)
    ccpa = table[(D(2025, 3, 1), "access", "CCPA")]
    assert (ccpa.received, ccpa.refused, ccpa.refused_by_ground, ccpa.median_days) == (
        1,
        1,
        {"identity": 1},
        30,
    )
    assert table[(D(2025, 2, 1), "erasure", "GDPR")].received == 1
    december = table[(D(2025, 12, 1), "access", "GDPR")]
    assert (december.received, december.closed_unconfirmed, december.answered) == (1, 0, 0)
    assert december.median_days is None and december.on_time_share is None


def test_per_year_totals(hand_counted):
    rows = statistics.request_statistics(by="year", group_by=())
    assert [r.period for r in rows] == [D(2026, 1, 1), D(2025, 1, 1)]
    new_year, year = rows
    assert (year.request_type, year.regime) == ("", "")
    assert (year.received, year.complied, year.complied_in_part, year.refused) == (7, 1, 1, 2)
    assert (year.redirected, year.withdrawn, year.closed_unconfirmed) == (1, 1, 0)
    assert year.refused_by_ground == {"excessive": 1, "identity": 1}
    assert (year.answered, year.median_days, year.mean_days, year.on_time_share) == (
        5,
        20,
        20,
        0.8,
    )
    assert (new_year.received, new_year.complied, new_year.closed_unconfirmed) == (1, 1, 1)
    assert (new_year.answered, new_year.median_days) == (1, 4)
    # The same figures as the report's response_times over the calendar year.
    times = statistics.response_times(since=D(2025, 1, 1), until=D(2026, 1, 1))
    assert (times.count, times.median_days, times.mean_days, times.on_time_share) == (
        5,
        20,
        20,
        0.8,
    )


def test_filters_and_the_years_offered(hand_counted):
    erasure = statistics.request_statistics(year=2025, request_type="erasure")
    assert [(r.period, r.received, r.complied_in_part) for r in erasure] == [
        (D(2025, 3, 1), 0, 1),
        (D(2025, 2, 1), 1, 0),
    ]
    ccpa = statistics.request_statistics(year=2025, regime="CCPA", by="year", group_by=())
    assert [(r.period, r.received, r.refused) for r in ccpa] == [(D(2025, 1, 1), 1, 1)]
    by_right = statistics.request_statistics(year=2025, by="year", group_by=("request_type",))
    assert [(r.request_type, r.regime, r.received) for r in by_right] == [
        ("access", "", 6),
        ("erasure", "", 1),
    ]
    assert statistics.years_with_requests() == [2026, 2025]


def test_no_requests_no_rows():
    assert statistics.request_statistics(year=2025) == []
