"""A small province with a monthly regime, two communes and the people who report and approve."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from tinhso.accounts.choices import Role
from tinhso.accounts.models import User
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import AgencyFactory, UnitFactory, UserFactory, grant
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions
from tinhso.indicators.models import (
    ApprovalStep,
    DataElement,
    ExpectedReporter,
    ReportingRegime,
    Submission,
    ValidationRule,
)

NOV = "202611"
ONLINE = ("WORK_ONLINE", '{"level":"commune"}')
TOTAL = ("WORK_TOTAL", '{"level":"commune"}')


@dataclass
class Setup:
    regime: ReportingRegime
    province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    officer_a: User
    officer_b: User
    department: User
    office: User


def element(code: str, **extra: Any) -> DataElement:
    return DataElement.objects.create(
        code=code,
        name=code,
        value_type=extra.pop("value_type", "integer"),
        aggregation_time="sum",
        aggregation_space="sum",
        dimensions=extra.pop("dimensions", ["level"]),
    )


@pytest.fixture
def setup(db: Any) -> Setup:
    """The regime of :func:`build_setup`, for tests that use the database."""
    return build_setup()


def build_setup() -> Setup:
    """A monthly regime BC-THU (two approval levels, one blocking rule) and its people."""
    province = UnitFactory.create(code="24", name="Tỉnh Bắc Ninh", type="tinh", level=1)
    commune_a = UnitFactory.create(code="07210", name="Phường Bắc Giang", parent=province)
    commune_b = UnitFactory.create(code="07663", name="Xã Tuấn Đạo", parent=province)
    so = AgencyFactory.create(name="Sở Khoa học và Công nghệ", kind="so", unit=province)
    vp = AgencyFactory.create(name="Văn phòng UBND tỉnh", kind="so", unit=province)
    regime = ReportingRegime.objects.create(
        code="BC-THU",
        name="Báo cáo thử",
        period_type="Monthly",
        cutoff_start_day=15,
        deadline_day_of_last_month=20,
        lock_after_days=60,
        dimension_options={"level": ["commune"]},
    )
    regime.data_elements.set([element("WORK_TOTAL"), element("WORK_ONLINE")])
    ApprovalStep.objects.create(regime=regime, order=1, name="Sở thẩm định", agency=so)
    ApprovalStep.objects.create(regime=regime, order=2, name="Văn phòng tổng hợp", agency=vp)
    ValidationRule.objects.create(
        code="VR-1",
        name="online ≤ total",
        regime=regime,
        left="#{WORK_ONLINE}",
        operator="<=",
        right="#{WORK_TOTAL}",
        importance="high",
        message="Số hồ sơ trên mạng lớn hơn tổng số.",
    )
    for unit in (commune_a, commune_b):
        ExpectedReporter.objects.create(
            regime=regime, unit=unit, valid_from=datetime.date(2025, 7, 1)
        )
    officer_a = UserFactory.create(username="canbo.a")
    grant(officer_a, Role.OFFICER, Scope.of_unit(commune_a.pk))
    officer_b = UserFactory.create(username="canbo.b")
    grant(officer_b, Role.OFFICER, Scope.of_unit(commune_b.pk))
    department = UserFactory.create(username="lanhdao.so")
    grant(department, Role.LEADER, Scope.of_agency(so.pk))
    office = UserFactory.create(username="lanhdao.vp")
    grant(office, Role.LEADER, Scope.of_agency(vp.pk))
    return Setup(regime, province, commune_a, commune_b, officer_a, officer_b, department, office)


def draft(s: Setup, unit: AdministrativeUnit | None = None) -> Submission:
    return actions.report_for(s.regime, unit or s.commune_a, NOV, actor=s.officer_a)


ON_TIME = datetime.date(2026, 11, 18)
