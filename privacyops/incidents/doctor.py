"""The privacy doctor's checks on incidents (privacyops.core.doctor)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core import doctor

from . import selectors


@doctor.register_check("incidents.overdue", _("Breaches past the 72-hour notification deadline"))
def overdue_incidents() -> list[str]:
    overdue = selectors.past_authority_deadline(now=timezone.now()).order_by(
        "authority_deadline", "pk"
    )
    lines = [
        f"{incident.reference}: the authority was due to be told by "
        f"{incident.authority_deadline:%Y-%m-%d %H:%M}"
        for incident in overdue[: doctor.SHOWN_PER_CHECK]
    ]
    return doctor.limited(lines, overdue.count())
