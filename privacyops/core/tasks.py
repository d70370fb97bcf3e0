from celery import shared_task

from . import services


@shared_task(name="core.heartbeat", bind=True)
def heartbeat(self) -> int:
    return services.heartbeat_record(worker=self.request.hostname or "").pk


@shared_task(name="core.periodic_reviews")
def periodic_reviews() -> dict:
    from . import reviews

    return reviews.reviews_run()
