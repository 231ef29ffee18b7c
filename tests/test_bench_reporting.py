"""The reporting bench's data generator makes what the bench says it measures (no database)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tinhso.indicators import exchange


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "reporting.py"
    spec = importlib.util.spec_from_file_location("bench_reporting", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_five_years_of_months_and_elements_with_up_to_three_dimensions(bench: ModuleType) -> None:
    months = bench.month_codes()
    assert (len(months), months[0], months[-1]) == (60, "202107", "202606")
    assert [len(bench.combos(bench.element_dimensions(i))) for i in range(5)] == [8, 4, 2, 1, 8]
    assert bench.cells_per_unit_month(256) == 256 * 15 // 4
    assert bench.element_count(10_000_000, 10_404) == 256


def test_reports_are_seeded_dhis2_csv_with_every_cell_of_every_element(
    bench: ModuleType,
) -> None:
    reporters = [("202107", ["07210", "07663"]), ("202108", ["07210"])]
    first = list(bench.reports(reporters, 4))
    assert [(r.unit_code, r.period) for r in first] == [
        ("07210", "202107"),
        ("07663", "202107"),
        ("07210", "202108"),
    ]
    assert all(len(r.lines) == bench.cells_per_unit_month(4) for r in first)
    assert [r.lines for r in bench.reports(reporters, 4)] == [r.lines for r in first]
    parsed = exchange.parse_csv(bench.HEADER + "\n" + "\n".join(first[0].lines))
    assert parsed[0].data_element == "BENCH_E001"
    assert parsed[0].category_option_combo == "sex=nam;area=thanhthi;channel=tt"
    assert {v.category_option_combo for v in parsed if v.data_element == "BENCH_E004"} == {
        "default"
    }
