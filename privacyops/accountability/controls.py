"""Consistency checks between the record of processing and the policy's words.

Registered as controls (privacyops.core.controls): each names recipients the policy says
receive no personal information, quotes the words, and finds every processing activity in
operation that records sending such data to them. A contradiction is spelled out, with a
link to the activity to correct (or to the policy, if the record is right)."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from privacyops.core import controls
from privacyops.core.registry import PERSONAL_INFORMATION
from privacyops.inventory import selectors as inventory_selectors
from privacyops.inventory.models import DataElement, ProcessingActivity

from . import seed

# What the policy's "personal information" covers for these checks: its own Personal
# Information, anything that identifies a person directly (account names), and online
# identifiers the law treats as personal data (IP addresses, CJEU C-582/14 Breyer). Cookie
# identifiers are not counted: the policy itself says cookies "do not personally identify
# you" — Legal's reading, written down here so it can be challenged.
ONLINE_IDENTIFIERS = frozenset({"ip-address"})


def is_personal_information(element: DataElement) -> bool:
    return (
        element.category.code == PERSONAL_INFORMATION
        or element.identifies_directly
        or element.code in ONLINE_IDENTIFIERS
    )


@dataclass(frozen=True)
class ConsistencyCheck:
    key: str
    title: str
    recipient_codes: tuple[str, ...]
    quote: str


CHECKS = [
    ConsistencyCheck(
        key=seed.ADVERTISERS_CHECK,
        title="Advertising and analytics partners receive no personal information",
        recipient_codes=("advertising-partners",),
        quote="The information provided to third parties does not include personal information",
    ),
    ConsistencyCheck(
        key=seed.AFFILIATES_CHECK,
        title="Affiliates receive aggregate data only",
        recipient_codes=("affiliates",),
        quote="We may share this aggregate data with our affiliates",
    ),
]


def contradictions(check: ConsistencyCheck) -> list[tuple[ProcessingActivity, object, list]]:
    """(activity, recipient, personal data elements) the record sends against the policy."""
    found = []
    activities = (
        ProcessingActivity.objects.filter(
            is_active=True, recipients__code__in=check.recipient_codes
        )
        .distinct()
        .prefetch_related("recipients", "data_elements__category")
        .order_by("name")
    )
    for activity in activities:
        personal = [e for e in activity.data_elements.all() if is_personal_information(e)]
        if not personal:
            continue
        for recipient in activity.recipients.all():
            if recipient.code in check.recipient_codes:
                found.append((activity, recipient, personal))
    return found


def quoted_in(check: ConsistencyCheck, *, now: datetime.datetime) -> int | None:
    """The number of the paragraph of the policy in force that says it, if any."""
    version = inventory_selectors.policy_version_in_force(on=timezone.localdate(now))
    if version is None:
        return None
    paragraph = version.paragraphs.filter(text__contains=check.quote).order_by("number").first()
    return paragraph.number if paragraph else None


def check_evidence(check: ConsistencyCheck, now: datetime.datetime) -> controls.Evidence:
    number = quoted_in(check, now=now)
    where = _("paragraph %(n)d") % {"n": number} if number else _("the policy")
    facts = []
    for activity, recipient, personal in contradictions(check):
        facts.append(
            controls.Fact(
                _(
                    "Contradiction: %(where)s says “%(quote)s”, yet the record of processing "
                    "sends %(data)s to %(recipient)s in “%(activity)s”."
                )
                % {
                    "where": where,
                    "quote": check.quote,
                    "data": ", ".join(e.name for e in personal),
                    "recipient": recipient.name,
                    "activity": activity.name,
                },
                reverse("admin:inventory_processingactivity_change", args=[activity.pk]),
                at_risk=True,
            )
        )
    if not facts:
        sending = (
            ProcessingActivity.objects.filter(
                is_active=True, recipients__code__in=check.recipient_codes
            )
            .distinct()
            .count()
        )
        facts.append(
            controls.Fact(
                _(
                    "Consistent with %(where)s (“%(quote)s”): %(n)d activities in operation "
                    "send data to these recipients, none of it personal information."
                )
                % {"where": where, "quote": check.quote, "n": sending},
                reverse("admin:inventory_processingactivity_changelist"),
            )
        )
    return controls.Evidence.of(facts)


for _check in CHECKS:
    controls.register_control(
        key=_check.key,
        title=_check.title,
        app="accountability",
        description="Consistency check between the record of processing and the policy.",
    )(lambda now, check=_check: check_evidence(check, now))
