"""Core's models: job runs (jobs.py) and the periodic reviews the policy promises (reviews.py)."""

from .jobs import JobRun
from .reviews import Review, ReviewEvent, ReviewSchedule

__all__ = ["JobRun", "Review", "ReviewEvent", "ReviewSchedule"]
