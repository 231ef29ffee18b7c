"""Validators for Vietnamese personal and business identifiers, shared by models, forms and API.

* Citizen identity number (số định danh cá nhân / CCCD): 12 digits laid out by Circular
  07/2016/TT-BCA — a 3-digit province-of-birth code, one digit for century and sex, the last two
  digits of the birth year and six random digits. Province codes are the 63 pre-2025 provinces'
  GSO codes zero-padded to three digits (``data/cccd-province-codes.csv``); the 2025 merger did
  not reissue numbers, so the old list stays valid.
* Tax code (mã số thuế): 10 digits with a check digit, or 13 for a branch, via ``stdnum.vn.mst``.
* Phone number: a Vietnamese number of 10 or 11 digits starting with 0 (``+84`` is accepted).

Every error is a Django ``ValidationError`` with a stable ``code`` and a Vietnamese message;
:func:`api_message` adds the English wording for API clients.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

PROVINCE_CODES_FILE = Path(__file__).resolve().parent / "data" / "cccd-province-codes.csv"

_MESSAGES = {
    "cccd_format": (
        _("Số CCCD phải gồm đúng 12 chữ số."),
        "A citizen identity number has exactly 12 digits.",
    ),
    "cccd_province": (
        _("Mã tỉnh nơi đăng ký khai sinh %(code)s không có trong danh mục."),
        "The province-of-birth code %(code)s is not in the list of province codes.",
    ),
    "cccd_century": (
        _("Chữ số thế kỷ và giới tính %(digit)s chỉ một thế kỷ chưa tới."),
        "The century-and-sex digit %(digit)s points to a century that has not begun.",
    ),
    "cccd_future_year": (
        _("Năm sinh %(year)s nằm trong tương lai."),
        "The year of birth %(year)s is in the future.",
    ),
    "mst_format": (
        _("Mã số thuế chỉ gồm chữ số (có thể có dấu gạch trước 3 số cuối)."),
        "A tax code has only digits (optionally a dash before the last three).",
    ),
    "mst_length": (
        _("Mã số thuế phải có 10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc."),
        "A tax code has 10 digits, or 13 for a branch.",
    ),
    "mst_checksum": (
        _("Chữ số kiểm tra của mã số thuế không đúng."),
        "The tax code's check digit is wrong.",
    ),
    "mst_component": (
        _("Mã số thuế có phần không hợp lệ."),
        "A part of the tax code is not valid.",
    ),
    "phone_format": (
        _("Số điện thoại phải gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84."),
        "A phone number has 10 or 11 digits and starts with 0 or +84.",
    ),
}

_DIGITS_12 = re.compile(r"\d{12}")
_PHONE = re.compile(r"0\d{9,10}")


@dataclass(frozen=True)
class CitizenId:
    """The parts of a valid CCCD number."""

    number: str
    province_code: str
    province: str
    birth_year: int
    female: bool


def _fail(error_code: str, /, **params: object) -> NoReturn:
    message = _MESSAGES[error_code][0]
    raise ValidationError(message, code=error_code, params=params or None)


@cache
def province_codes() -> dict[str, str]:
    """Return the 3-digit CCCD province codes mapped to their (pre-2025) province names."""
    with PROVINCE_CODES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["province"] for row in csv.DictReader(handle)}


def normalize_citizen_id(value: str) -> str:
    """Return ``value`` without spaces, dots or dashes (people type ``001 090 012345``)."""
    return re.sub(r"[\s.\-]", "", value or "")


def parse_citizen_id(value: str, *, today: date | None = None) -> CitizenId:
    """Check a CCCD number and return its parts.

    Raises:
        ValidationError: code ``cccd_format``, ``cccd_province``, ``cccd_century`` or
            ``cccd_future_year``.
    """
    number = normalize_citizen_id(value)
    if not _DIGITS_12.fullmatch(number):
        _fail("cccd_format")
    province_code = number[:3]
    provinces = province_codes()
    if province_code not in provinces:
        _fail("cccd_province", code=province_code)
    digit = int(number[3])
    century_start = 1900 + 100 * (digit // 2)
    current_year = (today or timezone.localdate()).year
    if century_start > current_year:
        _fail("cccd_century", digit=digit)
    birth_year = century_start + int(number[4:6])
    if birth_year > current_year:
        _fail("cccd_future_year", year=birth_year)
    return CitizenId(
        number=number,
        province_code=province_code,
        province=provinces[province_code],
        birth_year=birth_year,
        female=digit % 2 == 1,
    )


def validate_citizen_id(value: str) -> None:
    """Model and form validator for a CCCD number (see :func:`parse_citizen_id`)."""
    parse_citizen_id(value)


def normalize_tax_code(value: str) -> str:
    """Return the tax code as digits only (``0314409058-002`` → ``0314409058002``)."""
    return str(mst.compact(value or ""))


def validate_tax_code(value: str) -> None:
    """Model and form validator for a tax code (mã số thuế), checked by ``stdnum.vn.mst``.

    Raises:
        ValidationError: code ``mst_format``, ``mst_length``, ``mst_checksum`` or
            ``mst_component``.
    """
    try:
        mst.validate(value)
    except InvalidLength:
        _fail("mst_length")
    except InvalidChecksum:
        _fail("mst_checksum")
    except InvalidComponent:
        _fail("mst_component")
    except StdnumError:
        _fail("mst_format")


def normalize_phone(value: str) -> str:
    """Return a phone number as national digits (``+84 912 345 678`` → ``0912345678``)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits


def validate_phone(value: str) -> None:
    """Model and form validator for a Vietnamese phone number.

    Raises:
        ValidationError: code ``phone_format``.
    """
    if not _PHONE.fullmatch(normalize_phone(value)):
        _fail("phone_format")


def api_message(error: ValidationError) -> str:
    """Return the Vietnamese message of ``error`` followed by its English wording, for the API."""
    parts = []
    for item in error.error_list:
        params = item.params or {}
        vietnamese = str(item.message) % params if params else str(item.message)
        english_template = _MESSAGES.get(item.code or "", ("", ""))[1]
        english = english_template % params if params else english_template
        parts.append(f"{vietnamese} ({english})" if english else vietnamese)
    return " ".join(parts)
