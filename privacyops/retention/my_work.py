"""My work (core/my_work.py) from retention: disposition reviews awaiting Legal's decision, and
legal holds that end soon (release, extend or let lapse on purpose)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacyops.core.my_work import WorkItem, WorkSection, register_work, tone_for_days

from . import selectors

HOLD_NOTICE_DAYS = 14
LIMIT = 50


@register_work
def disposition_reviews(user) -> WorkSection | None:
    if not user.has_perm("retention.change_dispositionreview"):
        return None
    now = timezone.now()
    pending = selectors.reviews_pending().select_related("rule").order_by("created_at", "id")
    items = [
        WorkItem(
            title=_("Review of %(rule)s") % {"rule": review.rule.name},
            detail=_("%(rows)s record(s) found, waiting %(days)d day(s)")
            % {"rows": review.rows_found, "days": (now - review.created_at).days},
            url=reverse("admin:retention_dispositionreview_change", args=[review.pk]),
            tone="warn" if (now - review.created_at).days > 7 else "",
            rank=-(now - review.created_at).total_seconds(),
        )
        for review in pending[:LIMIT]
    ]
    return WorkSection(
        key="disposition_reviews",
        title=gettext_lazy("Disposition reviews awaiting a decision"),
        items=items,
        total=pending.count() if len(items) == LIMIT else None,
        link_url=reverse("admin:retention_dispositionreview_changelist") + "?status__exact=pending",
        link_label=gettext_lazy("All pending reviews"),
        order=30,
    )


@register_work
def holds_ending(user) -> WorkSection | None:
    if not user.has_perm("retention.change_legalhold"):
        return None
    today = timezone.localdate()
    holds = selectors.holds_expiring(today=today, days=HOLD_NOTICE_DAYS).order_by("ends_on", "id")
    items = []
    for hold in holds[:LIMIT]:
        days = (hold.ends_on - today).days
        items.append(
            WorkItem(
                title=_("Legal hold: %(matter)s") % {"matter": hold.matter},
                detail=_("ends %(date)s (%(days)d day(s))")
                % {"date": f"{hold.ends_on:%d %b %Y}", "days": days},
                url=reverse("admin:retention_legalhold_change", args=[hold.pk]),
                tone=tone_for_days(days - 1, warn=HOLD_NOTICE_DAYS),
                rank=days,
            )
        )
    return WorkSection(
        key="holds_ending",
        title=gettext_lazy("Legal holds ending within 14 days"),
        items=items,
        total=holds.count() if len(items) == LIMIT else None,
        link_url=reverse("admin:retention_legalhold_changelist"),
        link_label=gettext_lazy("All legal holds"),
        order=50,
    )
