from celery import shared_task

from . import jobs


@shared_task(name="dsr.reminders", bind=True)
def send_reminders(self) -> dict:
    return jobs.reminders_send(worker=self.request.hostname or "").summary


@shared_task(name="dsr.close_unconfirmed", bind=True)
def close_unconfirmed(self) -> dict:
    return jobs.requests_close_unconfirmed(worker=self.request.hostname or "").summary
