"""Admin home: open incidents with the hours left on the authority clock (red under 24)."""

from django.urls import reverse
from django.utils import timezone

from privacyops.core import dashboard

from . import clock, selectors

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
