"""The shipped reference data: parameters and QCVN limit sets, loaded idempotently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tinhso.environment import seed
from tinhso.environment.choices import Averaging
from tinhso.environment.models import Limit, LimitSet, Parameter

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Parameter.objects.count(), LimitSet.objects.count(), Limit.objects.count()


def test_loading_twice_creates_the_rows_once() -> None:
    first = seed.load_reference_data()
    after_first = counts()
    second = seed.load_reference_data()
    assert after_first == (first.parameters, first.limit_sets, first.limits)
    assert min(after_first) > 0
    assert counts() == after_first
    assert (second.parameters, second.limit_sets, second.limits) == (0, 0, 0)
    assert (second.parameters_existing, second.limit_sets_existing, second.limits_existing) == (
        after_first
    )


def test_qcvn_05_2023_lowers_the_pm25_day_limit_from_50_to_45_in_2026() -> None:
    seed.load_reference_data()
    day_limits = {
        limit.limit_set.version: limit.max_value
        for limit in Limit.objects.filter(
            limit_set__code="QCVN 05:2023/BTNMT", parameter__code="PM2.5", averaging=Averaging.DAY
        ).select_related("limit_set")
    }
    assert day_limits == {"2023": 50, "2026": 45}


def test_an_operators_correction_survives_a_reload() -> None:
    seed.load_reference_data()
    limit = Limit.objects.get(
        limit_set__code="QCVN 40:2011/BTNMT", limit_set__column="B", parameter__code="COD"
    )
    Limit.objects.filter(pk=limit.pk).update(max_value=140, verified=True)
    seed.load_reference_data()
    limit.refresh_from_db()
    assert (limit.max_value, limit.verified) == (140, True)


def test_a_limit_in_another_unit_than_its_parameter_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sets = json.loads(seed.LIMIT_SETS_JSON.read_text(encoding="utf-8"))
    sets[0]["limits"][0]["unit"] = "mg/L"
    broken = tmp_path / "limit_sets.json"
    broken.write_text(json.dumps(sets), encoding="utf-8")
    monkeypatch.setattr(seed, "LIMIT_SETS_JSON", broken)
    with pytest.raises(ValueError, match="mg/L"):
        seed.load_reference_data()
    assert counts() == (0, 0, 0)
