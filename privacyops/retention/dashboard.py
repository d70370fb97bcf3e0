from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from privacyops.core import dashboard

from . import selectors
from .models import PurgeRun


@dashboard.register_panel
def retention_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("retention.view_purgerun"):
        return None
    days = settings.RETENTION_HOLD_EXPIRY_NOTICE_DAYS
    numbers = selectors.dashboard_numbers(notice_days=days)
    run = numbers["last_run"]
    holds_url = reverse("admin:retention_legalhold_changelist")
    last = (
        f"{run.rule.name}: {run.get_status_display()}, {run.started_at:%d %b %H:%M}, "
        f"{run.rows_disposed} disposed of, {run.rows_skipped_held} kept under hold"
        if run
        else "never"
    )
    return dashboard.Panel(
        title="Retention and legal holds",
        bars=[
            dashboard.Bar("Records purged, last 30 days", numbers["purged_30_days"]),
            dashboard.Bar("Legal holds in force", numbers["holds_active"], holds_url),
            dashboard.Bar(
                f"Holds ending within {days} days",
                numbers["holds_expiring"],
                holds_url,
                tone="warn" if numbers["holds_expiring"] else "",
            ),
            dashboard.Bar(
                "Disposition reviews awaiting Legal",
                numbers["reviews_pending"],
                reverse("admin:retention_dispositionreview_changelist") + "?status__exact=pending",
                tone="warn" if numbers["reviews_pending"] else "",
            ),
        ],
        facts=[
            ("Last purge run", last),
            ("Interrupted runs not yet resumed", str(numbers["interrupted"])),
            ("As of", f"{timezone.localtime():%d %b %Y %H:%M}"),
        ],
        link_url=reverse("admin:retention_purgerun_changelist"),
        link_label="Purge runs (proof of disposition)",
        order=600,
    )


@dashboard.register_panel
def purge_volume_chart(user) -> dashboard.Panel | None:
    """Records disposed of by purge runs per month over the last twelve (deleted, anonymised)."""
    if not user.has_perm("retention.view_purgerun"):
        return None
    months = dashboard.chart_months()
    runs = PurgeRun.objects.all()
    title = _("Records disposed of by retention purges per month")
    return dashboard.Panel(
        title=title,
        chart=dashboard.monthly_chart(
            title,
            months,
            [
                (
                    _("Deleted"),
                    dashboard.monthly_counts(runs, "started_at", months, total="rows_deleted"),
                ),
                (
                    _("Anonymised"),
                    dashboard.monthly_counts(runs, "started_at", months, total="rows_anonymised"),
                ),
            ],
        ),
        link_url=reverse("admin:retention_purgerun_changelist"),
        link_label=_("Purge runs (proof of disposition)"),
        order=610,
    )
