"""The one search box (core/search.py): people and accounts.

People are found by an exact e-mail address or telephone number (on the contact point's keyed
hash, never a plain-text scan), an exact login name, or the start of a name; accounts by account
number, company name, or as the accounts of the people found. What a user is shown is what they
may see: accounts through `accounts_visible_to`, people only with the permission to view them.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacyops.core.erasure import masked
from privacyops.core.search import (
    EMAIL,
    MAX_HITS,
    NAME,
    NUMBER,
    PHONE,
    Hit,
    HitGroup,
    SearchQuery,
    phone_variants,
    register_searcher,
)

from . import selectors
from .models import AccountContact, ContactPoint, DataSubject


def subject_ids_for(query: SearchQuery) -> set[int]:
    if query.kind == EMAIL:
        return set(
            selectors.subject_ids_with_email(query.term).values_list("subject_id", flat=True)
        )
    if query.kind == PHONE:
        points = ContactPoint.objects.filter(
            kind=ContactPoint.Kind.PHONE, value__in=phone_variants(query.term)
        )
        return set(points.values_list("subject_id", flat=True))
    if query.kind in (NAME, NUMBER):
        people = DataSubject.objects.filter(
            Q(login_name=query.term) | Q(full_name__istartswith=query.term)
        )
        return set(people.values_list("pk", flat=True)[: MAX_HITS * 4])
    return set()


@register_searcher(order=10)
def people(query: SearchQuery) -> HitGroup | None:
    query.subject_ids |= subject_ids_for(query)
    if not query.subject_ids or not query.user.has_perm("subjects.view_datasubject"):
        return None
    found = DataSubject.objects.filter(pk__in=query.subject_ids).order_by("full_name", "pk")
    hits = [
        Hit(
            title=str(subject),
            detail=masked(query.term)
            if query.kind in (EMAIL, PHONE)
            else subject.get_kind_display(),
            url=reverse("admin:subjects_datasubject_change", args=[subject.pk]),
            subject=subject,
        )
        for subject in found[:MAX_HITS]
    ]
    return HitGroup(title=_("People (data subjects)"), hits=hits)


@register_searcher(order=20)
def accounts(query: SearchQuery) -> HitGroup | None:
    if not query.user.has_perm("subjects.view_account"):
        return None
    matches = Q(
        pk__in=AccountContact.objects.filter(subject_id__in=query.subject_ids).values("account_id")
    )
    matches |= Q(license_holder_id__in=query.subject_ids)
    if query.kind not in (EMAIL, PHONE):
        matches |= Q(account_number__iexact=query.term)
    if query.kind in (NUMBER, NAME):
        matches |= Q(company_name__icontains=query.term)
    found = (
        selectors.accounts_visible_to(user=query.user)
        .filter(matches)
        .order_by("company_name", "pk")
    )
    hits = [
        Hit(
            title=str(account),
            detail=account.get_status_display(),
            url=reverse("admin:subjects_account_change", args=[account.pk]),
        )
        for account in found[:MAX_HITS]
    ]
    query.account_ids |= {account.pk for account in found[: MAX_HITS * 4]}
    return HitGroup(title=_("Accounts"), hits=hits)
