from celery import shared_task

from . import jobs, notices


@shared_task(name="incidents.clock_reminders", bind=True)
def clock_reminders(self) -> dict:
    return jobs.clock_reminders_send(worker=self.request.hostname or "").summary


@shared_task(name="incidents.security_txt_renew", bind=True)
def security_txt_renew(self) -> dict:
    return jobs.security_txt_renew(worker=self.request.hostname or "").summary


@shared_task(name="incidents.communicate_subjects", bind=True)
def communicate_subjects(self, communication_id: int) -> dict:
    run = notices.subject_communication_send(
        communication_id=communication_id, worker=self.request.hostname or ""
    )
    return run.summary
