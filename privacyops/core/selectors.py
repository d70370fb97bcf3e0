from .models import JobRun


def last_heartbeat() -> JobRun | None:
    return JobRun.objects.filter(job="heartbeat").order_by("-started_at").first()


def recent_job_runs(*, limit: int = 8, exclude_heartbeats: bool = True) -> list[JobRun]:
    runs = JobRun.objects.all()
    if exclude_heartbeats:
        runs = runs.exclude(job="heartbeat")
    return list(runs.order_by("-started_at")[:limit])
