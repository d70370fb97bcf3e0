from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from privacyops.core import dashboard

from . import selectors
from .models import Channel, OptOut, OptOutMethod


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


@dashboard.register_panel
def opt_outs_chart(user) -> dashboard.Panel | None:
    """Opt-outs received per month over the last twelve, by the way they reached us."""
    if not user.has_perm("marketing.view_optout"):
        return None
    months = dashboard.chart_months()
    counts = dashboard.monthly_counts_by(OptOut.objects.all(), "received_at", months, by="method")
    series = [(str(label), counts[code]) for code, label in OptOutMethod.choices if code in counts]
    title = _("Opt-outs received per month, by how they reached us")
    return dashboard.Panel(
        title=title,
        chart=dashboard.monthly_chart(
            title, months, series or [(_("Opt-outs"), [0] * len(months))]
        ),
        link_url=reverse("admin:marketing_optout_changelist"),
        link_label=_("Register of opt-outs"),
        order=410,
    )
