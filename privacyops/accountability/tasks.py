from celery import shared_task

from . import jobs


@shared_task(name="accountability.monthly_report", bind=True)
def monthly_report(self) -> dict:
    return jobs.monthly_report_store(worker=self.request.hostname or "").summary
