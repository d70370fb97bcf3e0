from celery import shared_task

from . import services


@shared_task(name="webhooks.deliver")
def webhook_deliver(delivery_id: int) -> dict:
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return {"delivery": delivery_id, "status": delivery.status if delivery else "not due"}


@shared_task(name="webhooks.deliver_due", bind=True)
def webhooks_deliver_due(self) -> dict:
    return services.deliveries_due_send(worker=self.request.hostname or "")
