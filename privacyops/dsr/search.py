"""The one search box (core/search.py): privacy requests.

Found by their reference (PR-00012 or PR12), the requester's e-mail address as given (on its
keyed hash), the start of the requester's name as given, or as the requests of the people and
accounts found before. Only for those who may view requests: a representative never finds one.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.search import (
    EMAIL,
    MAX_HITS,
    NAME,
    Hit,
    HitGroup,
    SearchQuery,
    register_searcher,
)

from .models import PrivacyRequest
from .my_work import days_text


@register_searcher(order=30)
def requests(query: SearchQuery) -> HitGroup | None:
    if not query.user.has_perm("dsr.view_privacyrequest"):
        return None
    matches = Q(subject_id__in=query.subject_ids) | Q(redirect_to_id__in=query.account_ids)
    if (number := query.reference("PR")) is not None:
        matches |= Q(pk=number)
    if query.kind == EMAIL:
        matches |= Q(requester_email=query.term.strip().lower())
    if query.kind == NAME:
        matches |= Q(requester_name__istartswith=query.term)
    found = (
        PrivacyRequest.objects.filter(matches)
        .select_related("subject")
        .order_by("-received_at", "-id")
    )
    today = timezone.localdate()
    hits = [
        Hit(
            title=str(request),
            detail=f"{request.get_state_display()}"
            + (f", {days_text(request.days_left(today))}" if request.is_open else ""),
            url=reverse("admin:dsr_privacyrequest_change", args=[request.pk]),
            subject=request.subject,
        )
        for request in found[:MAX_HITS]
    ]
    return HitGroup(title=_("Privacy requests"), hits=hits)
