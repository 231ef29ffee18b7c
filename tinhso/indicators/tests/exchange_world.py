"""Test data shared by the ADX and SDMX tests: units, elements, regimes, people, values.

``build()`` makes, with explicit names: province ``24`` (Bắc Giang until 30/06/2025, Bắc Ninh
from 01/07/2025) with communes ``07663`` (Tuấn Đạo) and ``07210`` (Bắc Giang) under the new
one; elements ``WORK_ONLINE`` (integer, dimensions ``level`` and ``channel``) and
``GRDP_GROWTH`` (percentage, none); regimes ``BC_DVC_QUY`` (WORK_ONLINE) and ``BC_KT_NAM``
(GRDP_GROWTH); an ``operator`` (province) and ``officer_commune`` (data officer of 07663).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tinhso.accounts.choices import Role
from tinhso.accounts.models import User
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import UserFactory, grant
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.models import DataElement, DataValue, ReportingRegime

DATA_VALUE_SETS = "/api/v1/indicators/dataValueSets"

# Every period type, both units' codes, a disaggregation and a comment.
PAYLOAD = {
    "dataValues": [
        {
            "dataElement": "WORK_ONLINE",
            "period": "2025Q3",
            "orgUnit": "24",
            "categoryOptionCombo": "level=commune",
            "value": "412",
        },
        {
            "dataElement": "WORK_ONLINE",
            "period": "2025Q3",
            "orgUnit": "24",
            "categoryOptionCombo": "channel=online;level=province",
            "value": "38",
        },
        {"dataElement": "WORK_ONLINE", "period": "2025Q3", "orgUnit": "24", "value": "450"},
        {"dataElement": "WORK_ONLINE", "period": "202508", "orgUnit": "07663", "value": "17"},
        {
            "dataElement": "GRDP_GROWTH",
            "period": "2025",
            "orgUnit": "24",
            "value": "6.25",
            "comment": "ước tính, <sơ bộ> & chưa duyệt",
        },
        {"dataElement": "GRDP_GROWTH", "period": "2025S1", "orgUnit": "24", "value": "5.1"},
        {"dataElement": "GRDP_GROWTH", "period": "2025S2", "orgUnit": "07210", "value": "7"},
    ]
}


@dataclass
class World:
    """What ``build()`` made."""

    old: AdministrativeUnit
    province: AdministrativeUnit
    commune: AdministrativeUnit
    other: AdministrativeUnit
    operator: User
    officer: User


def build() -> World:
    """Create the units, elements, regimes and people described in the module docstring."""
    old = AdministrativeUnit.objects.create(
        code="24",
        name="Tỉnh Bắc Giang",
        type="tinh",
        level=1,
        valid_from=datetime.date(1997, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    province = AdministrativeUnit.objects.create(
        code="24", name="Tỉnh Bắc Ninh", type="tinh", level=1, valid_from=datetime.date(2025, 7, 1)
    )
    commune = AdministrativeUnit.objects.create(
        code="07663",
        name="Xã Tuấn Đạo",
        type="xa",
        level=3,
        parent=province,
        valid_from=datetime.date(2025, 7, 1),
    )
    other = AdministrativeUnit.objects.create(
        code="07210",
        name="Phường Bắc Giang",
        type="phuong",
        level=3,
        parent=province,
        valid_from=datetime.date(2025, 7, 1),
    )
    work = DataElement.objects.create(
        code="WORK_ONLINE",
        name="Hồ sơ trực tuyến",
        value_type="integer",
        aggregation_time="sum",
        aggregation_space="sum",
        dimensions=["level", "channel"],
    )
    growth = DataElement.objects.create(
        code="GRDP_GROWTH",
        name="Tăng trưởng GRDP",
        value_type="percentage",
        aggregation_time="last",
        aggregation_space="none",
    )
    quarterly = ReportingRegime.objects.create(
        code="BC_DVC_QUY", name="Báo cáo dịch vụ công hằng quý", period_type="Quarterly"
    )
    quarterly.data_elements.add(work)
    yearly = ReportingRegime.objects.create(
        code="BC_KT_NAM", name="Báo cáo kinh tế hằng năm", period_type="Yearly"
    )
    yearly.data_elements.add(growth)
    operator = UserFactory.create(username="operator")
    grant(operator, Role.OPERATOR, Scope.province())
    officer = UserFactory.create(username="officer_commune")
    grant(officer, Role.DATA_OFFICER, Scope.of_unit(commune.pk))
    return World(old, province, commune, other, operator, officer)


def load_payload(client: Client, body: Any = None) -> dict[str, Any]:
    """Import ``PAYLOAD`` (or ``body``) through dataValueSets; return its ImportSummary."""
    response = client.post(
        DATA_VALUE_SETS, json.dumps(body or PAYLOAD), content_type="application/json"
    )
    summary: dict[str, Any] = response.json()
    return summary


def stored() -> set[tuple[str, int, str, str, str, str]]:
    """Every stored value as (element, unit id, period, dimensions, value, note)."""
    return {
        (
            v.data_element.code,
            v.unit_id,
            v.period,
            json.dumps(v.dimensions, sort_keys=True),
            format(v.value.normalize(), "f"),
            v.note,
        )
        for v in DataValue.objects.select_related("data_element")
    }
