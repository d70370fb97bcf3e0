import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Prefetch, Q, QuerySet

from .models import (
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    TrackingIdentifier,
    Vendor,
)

COOKIE_DECLARATION_KEY = "inventory:cookie-declaration:v1"


def policy_version_in_force(*, on: datetime.date) -> PolicyVersion | None:
    """The policy version people agreed to on that day (the latest one already effective)."""
    return PolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def policy_version_next(*, after: datetime.date) -> PolicyVersion | None:
    """The version announced to take effect after that day, if any (the earliest)."""
    return PolicyVersion.objects.filter(effective_from__gt=after).order_by("effective_from").first()


def policy_versions_between(*, start: datetime.date, end: datetime.date) -> list[PolicyVersion]:
    """Every version in force at some time from `start` to `end`: the one in force on `start`
    and each that took effect after it, oldest first (the access package's list)."""
    first = policy_version_in_force(on=start)
    later = PolicyVersion.objects.filter(effective_from__gt=start, effective_from__lte=end)
    return ([first] if first else []) + list(later.order_by("effective_from"))


def record_of_processing() -> QuerySet[ProcessingActivity]:
    """Every activity with what the Art. 30 record prints about it, in a fixed number of queries."""
    return ProcessingActivity.objects.prefetch_related(
        "purposes",
        Prefetch("data_elements", queryset=DataElement.objects.select_related("category")),
        "sources",
        "recipients",
        Prefetch(
            "vendors",
            queryset=Vendor.objects.select_related("adequacy_decision", "recipient_category"),
        ),
        Prefetch(
            "tracking_identifiers",
            queryset=TrackingIdentifier.objects.filter(is_active=True).select_related(
                "digital_property"
            ),
        ),
    ).order_by("name")


# --- Vendors and transfers ----------------------------------------------------------------


def vendors_for(categories: Iterable) -> QuerySet[Vendor]:
    """Vendors that receive data of these information categories, or (when the elements they
    receive are not recorded) serve a processing activity in operation that processes them
    (categories given as InformationCategory rows,
    their codes or their names, e.g. the registry's "personal-information")."""
    keys = [c.code if isinstance(c, InformationCategory) else str(c) for c in categories]
    chosen = InformationCategory.objects.filter(Q(code__in=keys) | Q(name__in=keys)).values("pk")
    # Named as receiving such data; a vendor whose data elements are not recorded counts when
    # it serves an activity in operation that processes such data.
    serving = Q(
        data_elements__isnull=True,
        activities__is_active=True,
        activities__data_elements__category__in=chosen,
    )
    return (
        Vendor.objects.filter(Q(data_elements__category__in=chosen) | serving)
        .select_related("adequacy_decision", "recipient_category")
        .distinct()
        .order_by("name")
    )


def transfer_safeguards_for(categories: Iterable) -> list[dict]:
    """The transfers outside the EEA of data of these categories and their safeguards, for the
    access package's Art. 15(2) section: one JSON-serialisable dict per vendor."""
    contact = settings.PRIVACYOPS_CONTROLLER["email"]
    return [
        {
            "recipient": vendor.name,
            "recipient_category": vendor.recipient_category.name,
            "service": vendor.service,
            "country": vendor.country,
            "mechanism": vendor.get_transfer_mechanism_display() or "none recorded",
            "safeguard": vendor.safeguard(),
            "copy_available_from": contact,
        }
        for vendor in vendors_for(categories)
        if vendor.is_transfer
    ]


def vendors_due_for_review(*, today: datetime.date, days: int) -> QuerySet[Vendor]:
    """Vendors whose agreement's review date falls within `days` of `today`, or has passed."""
    horizon = today + datetime.timedelta(days=days)
    return Vendor.objects.filter(dpa_next_review_on__lte=horizon).order_by("dpa_next_review_on")


def transfers_without_safeguard() -> list[Vendor]:
    """Vendors whose data leaves the EEA without a valid mechanism today (e.g. an adequacy
    decision repealed since they were recorded), or whose destination is not recorded."""
    vendors = Vendor.objects.select_related("adequacy_decision").order_by("name")
    return [v for v in vendors if v.transfer_problems()]


def sub_processors_public() -> QuerySet[Vendor]:
    """What the public sub-processor page shows: only vendors Legal marked public."""
    return (
        Vendor.objects.filter(listed_publicly=True)
        .select_related("adequacy_decision", "recipient_category")
        .prefetch_related("activities")
        .order_by("name")
    )


# --- The cookie declaration ---------------------------------------------------------------


def _declaration_build() -> dict:
    identifiers = (
        TrackingIdentifier.objects.filter(is_active=True)
        .select_related("digital_property", "provider", "activity")
        .prefetch_related("activity__purposes")
        .order_by("digital_property__name", "purpose_category", "name")
    )
    properties: dict[int, dict] = {}
    for item in identifiers:
        prop = item.digital_property
        entry = properties.setdefault(
            prop.pk,
            {"name": prop.name, "kind": prop.kind, "domain": prop.domain, "identifiers": []},
        )
        entry["identifiers"].append(
            {
                "name": item.name,
                "kind": item.get_kind_display(),
                "purpose": item.purpose_category,
                "purpose_label": item.get_purpose_category_display(),
                "party": item.party,
                "party_label": item.get_party_display(),
                "provider": item.provider.name
                if item.provider_id
                else settings.PRIVACYOPS_CONTROLLER["name"],
                "duration": item.duration,
                "needs_consent": item.needs_consent,
                "processing_activity": item.activity.name,
                "legal_bases": sorted(
                    {p.get_legal_basis_display() for p in item.activity.purposes.all()}
                ),
                "description": item.description,
            }
        )
    last = TrackingIdentifier.objects.aggregate(last=Max("updated_at"))["last"]
    controller = settings.PRIVACYOPS_CONTROLLER
    return {
        "controller": {"name": controller["name"], "email": controller["email"]},
        "last_updated": last.isoformat() if last else None,
        "properties": sorted(properties.values(), key=lambda p: p["name"]),
    }


def cookie_declaration() -> dict:
    """The cookie declaration the Sites embed, from the register (cached until it changes)."""
    declaration = cache.get(COOKIE_DECLARATION_KEY)
    if declaration is None:
        declaration = _declaration_build()
        cache.set(COOKIE_DECLARATION_KEY, declaration, timeout=None)
    return declaration


def cookie_declaration_forget() -> None:
    cache.delete(COOKIE_DECLARATION_KEY)
