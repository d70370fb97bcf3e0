"""My work (core/my_work.py) from incidents: incidents whose 72-hour clock runs, for their
handler (or anyone in Legal while nobody handles them), fewest hours left first."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacyops.core.my_work import WorkItem, WorkSection, register_work

from . import selectors

WARN_HOURS = 24


@register_work
def incidents_on_the_clock(user) -> WorkSection | None:
    if not user.has_perm("incidents.change_incident"):
        return None
    now = timezone.now()
    running = (
        selectors.clock_running()
        .filter(Q(handler=user) | Q(handler__isnull=True))
        .order_by("aware_at", "id")
    )
    items = []
    for incident in running[:50]:
        hours = incident.hours_left(now)
        if hours is None:
            continue
        detail = (
            _("%(hours)d hour(s) overdue") % {"hours": -hours}
            if hours < 0
            else _("%(hours)d hour(s) left to notify the authority") % {"hours": hours}
        )
        if incident.handler_id is None:
            detail = _("%(detail)s — nobody handles it yet") % {"detail": detail}
        items.append(
            WorkItem(
                title=str(incident),
                detail=detail,
                url=reverse("admin:incidents_incident_change", args=[incident.pk]),
                tone="alert" if hours < WARN_HOURS else "warn",
                rank=hours / 24,
            )
        )
    return WorkSection(
        key="incidents",
        title=gettext_lazy("Incidents on the clock (72 hours)"),
        items=items,
        link_url=reverse("admin:incidents_incident_changelist"),
        link_label=gettext_lazy("The incident register"),
        order=5,
    )
