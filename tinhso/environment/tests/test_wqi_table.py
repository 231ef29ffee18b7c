"""The VN_WQI tables are data: the one in force decides the index, a broken one is refused."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tinhso.environment import compute, wqi
from tinhso.environment.admin import WqiTableForm
from tinhso.environment.choices import IndexKind, Source
from tinhso.environment.ingest import RawReading, ingest
from tinhso.environment.models import IndexValue, Parameter, WqiTable
from tinhso.environment.seed import load_reference_data
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
DAY = datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
RIVER = {"pH": 7.0, "COD": 12.0, "NH4": 0.2, "DO": 7.5, "Temp": 25.0, "Coliform": 3000.0}


@pytest.fixture
def env() -> EnvironmentWorld:
    env = build_environment()
    coliform = Parameter.objects.create(code="Coliform", name="Coliform", unit="MPN/100 mL")
    env.river.parameters.add(coliform)
    return env


def river_day() -> int | None:
    ingest(
        [
            RawReading("cau-nm-01", code, (DAY + timedelta(hours=9)).isoformat(), value)
            for code, value in RIVER.items()
        ],
        source=Source.HTTP,
    )
    compute.recompute_all()
    return IndexValue.objects.get(kind=IndexKind.WQI_DAY, period=DAY).value


def test_the_reference_data_installs_the_shipped_table_once() -> None:
    load_reference_data()
    load_reference_data()
    assert WqiTable.objects.get().data == wqi.shipped_table()


def test_an_edited_table_in_force_changes_the_index(env: EnvironmentWorld) -> None:
    shipped = river_day()
    # A stricter COD curve: 12 mg/L now scores 50 instead of about 90.
    table = copy.deepcopy(wqi.shipped_table())
    table["parameters"]["COD"]["points"] = [[4, 100], [8, 75], [12, 50], [20, 25], [60, 10]]
    WqiTable.objects.create(name="Sửa thử", data=table)
    IndexValue.objects.all().delete()
    edited = river_day()
    means = {k: v for k, v in RIVER.items() if k != "Temp"}
    assert edited == wqi.compute(means, table=table, temperature=25.0).wqi
    assert shipped is not None and edited is not None and edited < shipped


def test_a_table_the_calculator_cannot_use_is_refused() -> None:
    form = WqiTableForm(data={"name": "Hỏng", "data": '{"groups": 3}', "active": True})
    assert not form.is_valid()
    assert "Bảng tra không dùng được" in str(form.errors["data"])
