"""The demo directory that `tinhso demo` loads (the whole country: a few seconds)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest

from tinhso.core import registry
from tinhso.directory import queries
from tinhso.directory.choices import UnitLevel
from tinhso.directory.demo import load_demo
from tinhso.directory.models import AdministrativeUnit, Agency, AgencyCode
from tinhso.directory.validators import validate_agency_code

pytestmark = pytest.mark.django_db

# Other apps attach demo accounts to these agencies by name.
NAMED_AGENCIES = {
    "Ủy ban nhân dân tỉnh Bắc Ninh": "24",
    "Văn phòng Ủy ban nhân dân tỉnh Bắc Ninh": "24",
    "Sở Khoa học và Công nghệ tỉnh Bắc Ninh": "24",
    "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh": "24",
    "Sở Tài chính tỉnh Bắc Ninh": "24",
    "Sở Nội vụ tỉnh Bắc Ninh": "24",
    "Sở Y tế tỉnh Bắc Ninh": "24",
    "Sở Giáo dục và Đào tạo tỉnh Bắc Ninh": "24",
    "Sở Xây dựng tỉnh Bắc Ninh": "24",
    "Sở Công Thương tỉnh Bắc Ninh": "24",
    "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh": "24",
    "Ủy ban nhân dân phường Bắc Giang": "07210",
    "Ủy ban nhân dân xã Tuấn Đạo": "07663",
}
HISTORIC_AGENCIES = {
    "Ủy ban nhân dân tỉnh Bắc Giang": "24",
    "Ủy ban nhân dân thành phố Bắc Giang": "213",
    "Ủy ban nhân dân huyện Lục Ngạn": "219",
}


def test_demo_loads_country_transition_and_agencies_idempotently() -> None:
    out = StringIO()
    load_demo(out)
    counts = (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        AgencyCode.objects.count(),
    )
    load_demo(out)

    today = queries.today()
    assert (AdministrativeUnit.objects.count(), Agency.objects.count()) == counts[:2]
    assert AgencyCode.objects.count() == counts[2] == counts[1]
    assert queries.units_on(today).filter(level=UnitLevel.COMMUNE).count() == 3321
    assert queries.units_on(today).filter(level=UnitLevel.PROVINCE).count() == 34
    assert "0 new" in out.getvalue().splitlines()[-1]
    for name, code in NAMED_AGENCIES.items():
        agency = Agency.objects.get(name=name)
        assert agency.is_valid_on(today) and agency.unit.code == code
    for name, code in HISTORIC_AGENCIES.items():
        agency = Agency.objects.get(name=name)
        assert agency.valid_to == datetime.date(2025, 6, 30) and agency.unit.code == code
    successor = Agency.objects.get(name="Ủy ban nhân dân tỉnh Bắc Ninh")
    assert successor.predecessor is not None
    assert successor.predecessor.name == "Ủy ban nhân dân tỉnh Bắc Giang"
    for record in AgencyCode.objects.all():
        validate_agency_code(record.code)
        assert not record.verified and record.source.startswith("DEMO")


def test_demo_step_is_registered_for_tinhso_demo() -> None:
    steps = {step.key: step for step in registry.demo_loaders()}

    assert steps["directory"].load is load_demo
