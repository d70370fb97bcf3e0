"""Controls the incidents app operates (privacyops.core.controls)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacyops.core import controls

from . import selectors
from .models import AuthorityNotification

NOTIFIED_OVER = datetime.timedelta(days=365)


@controls.register_control(
    key="incidents.breach-clock",
    title="Incidents are handled and breaches notified within 72 hours",
    app="incidents",
    description="No incident is past its 72-hour authority deadline; notifications over the "
    "last 12 months were submitted in time.",
)
def breach_clock(now: datetime.datetime) -> controls.Evidence:
    url = reverse("admin:incidents_incident_changelist")
    running = selectors.clock_running()
    on_clock = running.count()
    past = selectors.past_authority_deadline(now=now).count()
    submitted = AuthorityNotification.objects.filter(
        phase=AuthorityNotification.Phase.INITIAL,
        status=AuthorityNotification.Status.SUBMITTED,
        submitted_at__gte=now - NOTIFIED_OVER,
    )
    total = submitted.count()
    open_count = selectors.open_incidents().count()
    late = submitted.filter(late=True).count()
    return controls.Evidence.of(
        [
            controls.Fact(
                ngettext(
                    "%(open)d incident open; %(clock)d on the 72-hour clock, %(past)d past it.",
                    "%(open)d incidents open; %(clock)d on the 72-hour clock, %(past)d past it.",
                    open_count,
                )
                % {"open": open_count, "clock": on_clock, "past": past},
                f"{url}?open=yes",
                at_risk=past > 0,
            ),
            controls.Fact(
                _(
                    "%(on_time)d of %(total)d authority notifications over 12 months submitted "
                    "within 72 hours."
                )
                % {"on_time": total - late, "total": total},
                reverse("admin:incidents_authoritynotification_changelist"),
                at_risk=late > 0,
            ),
        ]
    )
