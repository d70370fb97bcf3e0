from django.urls import reverse
from django.utils import timezone

from privacyops.core import dashboard

from . import selectors
from .models import Channel


@dashboard.register_panel
def marketing_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("marketing.view_subscription"):
        return None
    url = reverse("admin:marketing_subscription_changelist")
    counts = selectors.opt_in_counts()
    return dashboard.Panel(
        title="Marketing consent",
        bars=[
            dashboard.Bar(
                label=f"{label}: opted in",
                value=counts[channel],
                url=f"{url}?channel__exact={channel}&status__exact=subscribed",
            )
            for channel, label in Channel.choices
        ],
        facts=[
            (
                f"Opt-outs in {timezone.localdate():%B %Y}",
                str(selectors.opt_outs_this_month()),
            )
        ],
        link_url=reverse("admin:marketing_subscription_report"),
        link_label="Marketing report",
        order=400,
    )
