"""VN_WQI per Decision 1460 with its unverified tables as data: hand-computed cases."""

from __future__ import annotations

import copy
import math

import pytest

from tinhso.environment import wqi

# pH 7 → 100; BOD5 5 → 87.5; COD 20 → 75 − 25/15·5 = 66.667; NH4 0.45 → 62.5;
# Coliform 3750 → 87.5. Group IV mean = 72.222, group V = 87.5.
SAMPLE = {"pH": 7.0, "BOD5": 5.0, "COD": 20.0, "NH4": 0.45, "Coliform": 3750.0}
IV_MEAN = (87.5 + (75 - 25 / 15 * 5) + 62.5) / 3


def test_sample_uses_the_weighted_formula_by_default() -> None:
    result = wqi.compute(SAMPLE)

    weighted = (IV_MEAN**2 * 87.5) ** (1 / 3)  # 76.99
    assert result.sub_indices == pytest.approx(
        {"pH": 100, "BOD5": 87.5, "COD": 66.6667, "NH4": 62.5, "Coliform": 87.5}, abs=1e-3
    )
    assert result.groups == pytest.approx({"I": 100, "IV": IV_MEAN, "V": 87.5})
    assert result.wqi == round(weighted) == 77
    assert result.level is not None and result.level.name_vi == "Tốt"
    assert result.missing_reason is None


def test_an_edited_table_passed_in_changes_the_result() -> None:
    table = copy.deepcopy(wqi.shipped_table())
    table["formula"] = "unweighted"
    stricter = copy.deepcopy(wqi.shipped_table())
    stricter["parameters"]["BOD5"]["points"] = [[2, 100], [4, 75], [6, 50], [15, 25], [25, 10]]

    unweighted = wqi.compute(SAMPLE, table)
    strict = wqi.compute(SAMPLE, stricter)

    assert unweighted.wqi == round(math.sqrt(IV_MEAN * 87.5)) == 79
    assert strict.sub_indices["BOD5"] == pytest.approx(62.5)  # 5 between 4 (75) and 6 (50)
    assert strict.wqi == round((((62.5 + 66.6667 + 62.5) / 3) ** 2 * 87.5) ** (1 / 3)) == 71


def test_without_group_v_the_core_is_the_group_iv_mean() -> None:
    result = wqi.compute({"pH": 5.75, "As": 0.015, "BOD5": 5.0, "COD": 20.0, "NH4": 0.45})

    # pH 5.75 → 75 (rising 50→100 over 5.5..6); As 0.015 → 87.5 (one value: GM = itself).
    expected = 0.75 * 0.875 * IV_MEAN
    assert result.groups["I"] == pytest.approx(75)
    assert result.groups["III"] == pytest.approx(87.5)
    assert result.wqi == round(expected) == 47
    assert result.level is not None and result.level.name_vi == "Xấu"


def test_heavy_metals_and_pesticides_use_the_geometric_mean() -> None:
    values = {**SAMPLE, "As": 0.015, "Cu": 0.1, "Aldrin": 0.1, "BHC": 0.05}
    result = wqi.compute(values)

    assert result.groups["III"] == pytest.approx(math.sqrt(87.5 * 100))
    assert result.groups["II"] == pytest.approx(math.sqrt(100 * 10))  # Aldrin ≤ 0.1, BHC > 0.02
    assert result.wqi == round(
        math.sqrt(1000) / 100 * math.sqrt(8750) / 100 * (IV_MEAN**2 * 87.5) ** (1 / 3)
    )


@pytest.mark.parametrize(
    ("ph", "expected"),
    [(5.4, 10), (5.5, 50), (5.75, 75), (6, 100), (7, 100), (8.5, 100), (8.75, 75), (9, 50),
     (9.1, 10)],
)  # fmt: skip
def test_ph_is_two_sided(ph: float, expected: float) -> None:
    assert wqi.compute({"pH": ph}).sub_indices["pH"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("BOD5", 4, 100),
        ("BOD5", 3, 100),
        ("BOD5", 20, 37.5),  # 50 − 25/10·5
        ("BOD5", 50, 10),
        ("BOD5", 80, 10),
        ("NH4", 0.29, 100),  # below the first point
        ("NH4", 0.3, 75),
        ("NH4", 2.95, 17.5),  # 25 − 15/4.1·2.05
        ("NO3", 15, 25),
        ("NO3", 15.1, 10),
        ("NO2w", 0.05, 100),
        ("NO2w", 0.051, 10),
        ("Hg", 0.01, 25),
        ("Hg", 0.011, 10),
        ("Coliform", 10001, 10),
        ("Heptachlor", 0.2, 100),
        ("DDTs", 1.01, 10),
    ],
)
def test_falling_curves_and_thresholds(parameter: str, value: float, expected: float) -> None:
    spec = wqi.shipped_table()["parameters"][parameter]
    assert wqi.sub_index(spec, value) == pytest.approx(expected)


def test_do_in_mg_per_litre_becomes_percent_saturation_with_the_temperature() -> None:
    saturation = 14.652 - 0.41022 * 25 + 0.0079910 * 25**2 - 0.000077774 * 25**3  # 8.1756
    low = 4.0 / saturation * 100  # 48.93 % → 25 + 25/30·(48.93 − 20)

    by_argument = wqi.compute({"DO": 4.0, "BOD5": 4, "COD": 10}, temperature=25)
    by_reading = wqi.compute({"DO": 4.0, "Temp": 25.0, "BOD5": 4, "COD": 10})
    direct = wqi.compute({"DO%": 100.0, "BOD5": 4, "COD": 10})

    assert wqi.do_saturation(25) == pytest.approx(saturation)
    assert by_argument.sub_indices["DO"] == pytest.approx(25 + 25 / 30 * (low - 20))
    assert by_reading.sub_indices == by_argument.sub_indices
    assert direct.sub_indices["DO"] == 100


@pytest.mark.parametrize(("percent", "expected"), [(19, 10), (88, 100), (112, 100), (137.5, 62.5),
                                                   (200, 25), (201, 10)])  # fmt: skip
def test_do_saturation_curve_is_two_sided(percent: float, expected: float) -> None:
    assert wqi.compute({"DO%": percent}).sub_indices["DO"] == pytest.approx(expected)


def test_do_without_temperature_is_ignored_with_a_reason() -> None:
    result = wqi.compute({"DO": 6.0, "BOD5": 4, "COD": 10, "pH": 7, "Coliform": 100})

    assert "DO" in result.ignored and "DO" not in result.sub_indices
    assert result.wqi is None and result.missing_reason is not None  # IV is left with 2


def test_too_few_groups_gives_no_index_with_a_reason() -> None:
    result = wqi.compute({"BOD5": 5.0, "COD": 20.0, "NH4": 0.45, "Coliform": 3750.0})

    assert (result.wqi, result.level) == (None, None)
    assert result.missing_reason is not None and "3" in result.missing_reason
    assert result.groups["IV"] == pytest.approx(IV_MEAN)


def test_group_iv_with_two_parameters_gives_no_index() -> None:
    result = wqi.compute({"pH": 7, "As": 0.01, "BOD5": 5.0, "COD": 20.0, "Coliform": 3750.0})

    assert result.wqi is None
    assert result.missing_reason is not None and "IV" in result.missing_reason


def test_parameters_outside_the_index_are_ignored_and_negatives_refused() -> None:
    assert wqi.compute({**SAMPLE, "TSS": 12.0}).wqi == wqi.compute(SAMPLE).wqi
    with pytest.raises(ValueError):
        wqi.compute({**SAMPLE, "COD": -1.0})


@pytest.mark.parametrize(
    ("value", "name"),
    [(100, "Rất tốt"), (91, "Rất tốt"), (90, "Tốt"), (76, "Tốt"), (75, "Trung bình"),
     (51, "Trung bình"), (50, "Xấu"), (26, "Xấu"), (25, "Kém"), (10, "Kém"),
     (9, "Ô nhiễm rất nặng"), (0, "Ô nhiễm rất nặng")],
)  # fmt: skip
def test_levels_have_six_bands(value: int, name: str) -> None:
    assert wqi.level_for(value).name_vi == name


def test_shipped_table_is_flagged_unverified() -> None:
    table = wqi.shipped_table()

    assert table["verified"] is False
    assert table["formula"] in ("weighted", "unweighted")
    assert wqi.level_for(95).hex == "#3333ff"
