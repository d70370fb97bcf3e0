from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from . import roles
from .models import JobRun


def last_heartbeat() -> JobRun | None:
    return JobRun.objects.filter(job="heartbeat").order_by("-started_at").first()


def recent_job_runs(*, limit: int = 8, exclude_heartbeats: bool = True) -> list[JobRun]:
    runs = JobRun.objects.all()
    if exclude_heartbeats:
        runs = runs.exclude(job="heartbeat")
    return list(runs.order_by("-started_at")[:limit])


def legal_staff() -> QuerySet:
    """Active members of the Legal department: who handles requests, who is told when one is
    overdue."""
    return (
        get_user_model()
        .objects.filter(groups__name=roles.LEGAL, is_active=True)
        .order_by("username")
    )
