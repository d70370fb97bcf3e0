from celery import shared_task

from . import jobs


@shared_task(name="dsr.reminders")
def send_reminders() -> dict:
    return jobs.reminders_send().summary


@shared_task(name="dsr.close_unconfirmed")
def close_unconfirmed() -> dict:
    return jobs.requests_close_unconfirmed().summary
