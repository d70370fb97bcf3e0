"""The one search box (core/search.py): incidents.

Found by their reference (INC-00007 or INC7), the reporter's e-mail address (on its keyed hash),
or as the incidents of the people and accounts found before: the person reported it or was
told of it (Art. 34), the account's data was affected or it was given a notice. Only for those
who may view the register.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacyops.core.search import EMAIL, MAX_HITS, Hit, HitGroup, SearchQuery, register_searcher

from .models import AffectedData, CustomerNotice, Incident, SubjectDelivery


@register_searcher(order=40)
def incidents(query: SearchQuery) -> HitGroup | None:
    if not query.user.has_perm("incidents.view_incident"):
        return None
    matches = Q(pk__in=[])
    if (number := query.reference("INC")) is not None:
        matches |= Q(pk=number)
    if query.kind == EMAIL:
        matches |= Q(reporter_email=query.term.strip().lower())
    if query.subject_ids:
        told = SubjectDelivery.objects.filter(subject_id__in=query.subject_ids)
        matches |= Q(reporter_subject_id__in=query.subject_ids)
        matches |= Q(pk__in=told.values("communication__incident_id"))
    if query.account_ids:
        affected = AffectedData.objects.filter(account_id__in=query.account_ids)
        noticed = CustomerNotice.objects.filter(account_id__in=query.account_ids)
        matches |= Q(pk__in=affected.values("incident_id")) | Q(
            pk__in=noticed.values("incident_id")
        )
    found = Incident.objects.filter(matches).order_by("-reported_at", "-id")
    hits = [
        Hit(
            title=str(incident),
            detail=incident.get_state_display(),
            url=reverse("admin:incidents_incident_change", args=[incident.pk]),
        )
        for incident in found[:MAX_HITS]
    ]
    return HitGroup(title=_("Incidents"), hits=hits)
