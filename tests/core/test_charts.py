"""The admin home's SVG charts: valid XML, bars proportional to the numbers, the numbers as a
table; months counted by the database in the site's time zone."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from privacyops.core import charts
from privacyops.core.charts import Chart, Series

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str):
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "po-chart-bar"]


def test_bars_are_proportional_to_the_numbers_and_share_one_baseline():
    chart = Chart(
        "Opt-outs per month", ("Jan", "Feb", "Mar", "Apr"), (Series("Opt-outs", (3, 12, 0, 7)),)
    )
    drawn = bars(chart.svg())
    assert [float(b.get("data-value")) for b in drawn] == [3, 12, 7]  # no bar for 0
    heights = [float(b.get("height")) for b in drawn]
    assert heights[1] / heights[0] == pytest.approx(4, rel=1e-3)
    assert heights[2] / heights[0] == pytest.approx(7 / 3, rel=1e-3)
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in drawn}
    assert len(bottoms) == 1
    # The scale's top is the next round number above the largest bar (12 -> 20).
    assert chart.scale_top() == 20
    full = charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert heights[1] == pytest.approx(full * 12 / 20, rel=1e-3)


def test_stacked_series_add_up_and_the_table_holds_every_number():
    chart = Chart(
        "Requests received",
        ("Jan", "Feb"),
        (Series("Access", (4, 1)), Series("Erasure", (2, 0)), Series("Objection", (0, 5))),
        total_label="All",
    )
    drawn = bars(chart.svg())
    jan = [b for b in drawn if b.get("x") == drawn[0].get("x")]
    assert [b.get("data-value") for b in jan] == ["4", "2"]
    # Stacked: the second segment sits on the first.
    assert float(jan[1].get("y")) + float(jan[1].get("height")) == pytest.approx(
        float(jan[0].get("y")), abs=0.02
    )
    assert sum(float(b.get("height")) for b in jan) / float(
        max(b.get("height") for b in drawn if b.get("data-value") == "5")
    ) == pytest.approx(6 / 5, rel=1e-3)
    headings, rows = chart.table()
    assert headings == ["Month", "Access", "Erasure", "Objection", "All"]
    assert rows == [["Jan", "4", "2", "0", "6"], ["Feb", "1", "0", "5", "6"]]
    assert "Erasure" in chart.svg()  # the legend names each series


def test_a_share_has_a_fixed_scale_and_unknown_months_stay_blank():
    chart = Chart(
        "Answered in time",
        ("Jan", "Feb", "Mar"),
        (Series("Share", (50, 0, 100)),),
        unit="%",
        max_value=100,
        blank=frozenset({1}),
    )
    drawn = bars(chart.svg())
    assert [b.get("data-value") for b in drawn] == ["50", "100"]
    assert float(drawn[1].get("height")) == pytest.approx(2 * float(drawn[0].get("height")))
    assert chart.table()[1] == [["Jan", "50%"], ["Feb", "—"], ["Mar", "100%"]]


def test_text_is_escaped_and_nothing_scripted():
    chart = Chart('<script>alert("x")</script> & co', ("<b>",), (Series("a&b", (1,)),))
    svg = chart.svg()
    ET.fromstring(svg)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "on" + "load" not in svg and "javascript:" not in svg and "href" not in svg


def test_bad_data_is_refused():
    with pytest.raises(ValueError):
        Chart("x", ("a", "b"), (Series("s", (1,)),))
    with pytest.raises(ValueError):
        Chart("x", ("a",), (Series("s", (-1,)),))


def test_empty_chart_draws_a_scale():
    chart = Chart("Nothing yet", ("Jan",), (Series("s", (0,)),))
    assert bars(chart.svg()) == [] and chart.scale_top() == 1


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [(0, 1), (1, 1), (3, 5), (12, 20), (20, 20), (21, 25), (26, 50), (999, 1000)],
)
def test_nice_ceiling(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_month_starts_cross_the_year():
    months = charts.month_starts(datetime.date(2026, 2, 17), count=4)
    assert months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    assert charts.month_label(months[0]) == "Nov 25"


@pytest.mark.django_db
def test_monthly_counts_in_the_site_time_zone():
    from django.utils import timezone

    from privacyops.core.dashboard import monthly_counts
    from privacyops.core.models import JobRun

    def run_at(*args, done=0):
        at = timezone.make_aware(datetime.datetime(*args))
        run = JobRun.objects.create(job="test", progress_done=done)
        JobRun.objects.filter(pk=run.pk).update(started_at=at)  # started_at is auto_now_add

    run_at(2025, 12, 31, 23, 30, done=5)  # 21:30 UTC, still December in Sofia
    run_at(2026, 1, 1, 0, 30, done=7)  # 22:30 UTC on 31 December, January in Sofia
    run_at(2026, 1, 15, done=1)
    run_at(2025, 10, 1, done=100)  # before the first month asked for
    months = [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    assert monthly_counts(JobRun.objects.all(), "started_at", months) == [1, 2, 0]
    assert monthly_counts(JobRun.objects.all(), "started_at", months, total="progress_done") == [
        5,
        8,
        0,
    ]


def test_legend_wraps_long_labels_inside_the_width():
    labels = ["Restriction of processing (Art. 18)", "Marketing opt-out (Art. 21(2))", "Access"]
    positions = charts.legend_positions(labels)
    assert positions[0] == (charts.LEFT, charts.HEIGHT)
    assert positions[1][1] == charts.HEIGHT + charts.LEGEND_ROW  # no room: a new row
    for (x, _y), label in zip(positions, labels, strict=True):
        assert x + 14 + 6 * len(label) <= charts.WIDTH
    chart = Chart("x", ("a",), tuple(Series(label, (1,)) for label in labels))
    root = ET.fromstring(chart.svg())
    height = float(root.get("viewBox").split()[3])
    assert height >= positions[-1][1] + 10
