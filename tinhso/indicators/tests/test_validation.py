"""Pure checks run on submit: numbers typed by people, rules, outliers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tinhso.indicators import validation
from tinhso.indicators.choices import FlagKind
from tinhso.indicators.expressions import parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234,5", "1234.5"), ("1.200", "1200"), ("1 250", "1250"), ("1.5", "1.5"), ("-7", "-7")],
)
def test_people_may_type_numbers_the_vietnamese_way(text: str, expected: str) -> None:
    assert validation.parse_number(text, "number", localized=True) == Decimal(expected)


def test_exchange_formats_read_a_plain_decimal_point() -> None:
    assert validation.parse_number("1.200", "number") == Decimal("1.2")


@pytest.mark.parametrize(
    ("text", "value_type", "message"),
    [
        ("abc", "number", "không phải là số"),
        ("2,5", "integer", "số nguyên"),
        ("120", "percentage", "0 đến 100"),
        ("NaN", "number", "không phải là số"),
    ],
)
def test_bad_numbers_get_a_bilingual_reason(text: str, value_type: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validation.parse_number(text, value_type, localized=True)


def test_a_rule_with_a_side_lacking_data_is_skipped() -> None:
    left, right = parse("#{A}"), parse("#{B}")
    [a, b] = sorted(left.references() | right.references(), key=lambda r: r.code)
    assert validation.check_rule(left, "<=", right, {a: 3.0, b: None}).passed is None
    assert validation.check_rule(left, "<=", right, {a: 3.0, b: 2.0}).passed is False
    assert validation.check_rule(left, "==", right, {a: 0.1 + 0.2, b: 0.3}).passed is True


def test_modified_z_needs_enough_history_and_spread() -> None:
    assert validation.modified_z(500, [100, 101, 102]) is None
    assert validation.modified_z(500, [100] * 8) is None
    score = validation.modified_z(500, [100, 101, 102, 100, 101, 102])
    assert score is not None and score > validation.Z_LIMIT


def test_outliers_compare_with_the_same_period_last_year() -> None:
    assert [o.kind for o in validation.outliers(160, [], 100)] == [FlagKind.LAST_YEAR]
    assert validation.outliers(140, [], 100) == []
    assert validation.outliers(140, [], 0) == []
