"""The monthly job: compute the accountability report and keep it, dated, in the admin."""

from privacyops.core import services as core_services
from privacyops.core.models import JobRun

from . import services


def monthly_report_store(*, worker: str = "") -> JobRun:
    run = core_services.job_run_start(job=services.REPORT_JOB, total=1, worker=worker)
    try:
        stored = services.report_store(job_run=run)
    except Exception as error:
        core_services.job_run_finish(run=run, status=JobRun.Status.FAILED, detail=repr(error))
        raise
    run.progress_done = 1
    return core_services.job_run_finish(
        run=run,
        summary={
            "report": stored.pk,
            "paragraphs": stored.paragraphs,
            "kept": stored.promises_kept,
            "at_risk": stored.promises_at_risk,
            "not_operated": stored.promises_not_operated,
        },
    )
