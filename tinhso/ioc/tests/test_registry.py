"""The KPI registry and the operations centre's own KPIs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tinhso.ioc import registry
from tinhso.ioc.registry import Kpi, KpiValue


@pytest.fixture
def scratch() -> Iterator[None]:
    yield
    registry.unregister_kpi("zz.plain")
    registry.unregister_kpi("aa.first")


def test_registered_kpis_come_in_order_and_plain_values_are_wrapped(scratch: None) -> None:
    registry.register_kpi(Kpi("zz.plain", "Số thử", lambda user: 42, order=999))
    registry.register_kpi(Kpi("aa.first", "Đầu tiên", lambda user: KpiValue(1, tone="ok"), order=0))
    keys = [k.key for k in registry.kpis()]
    assert keys[0] == "aa.first" and keys[-1] == "zz.plain"
    plain = next(k for k in registry.kpis() if k.key == "zz.plain")
    assert registry.measure(plain, None) == KpiValue(42)


def test_replacing_a_kpi_keeps_one_entry(scratch: None) -> None:
    registry.register_kpi(Kpi("zz.plain", "Số thử", lambda user: 1))
    registry.register_kpi(Kpi("zz.plain", "Số thử", lambda user: 2))
    assert [registry.measure(k, None).value for k in registry.kpis() if k.key == "zz.plain"] == [2]


def test_an_unknown_tone_is_refused() -> None:
    with pytest.raises(ValueError):
        KpiValue(1, tone="purple")


def test_the_operations_centre_registers_its_own_kpis() -> None:
    keys = {k.key for k in registry.kpis()}
    assert {
        "environment.reporting",
        "environment.exceedances_today",
        "environment.worst_aqi",
        "services.backlog",
    } <= keys
