"""Format checks for the codes the directory stores."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tinhso.directory.choices import UnitLevel

# GSO/NSO codes: 2 digits for a province, 3 for a district, 5 for a commune, zero-padded.
UNIT_CODE_LENGTH = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
_UNIT_CODE = re.compile(r"\d{2}|\d{3}|\d{5}")
# QCVN 102:2016 agency identifier V1V2V3.Z1Z2.Y1Y2.MX1X2: 13 characters.
_AGENCY_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}")


def validate_unit_code(value: str) -> None:
    """Reject a unit code that is not 2, 3 or 5 digits (zero-padded, e.g. ``07201``)."""
    if not _UNIT_CODE.fullmatch(value):
        raise ValidationError(
            _("Mã ĐVHC %(code)s phải gồm 2, 3 hoặc 5 chữ số (ví dụ 07201)."),
            code="unit_code",
            params={"code": value},
        )


def validate_unit_code_for_level(code: str, level: int) -> None:
    """Reject a code whose length does not match the unit's level."""
    expected = UNIT_CODE_LENGTH[UnitLevel(level)]
    if len(code) != expected:
        raise ValidationError(
            _("Mã ĐVHC %(code)s không hợp với cấp đơn vị: cần %(length)s chữ số."),
            code="unit_code_level",
            params={"code": code, "length": expected},
        )


def validate_agency_code(value: str) -> None:
    """Reject an agency identifier not shaped ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` (QCVN 102:2016)."""
    if not _AGENCY_CODE.fullmatch(value):
        raise ValidationError(
            _("Mã định danh %(code)s không đúng dạng V1V2V3.Z1Z2.Y1Y2.MX1X2 (13 ký tự)."),
            code="agency_code",
            params={"code": value},
        )
