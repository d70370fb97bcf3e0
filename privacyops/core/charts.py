"""Charts for the admin home, drawn on the server as SVG (no Django, no JavaScript).

A `Chart` is categories (e.g. months) and one or more series of numbers; `svg()` draws them as
bars (stacked when there are several series) and `table()` gives the same numbers as rows, so
the page can show them as a table for screen readers and for anyone who wants the figures.
The SVG is inline markup with presentation attributes only: nothing the Content-Security-Policy
(no inline script, images from this origin) refuses. Every text is escaped here.
"""

import datetime
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
WIDTH, HEIGHT = 480, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 24
LEGEND_ROW = 16


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # written after each number, e.g. "%"
    max_value: float | None = None  # the top of the scale (e.g. 100 for a share); else from data
    description: str = ""
    # Categories whose number is unknown (e.g. a share of nothing) are left blank, not 0.
    blank: frozenset[int] = field(default_factory=frozenset)
    total_label: str = "Total"
    category_label: str = "Month"

    def __post_init__(self):
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"{series.label!r}: one value per category is needed.")
            if any(value < 0 for value in series.values):
                raise ValueError(f"{series.label!r}: bars cannot be negative.")

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    def totals(self) -> list[float]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    def scale_top(self) -> float:
        if self.max_value is not None:
            return self.max_value
        return nice_ceiling(max(self.totals(), default=0))

    def number(self, value: float) -> str:
        text = f"{value:,.1f}".removesuffix(".0") if value != int(value) else f"{int(value):,}"
        return f"{text}{self.unit}"

    def table(self) -> tuple[list[str], list[list[str]]]:
        """(headings, rows): one row per category, one column per series (and the total); the
        first heading names the categories."""
        headings = [s.label for s in self.series] + ([self.total_label] if self.stacked else [])
        rows = []
        for i, category in enumerate(self.categories):
            if i in self.blank:
                cells = ["—"] * len(headings)
            else:
                cells = [self.number(s.values[i]) for s in self.series]
                if self.stacked:
                    cells.append(self.number(self.totals()[i]))
            rows.append([category, *cells])
        return [self.category_label, *headings], rows

    def svg(self) -> str:
        return render_svg(self)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `value` (1 for 0)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def render_svg(chart: Chart) -> str:
    positions = legend_positions([s.label for s in chart.series]) if chart.stacked else []
    legend_rows = 1 + int((positions[-1][1] - HEIGHT) // LEGEND_ROW) if positions else 0
    height = HEIGHT + legend_rows * LEGEND_ROW
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = chart.scale_top()
    count = max(len(chart.categories), 1)
    band = plot_w / count
    bar_w = band * 0.7
    base_y = TOP + plot_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="po-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f"aria-label={quoteattr(chart.title)}>",
        f"<title>{escape(chart.title)}</title>",
    ]
    if chart.description:
        out.append(f"<desc>{escape(chart.description)}</desc>")
    # The scale: lines at 0, half and the top, labelled on the left.
    for fraction in (0, 0.5, 1):
        y = base_y - fraction * plot_h
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="#555">{escape(chart.number(top * fraction))}</text>'
        )
    label_every = max(1, math.ceil(count / 12))
    for i, category in enumerate(chart.categories):
        x = LEFT + i * band + (band - bar_w) / 2
        y = base_y
        for s_index, series in enumerate(chart.series):
            value = series.values[i]
            if value <= 0 or i in chart.blank:
                continue
            h = min(value, top) / top * plot_h
            y -= h
            tip = f"{category}, {series.label}: {chart.number(value)}"
            out.append(
                f'<rect class="po-chart-bar" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" '
                f'height="{h:.2f}" fill="{PALETTE[s_index % len(PALETTE)]}" '
                f'data-value="{value:g}" data-series="{s_index}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        if i % label_every == 0:
            out.append(
                f'<text x="{x + bar_w / 2:.2f}" y="{base_y + 14}" text-anchor="middle" '
                f'font-size="10" fill="#555">{escape(category)}</text>'
            )
    for s_index, (x, y) in enumerate(positions):
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" '
            f'fill="{PALETTE[s_index % len(PALETTE)]}"/>'
            f'<text x="{x + 14:.1f}" y="{y + 9:.1f}" font-size="10" fill="#333">'
            f"{escape(chart.series[s_index].label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def legend_positions(labels: list[str]) -> list[tuple[float, float]]:
    """Where each legend entry goes below the plot: left to right, wrapping to a new row
    when the next label (about 6 units a character at font size 10) would not fit."""
    positions, x, y = [], float(LEFT), float(HEIGHT)
    for label in labels:
        width = 14 + 6 * len(label) + 12
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = float(LEFT), y + LEGEND_ROW
        positions.append((x, y))
        x += width
    return positions


# --- Months ----------------------------------------------------------------------------------


def month_starts(today: datetime.date, count: int = 12) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, ending with today's month."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_label(month: datetime.date) -> str:
    return f"{month:%b %y}"
