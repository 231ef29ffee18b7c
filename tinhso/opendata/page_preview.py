"""The preview of a datastore resource on the portal's pages: its first rows as a table and a
bar chart of a numeric column summed per value of another, drawn as inline SVG (no script,
readable on a phone). The rows and sums come from ``tinhso.opendata.datastore.query``."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format

from tinhso.opendata.datastore import query
from tinhso.opendata.models import Resource

CHART_BARS = 20
CHART_WIDTH = 420
BAR_HEIGHT = 22
LABEL_WIDTH = 140
NUMERIC_TYPES = ("int", "numeric")


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, already placed."""

    label: str
    value: str
    y: int
    width: int


@dataclass
class Chart:
    """A horizontal bar chart of ``column`` summed per value of ``label_column``."""

    column: str
    label_column: str
    bars: list[Bar]
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * (self.bar_height + 6) + 6

    @property
    def plot_width(self) -> int:
        return self.width - self.label_width - 90


@dataclass
class Preview:
    """What a page shows of a datastore table: columns, first rows, total, chart."""

    fields: list[dict[str, Any]]
    rows: list[list[str]]
    total: int
    chart: Chart | None = None
    headers: list[str] = field(default_factory=list)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float | decimal.Decimal):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _cell(value: Any, column_type: str) -> str:
    """A cell as people read it: ISO dates of date columns as dd/mm/yyyy."""
    if isinstance(value, str) and column_type in ("date", "timestamp"):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return _shown(parsed.date() if column_type == "date" else parsed)
    return _shown(value)


def _label(column: dict[str, Any]) -> str:
    return str((column.get("info") or {}).get("label") or column.get("label") or column["id"])


def chart_of(resource: Resource, fields: list[dict[str, Any]]) -> Chart | None:
    """A bar chart of the first numeric column summed per value of the first other column
    (a text or date column), or ``None`` when the table has no such pair."""
    numeric = next((f for f in fields if f.get("type") in NUMERIC_TYPES), None)
    grouped = next((f for f in fields if f.get("type") not in NUMERIC_TYPES), None)
    if numeric is None or grouped is None:
        return None
    found = query.column_chart(resource, grouped["id"], numeric["id"], limit=CHART_BARS)
    if found is None or not found.values:
        return None
    top = max(abs(value) for value in found.values) or 1.0
    chart = Chart(column=_label(numeric), label_column=_label(grouped), bars=[])
    chart.bars = [
        Bar(
            label=_cell(label, str(grouped.get("type", "")))[:22],
            value=_shown(int(value) if value.is_integer() else value),
            y=6 + index * (BAR_HEIGHT + 6),
            width=max(1, round(abs(value) / top * chart.plot_width)),
        )
        for index, (label, value) in enumerate(zip(found.labels, found.values, strict=True))
    ]
    return chart


def resource_preview(resource: Resource, *, limit: int = 10) -> Preview | None:
    """The first ``limit`` rows of a resource loaded into the datastore, with a chart;
    ``None`` if it has not been loaded."""
    found = query.preview(resource, limit=limit)
    if found is None:
        return None
    fields = [f for f in found.fields if f["id"] != "_id"]
    return Preview(
        fields=fields,
        headers=[_label(f) for f in fields],
        rows=[
            [_cell(record.get(f["id"]), str(f.get("type", ""))) for f in fields]
            for record in found.records
        ],
        total=found.total,
        chart=chart_of(resource, fields),
    )
