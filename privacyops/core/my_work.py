"""My work: what the signed-in person must do, each item a link to the place to do it.

Like the admin-home panels (dashboard.py), each app contributes its own sections from a
`my_work.py` module of its own (imported on first use by `discover`, so core imports no app):
a section builder is a function of the user returning a `WorkSection`, or None when that user
has nothing of that kind to do or may not do it. The page `/admin/my-work/` and the top of the
admin home show the sections in `order`, most urgent item first within each.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import reviews

ITEMS_SHOWN = 10  # per section on the page; the section's link leads to the full list


@dataclass
class WorkItem:
    title: str  # a reference and what it is, never personal data ("PR-00012: Access")
    detail: str  # why it is here ("3 days left", "ends 4 Dec")
    url: str
    tone: str = ""  # "", "warn" or "alert": how urgent
    rank: float = 0  # smaller is more urgent (days left, hours left)


@dataclass
class WorkSection:
    key: str
    title: str
    items: list[WorkItem] = field(default_factory=list)
    total: int | None = None  # all items of this kind, when more exist than are listed
    link_url: str = ""
    link_label: str = _("All of them")
    order: int = 100

    def __post_init__(self) -> None:
        self.items = sorted(self.items, key=lambda item: item.rank)
        if self.total is None:
            self.total = len(self.items)

    @property
    def shown(self) -> list[WorkItem]:
        return self.items[:ITEMS_SHOWN]

    @property
    def urgent(self) -> int:
        return sum(1 for item in self.items if item.tone == "alert")


SectionBuilder = Callable[[object], WorkSection | None]
_builders: list[SectionBuilder] = []


def register_work(builder: SectionBuilder) -> SectionBuilder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


@functools.cache
def discover() -> None:
    """Import every app's my_work.py once (as the admin imports each app's admin.py)."""
    autodiscover_modules("my_work")


def work_for(user) -> list[WorkSection]:
    """The sections with something to do for this user, in order (empty ones left out)."""
    discover()
    if not (user.is_active and user.is_staff):
        return []
    sections = [section for builder in _builders if (section := builder(user)) is not None]
    return sorted((s for s in sections if s.total), key=lambda section: section.order)


def tone_for_days(days: int, *, warn: int = 7) -> str:
    """Overdue (or due today) is alarming, within `warn` days worth a look."""
    if days < 0:
        return "alert"
    return "warn" if days <= warn else ""


# --- Core's own section ----------------------------------------------------------------------

REVIEW_NOTICE_DAYS = 30


@register_work
def reviews_due(user) -> WorkSection | None:
    """Periodic reviews owned by this person (or by nobody, for Legal) due within 30 days."""
    if not user.has_perm("core.change_review"):
        return None
    today = timezone.localdate()
    due = (
        reviews.reviews_open()
        .filter(due_on__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS))
        .filter(Q(schedule__owner=user) | Q(schedule__owner__isnull=True))
        .select_related("schedule")
        .order_by("due_on", "id")
    )
    items = []
    for review in due[:50]:
        days = (review.due_on - today).days
        items.append(
            WorkItem(
                title=review.schedule.title,
                detail=gettext("due %(date)s") % {"date": f"{review.due_on:%d %b %Y}"},
                url=reverse("admin:core_review_change", args=[review.pk]),
                tone=tone_for_days(days),
                rank=days,
            )
        )
    return WorkSection(
        key="reviews",
        title=_("Periodic reviews due"),
        items=items,
        link_url=reverse("admin:core_review_changelist"),
        link_label=_("All reviews"),
        order=60,
    )
