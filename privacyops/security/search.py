"""The one search box (core/search.py) is access-logged here: who searched, when, from where,
for what (the term as its keyed hash, as the admin's list searches are kept) and how much was
found; when the results are about one person, the entry names that person."""

from privacyops.core.search import register_recorder

from . import services
from .encryption import blind_index
from .models import AccessLogEntry

OBJECT_TYPE = "admin.search"


@register_recorder
def search_logged(*, user, term, kind, groups, request=None) -> None:
    hits = [hit for group in groups for hit in group.hits]
    subjects = {hit.subject.pk: hit.subject for hit in hits if hit.subject is not None}
    services.access_log_record(
        user=user,
        action=AccessLogEntry.Action.VIEWED,
        object_type=OBJECT_TYPE,
        object_repr=f"search: {len(hits)} result(s)",
        subject=next(iter(subjects.values())) if len(subjects) == 1 else None,
        request=request,
        detail={
            "term": f"hmac:{blind_index(term)[:32]}",
            "kind": kind,
            "results": len(hits),
            "found": {str(group.title): len(group.hits) for group in groups},
        },
    )
