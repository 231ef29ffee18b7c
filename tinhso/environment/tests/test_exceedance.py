"""Limits under QCVN 40:2011: Cmax = C·Kq·Kf, ranges, and the Kq/Kf bands at their edges."""

from __future__ import annotations

import pytest

from tinhso.environment import exceedance


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
