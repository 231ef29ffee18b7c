"""Geometry of the scorecard's inline SVG charts."""

from __future__ import annotations

import datetime

from tinhso.indicators.charts import nice_ticks, sparkline, trend_chart

D = datetime.date


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert nice_ticks(43.5, 70) == [40, 50, 60, 70]
    assert nice_ticks(8.1, 15) == [8, 10, 12, 14, 16]
    assert nice_ticks(5, 5) == [4, 4.5, 5, 5.5, 6]


def test_trend_chart_stays_inside_its_box_and_marks_years_at_their_end() -> None:
    chart = trend_chart(
        [(D(2023, 12, 31), 43.5, "2023"), (D(2024, 12, 31), 56.5, "2024")],
        deadline=D(2025, 12, 31),
        target=65,
        projected=69.5,
        path=[(D(2023, 12, 31), 43.5), (D(2025, 12, 31), 65)],
    )
    for mark in chart.marks:
        assert chart.left <= mark.x <= chart.right and chart.top <= mark.y <= chart.bottom
    assert chart.marks[0].x == chart.left and chart.deadline_x == chart.right
    assert [label for _, label in chart.x_ticks] == ["2023", "2024", "2025"]
    assert chart.x_ticks[1][0] == chart.marks[1].x
    # Higher values are drawn higher (smaller y); the projection ends at the deadline.
    assert chart.marks[1].y < chart.marks[0].y
    assert chart.projection is not None and chart.projection[2] == chart.right
    assert chart.target_y is not None and chart.projection[3] < chart.target_y


def test_sparkline_of_one_value_is_a_flat_line() -> None:
    spark = sparkline([(D(2024, 12, 31), 9.0)], target=15)
    assert spark.last is not None
    heights = {point.split(",")[1] for point in spark.line.split()}
    assert len(heights) == 1
