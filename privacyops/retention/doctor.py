"""The privacy doctor's checks on retention (privacyops.core.doctor)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core import doctor

from . import selectors
from .models import PurgeRun


@doctor.register_check("retention.leases", _("Purge runs past their lease"))
def purges_past_lease() -> list[str]:
    """A run still marked running whose rule's lease lapsed: its worker died (the next run of
    the rule marks it interrupted and resumes it)."""
    now = timezone.now()
    dead = (
        PurgeRun.objects.filter(status=PurgeRun.Status.RUNNING)
        .exclude(rule__lease_expires_at__gt=now)
        .select_related("rule")
        .order_by("pk")
    )
    lines = [
        f"purge run #{run.pk} of {run.rule.code}: running, but its lease lapsed"
        + (f" at {run.rule.lease_expires_at:%Y-%m-%d %H:%M}" if run.rule.lease_expires_at else "")
        for run in dead[: doctor.SHOWN_PER_CHECK]
    ]
    return doctor.limited(lines, dead.count())


@doctor.register_check("retention.holds", _("Legal holds past their end date, not released"))
def holds_past_end() -> list[str]:
    past = selectors.holds_past_end().order_by("ends_on", "pk")
    lines = [
        f"hold #{hold.pk} ({hold.matter}) ended on {hold.ends_on:%Y-%m-%d}: release or extend it"
        for hold in past[: doctor.SHOWN_PER_CHECK]
    ]
    return doctor.limited(lines, past.count())
