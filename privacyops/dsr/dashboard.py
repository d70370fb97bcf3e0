"""The admin home's panels about privacy requests: open requests, and their fulfilment."""

from django.urls import reverse
from django.utils.translation import gettext as _

from privacyops.core import dashboard

from . import selectors, statistics
from .lifecycle import LABELS, OPEN, State
from .models import RequestType


@dashboard.register_panel
def requests_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("dsr.view_privacyrequest"):
        return None
    url = reverse("admin:dsr_privacyrequest_changelist")
    by_state = selectors.open_by_state()
    overdue = selectors.overdue().count()
    due_this_week = selectors.due_within(days=7).count()
    return dashboard.Panel(
        title="Privacy requests",
        bars=[
            dashboard.Bar(
                label=LABELS[state],
                value=by_state.get(state, 0),
                url=f"{url}?state__exact={state.value}",
            )
            for state in State
            if state in OPEN
        ],
        facts=[
            ("Overdue", str(overdue)),
            ("Due within 7 days", str(due_this_week)),
        ],
        link_url=f"{url}?view=open",
        link_label="Open privacy requests",
        order=200,
    )


@dashboard.register_panel
def fulfilment_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("dsr.view_recipientnotification"):
        return None
    times = selectors.response_times()
    notices = reverse("admin:dsr_recipientnotification_changelist")
    return dashboard.Panel(
        title="Fulfilment of privacy requests",
        bars=[
            dashboard.Bar(
                label="Recipient notifications to send (Art. 19)",
                value=selectors.notifications_pending().count(),
                url=f"{notices}?status__exact=pending",
                tone="warn",
            ),
            dashboard.Bar(
                label="Access packages being built",
                value=selectors.packages_in_progress().count(),
                url=reverse("admin:dsr_accesspackage_changelist"),
            ),
            dashboard.Bar(
                label="Forwarded to customers, no instruction yet",
                value=selectors.forwards_awaiting_instruction().count(),
                url=reverse("admin:dsr_customerdataforward_changelist"),
            ),
        ],
        facts=[
            ("Answered in the last 12 months", str(times["answered"])),
            (
                "Median days to answer",
                "—" if times["median_days"] is None else f"{times['median_days']:g}",
            ),
            (
                "Answered in time",
                "—" if times["on_time_percent"] is None else f"{times['on_time_percent']}%",
            ),
        ],
        link_url=reverse("admin:dsr_requestoutcome_changelist"),
        link_label="Response times",
        order=210,
    )


# --- Charts over the last twelve months (figures from privacyops.dsr.statistics) -------------


def _by_right_panel(user, *, title, per_month, order: int) -> dashboard.Panel | None:
    """A chart of requests per month, one series per right (received or closed)."""
    if not user.has_perm("dsr.view_requestoutcome"):
        return None
    months = dashboard.chart_months()
    counts = per_month(months=months)
    series = [(str(label), counts[code]) for code, label in RequestType.choices if code in counts]
    return dashboard.Panel(
        title=title,
        chart=dashboard.monthly_chart(
            title, months, series or [(_("Requests"), [0] * len(months))]
        ),
        link_url=reverse("admin:dsr_requestoutcome_statistics"),
        link_label=_("Request statistics"),
        order=order,
    )


@dashboard.register_panel
def requests_received_chart(user) -> dashboard.Panel | None:
    return _by_right_panel(
        user,
        title=_("Privacy requests received per month, by right"),
        per_month=statistics.received_per_month_by_right,
        order=220,
    )


@dashboard.register_panel
def requests_closed_chart(user) -> dashboard.Panel | None:
    return _by_right_panel(
        user,
        title=_("Privacy requests closed per month, by right"),
        per_month=statistics.closed_per_month_by_right,
        order=221,
    )


@dashboard.register_panel
def on_time_chart(user) -> dashboard.Panel | None:
    if not user.has_perm("dsr.view_requestoutcome"):
        return None
    months = dashboard.chart_months()
    answered, on_time = statistics.on_time_per_month(months=months)
    shares = [round(100 * ok / n) if n else 0 for ok, n in zip(on_time, answered, strict=True)]
    title = _("Share of requests answered within the legal deadline, per month")
    return dashboard.Panel(
        title=title,
        chart=dashboard.monthly_chart(
            title,
            months,
            [(_("Answered in time"), shares)],
            unit="%",
            max_value=100,
            blank=frozenset(i for i, n in enumerate(answered) if not n),
            description=_(
                "Refusals and redirections count as answers; months with none are blank."
            ),
        ),
        facts=[(_("Answered in these twelve months"), str(sum(answered)))],
        link_url=reverse("admin:dsr_requestoutcome_statistics"),
        link_label=_("Request statistics"),
        order=222,
    )
