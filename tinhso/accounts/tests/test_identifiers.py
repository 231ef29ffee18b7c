"""Citizen identity numbers (CCCD), tax codes and phone numbers."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tinhso.accounts.identifiers import (
    api_message,
    parse_citizen_id,
    province_codes,
    validate_citizen_id,
    validate_phone,
    validate_tax_code,
)

TODAY = date(2026, 3, 1)


def _code(value: str, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as info:
        parse_citizen_id(value, **kwargs)  # type: ignore[arg-type]
    return str(info.value.code)


def test_province_list_has_the_63_pre_2025_provinces() -> None:
    codes = province_codes()
    assert len(codes) == 63
    assert codes["024"] == "Bắc Giang" and codes["027"] == "Bắc Ninh"
    assert codes["001"] == "Hà Nội" and codes["096"] == "Cà Mau"
    assert "003" not in codes and "097" not in codes


@pytest.mark.parametrize(
    ("number", "year", "female", "province"),
    [
        ("024090001234", 1990, False, "Bắc Giang"),
        ("001185004321", 1985, True, "Hà Nội"),
        ("027205123456", 2005, False, "Bắc Ninh"),
        ("079326000001", 2026, True, "Thành phố Hồ Chí Minh"),
        ("024 090 001 234", 1990, False, "Bắc Giang"),
    ],
)
def test_valid_cccd_is_parsed_into_its_parts(
    number: str, year: int, female: bool, province: str
) -> None:
    parsed = parse_citizen_id(number, today=TODAY)
    assert (parsed.birth_year, parsed.female, parsed.province) == (year, female, province)
    assert len(parsed.number) == 12


@pytest.mark.parametrize("number", ["", "02409000123", "0240900012345", "02409000123A", "abc"])
def test_cccd_that_is_not_twelve_digits_is_rejected(number: str) -> None:
    assert _code(number, today=TODAY) == "cccd_format"


@pytest.mark.parametrize("number", ["000090001234", "003090001234", "097090001234", "999090001234"])
def test_cccd_with_unknown_province_code_is_rejected(number: str) -> None:
    assert _code(number, today=TODAY) == "cccd_province"


@pytest.mark.parametrize("digit", ["4", "5", "6", "7", "8", "9"])
def test_cccd_century_digit_of_a_century_not_begun_is_rejected(digit: str) -> None:
    assert _code("024" + digit + "00001234", today=TODAY) == "cccd_century"


def test_cccd_birth_year_in_the_future_is_rejected() -> None:
    assert _code("024227001234", today=TODAY) == "cccd_future_year"
    assert parse_citizen_id("024226001234", today=TODAY).birth_year == 2026


def test_cccd_error_message_is_vietnamese_and_api_message_adds_english() -> None:
    with pytest.raises(ValidationError) as info:
        validate_citizen_id("097090001234")
    message = api_message(info.value)
    assert "Mã tỉnh nơi đăng ký khai sinh 097" in message
    assert "province-of-birth code 097" in message


@pytest.mark.parametrize("value", ["0100233488", "0314409058-002", "0314409058002", "2400123458"])
def test_valid_tax_codes_pass_stdnum(value: str) -> None:
    validate_tax_code(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0100233480", "mst_checksum"),
        ("2400123459", "mst_checksum"),
        ("12345", "mst_length"),
        ("01002334881", "mst_length"),
        ("01002334AB", "mst_format"),
    ],
)
def test_bad_tax_codes_are_rejected_with_their_reason(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_tax_code(value)
    assert info.value.code == code


@pytest.mark.parametrize("value", ["0912345678", "+84 912 345 678", "02043812345", "091.234.5678"])
def test_vietnamese_phone_numbers_are_accepted(value: str) -> None:
    validate_phone(value)


@pytest.mark.parametrize("value", ["912345678", "09123", "+1 555 0100", "0912345678901"])
def test_malformed_phone_numbers_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(value)


@pytest.mark.django_db
def test_user_model_validates_cccd_against_date_of_birth() -> None:
    from tinhso.accounts.models import User

    user = User(username="an", citizen_id="024090001234", date_of_birth=date(1991, 1, 1))
    user.set_unusable_password()
    with pytest.raises(ValidationError) as info:
        user.full_clean()
    assert "date_of_birth" in info.value.message_dict
    user.citizen_id = "024097001234"
    with pytest.raises(ValidationError) as info:
        user.full_clean()
    assert "date_of_birth" in info.value.message_dict
    user.citizen_id = "024091001234"
    user.full_clean()
