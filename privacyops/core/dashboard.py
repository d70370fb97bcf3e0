"""Panels on the admin home page.

Apps higher up the dependency chain register a panel here (core never imports them). A panel
is a function of the user returning a `Panel`, or None when that user may not see it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, DateField, QuerySet, Sum
from django.db.models.functions import Trunc
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from . import charts, selectors
from .charts import Chart


@dataclass
class Bar:
    label: str
    value: int
    url: str = ""
    tone: str = ""  # "", "warn" or "alert": how worrying this number is


@dataclass
class Panel:
    title: str
    bars: list[Bar] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    link_url: str = ""
    link_label: str = ""
    order: int = 100
    chart: Chart | None = None  # drawn as inline SVG, with its numbers as a table

    @property
    def bar_max(self) -> int:
        return max([bar.value for bar in self.bars] + [1])

    @property
    def chart_svg(self) -> str:
        # charts.render_svg escapes every text it writes.
        return mark_safe(self.chart.svg()) if self.chart else ""


def _per_month(rows: QuerySet, field_name: str, months: list[datetime.date]) -> QuerySet:
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    month = Trunc(
        field_name, "month", output_field=DateField(), tzinfo=timezone.get_current_timezone()
    )
    return rows.filter(**{f"{field_name}__gte": start}).annotate(month=month)


def monthly_counts(
    rows: QuerySet, field_name: str, months: list[datetime.date], *, total: str = ""
) -> list[int]:
    """How many `rows` (or the sum of their `total` field) fall in each month of `months`
    (first days, as charts.month_starts gives), by `field_name` in the site's time zone;
    counted by the database in one query."""
    if not months:
        return []
    counted = (
        _per_month(rows, field_name, months)
        .values("month")
        .annotate(n=Sum(total) if total else Count("pk"))
        .order_by()
    )
    found = {row["month"]: row["n"] or 0 for row in counted}
    return [int(found.get(m, 0)) for m in months]


def monthly_counts_by(
    rows: QuerySet, field_name: str, months: list[datetime.date], *, by: str
) -> dict[str, list[int]]:
    """`monthly_counts` for each value of `by` (e.g. each right exercised), in one query;
    values with no row in those months are left out."""
    if not months:
        return {}
    counted = (
        _per_month(rows, field_name, months).values("month", by).annotate(n=Count("pk")).order_by()
    )
    found: dict[str, dict] = {}
    for row in counted:
        found.setdefault(row[by], {})[row["month"]] = row["n"]
    return {key: [per.get(m, 0) for m in months] for key, per in found.items()}


def chart_months(count: int = 12) -> list[datetime.date]:
    """The months the home's charts show: the last twelve, this one included."""
    return charts.month_starts(timezone.localdate(), count)


def monthly_chart(
    title: str, months: list[datetime.date], series: list[tuple[str, list[float]]], **options
) -> Chart:
    """A chart of one value per month for each (label, values) of `series`."""
    return Chart(
        title=title,
        categories=tuple(charts.month_label(m) for m in months),
        series=tuple(charts.Series(label, tuple(values)) for label, values in series),
        total_label=str(options.pop("total_label", _("Total"))),
        category_label=str(options.pop("category_label", _("Month"))),
        **options,
    )


PanelBuilder = Callable[[object], Panel | None]
_builders: list[PanelBuilder] = []


def register_panel(builder: PanelBuilder) -> PanelBuilder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def panels_for(user) -> list[Panel]:
    panels = [panel for builder in _builders if (panel := builder(user)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


# --- Core's own panel ------------------------------------------------------------------------


@register_panel
def jobs_panel(user) -> Panel | None:
    if not user.has_perm("core.view_jobrun"):
        return None
    beat = selectors.last_heartbeat()
    facts = [
        (
            "Last worker heartbeat",
            f"{timesince(beat.started_at, timezone.now())} ago ({beat.worker})"
            if beat
            else "none yet (beat sends one every 5 minutes; if none comes, no worker runs)",
        )
    ]
    for run in selectors.recent_job_runs(limit=5):
        done = f"{run.percent_done}%" if run.percent_done is not None else run.progress_done
        facts.append((run.job, f"{run.get_status_display()}, {done}, {run.started_at:%d %b %H:%M}"))
    return Panel(
        title="Scheduled jobs",
        facts=facts,
        link_url=reverse("admin:core_jobrun_changelist"),
        link_label="All job runs",
        order=900,
    )


@register_panel
def reviews_panel(user) -> Panel | None:
    """Periodic reviews the policy promises: overdue ones are at risk."""
    if not user.has_perm("core.view_review"):
        return None
    from django.db.models import Q

    from . import reviews
    from .models import Review

    today = timezone.localdate()
    url = reverse("admin:core_review_changelist")
    overdue = reviews.reviews_overdue(today=today)
    counts = reviews.reviews_open().aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        due=Count("pk", filter=Q(due_on__gte=today)),
    )
    return Panel(
        title="Periodic reviews",
        bars=[
            Bar(
                "Overdue (at risk)",
                counts["overdue"],
                f"{url}?state__exact={Review.State.OPEN}",
                tone="alert" if counts["overdue"] else "",
            ),
            Bar("Open, not yet due", counts["due"], f"{url}?state__exact={Review.State.OPEN}"),
        ],
        facts=[(review.schedule.title, f"due {review.due_on:%d %b %Y}") for review in overdue[:5]],
        link_url=url,
        link_label="All reviews",
        order=150,
    )
