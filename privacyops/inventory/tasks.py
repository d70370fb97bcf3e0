from celery import shared_task

from . import services


@shared_task(name="inventory.vendor_review_reminders")
def vendor_review_reminders() -> int:
    return services.vendor_reviews_remind()
