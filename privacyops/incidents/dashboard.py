"""Admin home: open incidents with the hours left on the authority clock (red under 24)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from privacyops.core import dashboard

from . import clock, selectors
from .models import Incident

WARN_HOURS = 48


def hours_tone(hours: int) -> str:
    if hours < clock.URGENT_HOURS_LEFT:
        return "alert"
    return "warn" if hours < WARN_HOURS else ""


@dashboard.register_panel
def incidents_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("incidents.view_incident"):
        return None
    now = timezone.now()
    bars = []
    for incident in selectors.clock_running().order_by("authority_deadline")[:10]:
        hours = incident.hours_left(now)
        text = f"{-hours} h overdue" if hours < 0 else f"{hours} h left"
        bars.append(
            dashboard.Bar(
                label=f"{incident.reference}: {incident.title} — {text}",
                value=max(hours, 0),
                url=reverse("admin:incidents_incident_change", args=[incident.pk]),
                tone=hours_tone(hours),
            )
        )
    open_incidents = selectors.open_incidents()
    url = reverse("admin:incidents_incident_changelist")
    return dashboard.Panel(
        title="Security incidents: hours left to notify the authority",
        bars=bars,
        facts=[
            ("Open incidents", str(open_incidents.count())),
            ("Awaiting triage", str(open_incidents.filter(state="reported").count())),
            ("Clock running", str(selectors.clock_running().count())),
        ],
        link_url=f"{url}?open=yes",
        link_label="Open incidents",
        order=150,
    )


def open_at_month_ends(months: list) -> list[int]:
    """How many incidents were open (reported, not yet closed) at the end of each month (for
    this month: now), counted by the database in one query."""
    now = timezone.now()
    ends = [
        min(now, timezone.make_aware(datetime.datetime.combine(next_month(m), datetime.time.min)))
        for m in months
    ]
    counts = Incident.objects.aggregate(
        **{
            f"m{i}": Count(
                "pk",
                filter=Q(reported_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)),
            )
            for i, end in enumerate(ends)
        }
    )
    return [counts[f"m{i}"] for i in range(len(months))]


def next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dashboard.register_panel
def open_incidents_chart(user) -> dashboard.Panel | None:
    if not user.has_perm("incidents.view_incident"):
        return None
    months = dashboard.chart_months()
    title = _("Incidents open at the end of each month")
    return dashboard.Panel(
        title=title,
        chart=dashboard.monthly_chart(
            title,
            months,
            [(_("Open incidents"), open_at_month_ends(months))],
            description=_("This month: open now."),
        ),
        link_url=reverse("admin:incidents_incident_changelist") + "?open=yes",
        link_label=_("Open incidents"),
        order=151,
    )
