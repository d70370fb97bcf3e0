"""When to try a webhook delivery again (pure: no Django).

Exponential back-off: the n-th failed attempt waits BASE × 2^(n-1), at most MAX_DELAY; no
attempt is made later than GIVE_UP_AFTER (three days) after the first one, so the last wait is
cut to end at that moment, and after it the delivery has failed for good.
"""

import datetime

BASE = datetime.timedelta(seconds=30)
MAX_DELAY = datetime.timedelta(hours=6)
GIVE_UP_AFTER = datetime.timedelta(days=3)


def delay_after(failures: int) -> datetime.timedelta:
    """The wait after the `failures`-th failed attempt (1 = the first)."""
    if failures < 1:
        return datetime.timedelta(0)
    # 2**n overflows timedelta long before it matters: cap the exponent first.
    return min(BASE * (2 ** min(failures - 1, 32)), MAX_DELAY)


def next_attempt_at(
    *, first_attempt_at: datetime.datetime, failed_at: datetime.datetime, failures: int
) -> datetime.datetime | None:
    """The moment of the next attempt, or None when the three days are over."""
    give_up_at = first_attempt_at + GIVE_UP_AFTER
    if failed_at >= give_up_at:
        return None
    return min(failed_at + delay_after(failures), give_up_at)


def schedule(failures: int) -> list[datetime.timedelta]:
    """The waits of a delivery that always fails, from its first attempt (for the admin help)."""
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    moment, waits = start, []
    for n in range(1, failures + 1):
        following = next_attempt_at(first_attempt_at=start, failed_at=moment, failures=n)
        if following is None:
            break
        waits.append(following - moment)
        moment = following
    return waits
