"""My work (core/my_work.py) from privacy requests: the requests assigned to the signed-in
person by days left, and the Art. 19 notices to recipients still to send."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacyops.core.my_work import WorkItem, WorkSection, register_work, tone_for_days

from . import selectors

LIMIT = 50


def days_text(days: int) -> str:
    if days < 0:
        return _("%(days)d day(s) overdue") % {"days": -days}
    if days == 0:
        return _("due today")
    return _("%(days)d day(s) left") % {"days": days}


@register_work
def my_requests(user) -> WorkSection | None:
    if not user.has_perm("dsr.change_privacyrequest"):
        return None
    today = timezone.localdate()
    requests = selectors.open_requests().filter(assignee=user).order_by("due_date", "id")
    items = []
    for request in requests[:LIMIT]:
        days = request.days_left(today)
        waiting = request.clock_stopped
        items.append(
            WorkItem(
                title=str(request),
                detail=_("clock stopped (waiting for the requester)")
                if waiting
                else days_text(days),
                url=reverse("admin:dsr_privacyrequest_change", args=[request.pk]),
                tone="" if waiting else tone_for_days(days),
                rank=days + (1000 if waiting else 0),
            )
        )
    return WorkSection(
        key="requests",
        title=gettext_lazy("Requests assigned to me"),
        items=items,
        total=requests.count() if len(items) == LIMIT else None,
        link_url=reverse("admin:dsr_privacyrequest_changelist") + "?view=mine",
        link_label=gettext_lazy("All my requests"),
        order=10,
    )


@register_work
def recipient_notices(user) -> WorkSection | None:
    """Art. 19 notices of open requests, for whoever handles the request (or anyone in Legal
    while the request has no handler)."""
    if not user.has_perm("dsr.change_recipientnotification"):
        return None
    pending = (
        selectors.notifications_pending()
        .filter(Q(request__assignee=user) | Q(request__assignee__isnull=True))
        .select_related("request", "recipient")
        .order_by("request__due_date", "id")
    )
    today = timezone.localdate()
    items = []
    for notice in pending[:LIMIT]:
        days = notice.request.days_left(today)
        items.append(
            WorkItem(
                title=_("%(request)s: notify %(recipient)s")
                % {"request": notice.request.reference, "recipient": notice.recipient},
                detail=f"{notice.get_operation_display()}, {days_text(days)}",
                url=reverse("admin:dsr_privacyrequest_fulfilment", args=[notice.request_id]),
                tone=tone_for_days(days),
                rank=days,
            )
        )
    return WorkSection(
        key="recipient_notices",
        title=gettext_lazy("Notices to recipients to send (Art. 19)"),
        items=items,
        total=pending.count() if len(items) == LIMIT else None,
        link_url=reverse("admin:dsr_recipientnotification_changelist") + "?status__exact=pending",
        link_label=gettext_lazy("All pending notices"),
        order=20,
    )
