"""The admin home's webhooks panel: what is still being delivered, and what failed for good."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from privacyops.core import dashboard

from .models import WebhookDelivery


@dashboard.register_panel
def deliveries_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("webhooks.view_webhookdelivery"):
        return None
    url = reverse("admin:webhooks_webhookdelivery_changelist")
    Status = WebhookDelivery.Status
    week_ago = timezone.now() - datetime.timedelta(days=7)
    return dashboard.Panel(
        title=_("Webhooks to recipients"),
        bars=[
            dashboard.Bar(
                label=_("Being delivered (retrying)"),
                value=WebhookDelivery.objects.filter(status=Status.PENDING).count(),
                url=f"{url}?status__exact={Status.PENDING}",
                tone="warn",
            ),
            dashboard.Bar(
                label=_("Failed for good: redeliver or tell them another way"),
                value=WebhookDelivery.objects.filter(status=Status.FAILED).count(),
                url=f"{url}?status__exact={Status.FAILED}",
                tone="alert",
            ),
            dashboard.Bar(
                label=_("Acknowledged in the last 7 days"),
                value=WebhookDelivery.objects.filter(
                    status=Status.ACKNOWLEDGED, acknowledged_at__gte=week_ago
                ).count(),
                url=f"{url}?status__exact={Status.ACKNOWLEDGED}",
            ),
        ],
        link_url=url,
        link_label=_("Delivery log"),
        order=650,
    )
