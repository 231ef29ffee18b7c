"""Limits under QCVN 40:2011: Cmax = C·Kq·Kf, ranges, and the Kq/Kf bands at their edges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tinhso.environment import exceedance

DATA = Path(exceedance.__file__).parent / "data"


def test_cmax_multiplies_where_the_limit_applies_coefficients() -> None:
    # COD column B 150 mg/L, river Q = 120 m³/s (Kq 1.0), F = 3 000 m³/day (Kf 1.0) vs F = 40.
    assert exceedance.cmax(150, 1.0, 1.0, apply_k=True) == 150
    assert exceedance.cmax(150, 0.9, 1.2, apply_k=True) == pytest.approx(162)
    assert exceedance.cmax(50, None, 1.1, apply_k=True) == pytest.approx(55)


def test_cmax_ignores_coefficients_for_temperature_ph_colour_coliform() -> None:
    assert exceedance.cmax(40, 0.9, 1.2, apply_k=False) == 40


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [
        (9.0, 6.0, 9.0, False),
        (9.01, 6.0, 9.0, True),
        (6.0, 6.0, 9.0, False),
        (5.99, 6.0, 9.0, True),
        (150.0, None, 150.0, False),
        (150.1, None, 150.0, True),
        (0.0, None, None, False),
    ],
)
def test_exceeds_treats_the_limits_as_compliant(
    value: float, low: float | None, high: float | None, expected: bool
) -> None:
    assert exceedance.exceeds(value, low, high) is expected


@pytest.mark.parametrize(
    ("flow", "kq"),
    [(0, 0.9), (50, 0.9), (50.01, 1.0), (200, 1.0), (200.5, 1.1), (500, 1.1), (501, 1.2)],
)
def test_kq_by_river_flow_is_inclusive_at_each_upper_bound(flow: float, kq: float) -> None:
    assert exceedance.suggest_kq(flow_m3s=flow) == kq


@pytest.mark.parametrize(
    ("volume", "kq"),
    [(5e6, 0.6), (10e6, 0.6), (10e6 + 1, 0.8), (100e6, 0.8), (100e6 + 1, 1.0)],
)
def test_kq_by_lake_volume(volume: float, kq: float) -> None:
    assert exceedance.suggest_kq(lake_volume_m3=volume) == kq


def test_kq_for_coastal_water_depends_on_recreation() -> None:
    assert exceedance.suggest_kq(coastal="recreation") == 1.0
    assert exceedance.suggest_kq(coastal="other") == 1.3


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"flow_m3s": 10, "lake_volume_m3": 1e6}, {"flow_m3s": -1}, {"coastal": "beach"}],
)
def test_kq_needs_exactly_one_valid_basis(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        exceedance.suggest_kq(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("flow", "kf"),
    [(10, 1.2), (50, 1.2), (50.5, 1.1), (500, 1.1), (500.1, 1.0), (5000, 1.0), (5001, 0.9)],
)
def test_kf_by_discharge_is_inclusive_at_each_upper_bound(flow: float, kf: float) -> None:
    assert exceedance.suggest_kf(flow) == kf


def test_k_table_is_flagged_unverified() -> None:
    assert exceedance.k_table()["verified"] is False


def _data(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_limit_sets_use_only_canonical_parameter_codes_and_units() -> None:
    parameters = {entry["code"]: entry for entry in _data("parameters.json")}
    limits = [
        (limit_set, row) for limit_set in _data("limit_sets.json") for row in limit_set["limits"]
    ]

    assert limits
    for limit_set, row in limits:
        assert row["parameter"] in parameters, row
        assert limit_set["medium"] in parameters[row["parameter"]]["medium"], row
        assert row["averaging"] in ("1h", "8h", "24h", "year", "instant")
        assert row["min"] is not None or row["max"] is not None


def test_qcvn_40_2011_columns_have_33_rows_and_never_scale_the_exempt_ones() -> None:
    columns = {
        s["column"]: s for s in _data("limit_sets.json") if s["code"] == "QCVN 40:2011/BTNMT"
    }

    assert sorted(columns) == ["A", "B"]
    for column in columns.values():
        rows = {row["parameter"]: row for row in column["limits"]}
        assert len(column["limits"]) == len(rows) == 33
        exempt = {code for code, row in rows.items() if not row["apply_k"]}
        assert exempt == {"Temp", "Color", "pH", "Coliform", "GrossAlpha", "GrossBeta"}
        assert column["verified"] is False and rows["Cl"]["verified"] is False
    assert (columns["A"]["limits"][2]["min"], columns["A"]["limits"][2]["max"]) == (6, 9)
    assert (columns["B"]["limits"][2]["min"], columns["B"]["limits"][2]["max"]) == (5.5, 9)


def test_qcvn_05_2023_tightens_pm25_from_2026() -> None:
    versions = [s for s in _data("limit_sets.json") if s["code"] == "QCVN 05:2023/BTNMT"]
    pm25 = {
        s["valid_from"]: next(
            row["max"]
            for row in s["limits"]
            if (row["parameter"], row["averaging"]) == ("PM2.5", "24h")
        )
        for s in versions
    }

    assert pm25 == {"2023-09-12": 50, "2026-01-01": 45}
    assert [s["valid_to"] for s in versions] == ["2025-12-31", None]


def test_parameter_aliases_are_unique_and_ranges_are_ordered() -> None:
    parameters = _data("parameters.json")
    aliases = [alias for entry in parameters for alias in entry["aliases"]]

    assert len(aliases) == len(set(aliases))
    assert "PM2,5" in next(e["aliases"] for e in parameters if e["code"] == "PM2.5")
    assert all(entry["min"] < entry["max"] for entry in parameters)
