"""The breach clock of GDPR Art. 33(1): 72 elapsed hours from awareness. No Django here.

Hours, not working days: weekends, public holidays and daylight-saving changes all count as
the hours they really are. The arithmetic is done in UTC and the answer is given back in the
time zone the awareness was recorded in, so 01:30 Sofia time on the Friday before the October
change plus 72 h is 00:30 on the Monday (the night of the change had 25 hours).
A naive datetime is refused: without a time zone the moment is not known.
"""

import datetime
import math

NOTIFICATION_HOURS = 72
REMINDER_HOURS = (24, 48, 66)  # elapsed hours after awareness at which Legal is reminded
URGENT_HOURS_LEFT = 24  # under this many hours left, the clock is shown in red

__all__ = [
    "NOTIFICATION_HOURS",
    "REMINDER_HOURS",
    "URGENT_HOURS_LEFT",
    "NaiveDatetimeError",
    "hours_elapsed",
    "hours_left",
    "is_overdue",
    "notification_deadline",
    "reminders_due",
    "whole_hours_left",
]


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone (the moment it names is unknown)."""


def _require_aware(value: datetime.datetime, name: str) -> None:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a datetime.datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{name} must be timezone-aware (e.g. Europe/Sofia or UTC); got the naive "
            f"datetime {value.isoformat()}, which does not name one moment."
        )


def _seconds_between(start: datetime.datetime, end: datetime.datetime) -> float:
    # Python subtracts two datetimes that share a tzinfo by their wall clocks, ignoring a DST
    # change between them; in UTC the difference is the real elapsed time.
    return (end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)).total_seconds()


def notification_deadline(aware_at: datetime.datetime) -> datetime.datetime:
    """The moment the supervisory authority must have been notified (GDPR Art. 33(1)).

    Exactly 72 elapsed hours after `aware_at`, in `aware_at`'s own time zone.
    """
    _require_aware(aware_at, "aware_at")
    tz = aware_at.tzinfo
    in_utc = aware_at.astimezone(datetime.UTC)
    return (in_utc + datetime.timedelta(hours=NOTIFICATION_HOURS)).astimezone(tz)


def hours_elapsed(aware_at: datetime.datetime, now: datetime.datetime) -> float:
    """Real hours since awareness (negative if `now` is before it)."""
    _require_aware(aware_at, "aware_at")
    _require_aware(now, "now")
    return _seconds_between(aware_at, now) / 3600


def hours_left(aware_at: datetime.datetime, now: datetime.datetime) -> float:
    """Real hours until the deadline; negative once it has passed."""
    _require_aware(now, "now")
    return _seconds_between(now, notification_deadline(aware_at)) / 3600


def whole_hours_left(aware_at: datetime.datetime, now: datetime.datetime) -> int:
    """Hours left rounded down (a clock showing 23 means under 24); negative when overdue."""
    return math.floor(hours_left(aware_at, now))


def is_overdue(aware_at: datetime.datetime, now: datetime.datetime) -> bool:
    return hours_left(aware_at, now) < 0


def reminders_due(aware_at: datetime.datetime, now: datetime.datetime) -> list[int]:
    """The reminder marks (24, 48, 66 h) that have been reached by `now`, oldest first."""
    elapsed = hours_elapsed(aware_at, now)
    return [mark for mark in REMINDER_HOURS if elapsed >= mark]
