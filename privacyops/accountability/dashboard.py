"""Admin home: the last stored accountability report's counts, and the way to the live one.

The live report computes every control (some read whole tables); the home page shows the
stored monthly figures instead and links to the page that computes them now.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from privacyops.core import dashboard

from .models import AccountabilityReport


@dashboard.register_panel
def accountability_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("accountability.view_policyparagraph"):
        return None
    last = AccountabilityReport.objects.order_by("-generated_at", "-id").first()
    stored = reverse("admin:accountability_accountabilityreport_changelist")
    if last is None:
        return dashboard.Panel(
            title=_("Accountability (privacy-policy promises)"),
            facts=[(_("Last stored report"), _("none yet (beat stores one on the 1st)"))],
            link_url=reverse("admin:accountability_policyparagraph_report"),
            link_label=_("Accountability report (live)"),
            order=120,
        )
    live = reverse("admin:accountability_policyparagraph_report")
    return dashboard.Panel(
        title=_("Accountability (privacy-policy promises)"),
        bars=[
            dashboard.Bar(_("Kept"), last.promises_kept, f"{live}?status=kept"),
            dashboard.Bar(
                _("At risk"),
                last.promises_at_risk,
                f"{live}?status=at_risk",
                tone="alert" if last.promises_at_risk else "",
            ),
            dashboard.Bar(
                _("Not operated"),
                last.promises_not_operated,
                f"{live}?status=not_operated",
                tone="warn" if last.promises_not_operated else "",
            ),
        ],
        facts=[(_("As of the stored report of"), f"{last.generated_at:%d %b %Y %H:%M}")],
        link_url=stored,
        link_label=_("Stored reports"),
        order=120,
    )
