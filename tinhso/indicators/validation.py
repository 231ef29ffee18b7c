"""Checks run when a report is submitted: validation rules and outlier flags (pure functions).

* A **validation rule** compares two expressions over one unit and period's values
  (``#{WORK_ONLINE} <= #{WORK_TOTAL}``). A side with no data skips the rule, as DHIS2's
  ``SKIP_IF_ANY_VALUE_MISSING``; a comparison of equals allows a relative tolerance of 1e-9.
* **Outliers** are flagged two ways, each needing enough history to mean something:
  the *modified z-score* ``0.6745 · (x − median) / MAD`` over the same cell's earlier periods
  (Iglewicz and Hoaglin; flagged above :data:`Z_LIMIT`, needs :data:`MIN_HISTORY` values and a
  non-zero MAD), and the change from the *same period last year* (flagged when it exceeds
  :data:`YEAR_CHANGE_LIMIT` of last year's value, which must not be zero).
Flags do not block submission; they point the approver at numbers worth a second look.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from tinhso.indicators.choices import FlagKind, Operator, ValueType
from tinhso.indicators.expressions import Expression, Reference

# What a stored value holds (DataValue.value: 20 digits, 6 after the point).
LIMIT = Decimal(10) ** 14
_PLACES = Decimal("0.000001")

_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")

Z_LIMIT = 3.5
MIN_HISTORY = 6
YEAR_CHANGE_LIMIT = 0.5

_COMPARE = {
    Operator.EQUAL: lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
    Operator.NOT_EQUAL: lambda a, b: not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
    Operator.LESS: lambda a, b: a < b,
    Operator.LESS_OR_EQUAL: lambda a, b: a <= b,
    Operator.GREATER: lambda a, b: a > b,
    Operator.GREATER_OR_EQUAL: lambda a, b: a >= b,
}


def parse_number(text: str, value_type: str, *, localized: bool = False) -> Decimal:
    """Read a reported number; raise ValueError with a bilingual message if it is not one.

    Exchange formats use a plain decimal point. ``localized`` (forms and spreadsheets typed by
    people) also accepts spaces and the Vietnamese style, where dots group thousands and the
    comma is the decimal mark: ``1.234,5`` and ``1.200`` (one thousand two hundred); a dot not
    followed by groups of three digits stays a decimal point (``1.5``).
    """
    cleaned = text.strip()
    if localized:
        cleaned = cleaned.replace(" ", "").replace("\u00a0", "")
        if "," in cleaned or _THOUSANDS.fullmatch(cleaned):
            cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValueError(f"Giá trị không phải là số: {text!r} (value is not a number: {text!r})")
    if abs(number) >= LIMIT:
        raise ValueError(
            f"Giá trị quá lớn (tối đa 14 chữ số phần nguyên): {text!r} "
            f"(value too large, at most 14 integer digits: {text!r})"
        )
    # Values are kept to 6 decimal places (1/3 typed in a spreadsheet is 0.333333).
    if number != number.quantize(_PLACES, rounding=ROUND_HALF_EVEN):
        number = number.quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    if value_type == ValueType.INTEGER and number != number.to_integral_value():
        raise ValueError(
            f"Giá trị phải là số nguyên: {text!r} (value must be an integer: {text!r})"
        )
    if value_type == ValueType.PERCENTAGE and not 0 <= number <= 100:
        raise ValueError(
            f"Tỷ lệ phải từ 0 đến 100: {text!r} (percentage must be between 0 and 100: {text!r})"
        )
    return number


@dataclass(frozen=True)
class RuleOutcome:
    """Both sides of a rule as evaluated; ``passed`` is None when a side had no data."""

    left: float | None
    right: float | None
    passed: bool | None


def check_rule(
    left: Expression,
    operator: str,
    right: Expression,
    values: Mapping[Reference, float | None],
) -> RuleOutcome:
    """Evaluate ``left operator right`` over ``values`` (missing references are no data)."""
    a = left.evaluate(values)
    b = right.evaluate(values)
    if a is None or b is None:
        return RuleOutcome(a, b, None)
    return RuleOutcome(a, b, _COMPARE[Operator(operator)](a, b))


@dataclass(frozen=True)
class Outlier:
    """Why a value looks unusual: the kind, its score and the value it was compared with."""

    kind: FlagKind
    score: float
    reference: float


def modified_z(value: float, history: Sequence[float]) -> float | None:
    """The modified z-score of ``value`` against ``history``; None with too little spread."""
    if len(history) < MIN_HISTORY:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad == 0:
        return None
    return 0.6745 * (value - median) / mad


def outliers(value: float, history: Sequence[float], last_year: float | None) -> list[Outlier]:
    """The flags ``value`` earns against its earlier periods and the same period last year."""
    found = []
    z = modified_z(value, history)
    if z is not None and abs(z) > Z_LIMIT:
        found.append(Outlier(FlagKind.MODIFIED_Z, z, statistics.median(history)))
    if last_year:
        change = (value - last_year) / abs(last_year)
        if abs(change) > YEAR_CHANGE_LIMIT:
            found.append(Outlier(FlagKind.LAST_YEAR, change, last_year))
    return found
