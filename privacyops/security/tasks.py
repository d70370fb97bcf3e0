from celery import shared_task

from . import confidentiality


@shared_task(name="security.remind_training_renewals")
def remind_training_renewals() -> int:
    return confidentiality.training_reminders_send()
