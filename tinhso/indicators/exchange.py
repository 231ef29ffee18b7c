"""DHIS2-compatible ``dataValueSets``: parse JSON/CSV payloads, check them, serialise values.

Identifiers are codes (DHIS2 ``idScheme=code``): ``dataElement`` is a data element code,
``orgUnit`` an administrative unit code resolved to the unit valid on the **end date** of the
value's period (codes are reused: ``24`` is Bắc Giang until 30/06/2025 and the new Bắc Ninh
from 01/07/2025). ``categoryOptionCombo`` is ``default`` (or absent) for no disaggregation,
otherwise ``name=option;name=option`` with names among the element's ``dimensions``.

Every value that cannot be imported becomes a conflict (``object``, ``value``) and is counted
as ignored; it is never dropped silently.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tinhso.accounts.permissions import Perm, can
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.actions import ValueRow
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import DataElement, DataValue
from tinhso.indicators.periods import Period
from tinhso.indicators.registry import registered
from tinhso.indicators.validation import parse_number

DEFAULT_COC = "default"
CSV_COLUMNS = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
)
# Header names other DHIS2 versions use for the same columns.
_CSV_ALIASES = {"catoptcombo": "categoryoptioncombo", "attroptcombo": "attributeoptioncombo"}
SUPPORTED_ID_SCHEME = "code"


class PayloadError(ValueError):
    """The payload as a whole cannot be read (bad JSON shape, unreadable CSV)."""


@dataclass(frozen=True, slots=True)
class RawValue:
    """One data value as received, all strings (DHIS2 sends values as strings)."""

    data_element: str
    period: str
    org_unit: str
    category_option_combo: str
    value: str
    comment: str = ""


@dataclass(frozen=True)
class Conflict:
    """Why one value was ignored: the offending identifier and a bilingual message."""

    object: str
    value: str


@dataclass
class Checked:
    """The values ready to store and the conflicts of those that are not."""

    rows: list[ValueRow] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def _text(item: Any) -> str:
    return "" if item is None else str(item).strip()


def parse_json(body: Any) -> list[RawValue]:
    """Read a DXF2 JSON data value set; header ``period``/``orgUnit`` fill values lacking them.

    Raises:
        PayloadError: the body is not an object with a ``dataValues`` list of objects.
    """
    if not isinstance(body, Mapping) or not isinstance(body.get("dataValues"), list):
        raise PayloadError(
            "Nội dung phải là đối tượng JSON có danh sách 'dataValues' "
            "(body must be a JSON object with a 'dataValues' list)."
        )
    period = _text(body.get("period"))
    org_unit = _text(body.get("orgUnit"))
    values = []
    for item in body["dataValues"]:
        if not isinstance(item, Mapping):
            raise PayloadError(
                "Mỗi phần tử của 'dataValues' phải là đối tượng "
                "(each item of 'dataValues' must be an object)."
            )
        values.append(
            RawValue(
                data_element=_text(item.get("dataElement")),
                period=_text(item.get("period")) or period,
                org_unit=_text(item.get("orgUnit")) or org_unit,
                category_option_combo=_text(item.get("categoryOptionCombo")),
                value=_text(item.get("value")),
                comment=_text(item.get("comment")),
            )
        )
    return values


def parse_csv(text: str) -> list[RawValue]:
    """Read DHIS2 CSV (``dataelement,period,orgunit,categoryoptioncombo,...``); header optional.

    A first row whose first cell is ``dataelement`` (any case) is a header and may reorder or
    omit columns; without it the columns are in the standard order.
    """
    rows = (row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if "".join(row).strip())
    first = next(rows, None)
    columns = list(CSV_COLUMNS)
    if first is not None and first[0].strip().lower() == "dataelement":
        header = [cell.strip().lower() for cell in first]
        columns = [_CSV_ALIASES.get(name, name) for name in header]
        first = None
    # Where each field is read from; a column named twice is read from its last position.
    where = {name: index for index, name in enumerate(columns)}
    fields = [
        where.get(name, -1)
        for name in ("dataelement", "period", "orgunit", "categoryoptioncombo", "value", "comment")
    ]
    # Missing columns read the empty cell appended to every row (index -1).
    de, pe, ou, coc, va, co = fields
    wanted = max(fields) + 1
    values = []
    for row in itertools.chain([] if first is None else [first], rows):
        if len(row) < wanted:
            row.extend([""] * (wanted - len(row)))
        row.append("")
        values.append(
            RawValue(
                row[de].strip(),
                row[pe].strip(),
                row[ou].strip(),
                row[coc].strip(),
                row[va].strip(),
                row[co].strip(),
            )
        )
    return values


# A dimension name or option: starts with a letter or digit (never '=', '+', '-', '@', which
# spreadsheets read as formulas), then letters, digits, spaces, '.', '_', '-', '/'.
_WORD = re.compile(r"\w[\w .\-/]*")


def parse_coc(text: str) -> dict[str, str]:
    """Read ``default`` / empty (no disaggregation) or ``level=commune;channel=online``.

    Raises:
        ValueError: a part is not ``name=option`` or a name repeats.
    """
    if not text or text.lower() == DEFAULT_COC:
        return {}
    dimensions: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, option = (piece.strip() for piece in part.partition("="))
        if (
            not sep
            or not _WORD.fullmatch(name)
            or not _WORD.fullmatch(option)
            or name in dimensions
        ):
            raise ValueError(
                f"Phân tổ không hợp lệ: {text!r}; dùng dạng 'tên=giá trị;...', chữ, số, "
                f"dấu cách, '.', '-', '/' (invalid categoryOptionCombo {text!r}; use "
                f"'name=option;...' with letters, digits, spaces, '.', '-', '/')"
            )
        dimensions[name] = option
    return dimensions


def format_coc(dimensions: Mapping[str, Any]) -> str:
    """Write a disaggregation as ``categoryOptionCombo`` (``default`` when there is none)."""
    if not dimensions:
        return DEFAULT_COC
    return ";".join(f"{name}={dimensions[name]}" for name in sorted(dimensions))


def check(values: Sequence[RawValue], *, user: Any) -> Checked:
    """Turn received values into rows to store, or conflicts; a fixed number of queries.

    Checks, per value: the data element exists; the period parses; the org unit code names a
    unit on the period's end date; the disaggregation uses the element's dimensions; the value
    is a number (an integer for integer elements); the unit is within the user's
    ``data.change`` scope.
    """
    result = Checked()
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={v.data_element for v in values})
    }
    units_by_code: dict[str, list[AdministrativeUnit]] = {}
    for candidate in AdministrativeUnit.objects.filter(code__in={v.org_unit for v in values}):
        units_by_code.setdefault(candidate.code, []).append(candidate)
    computed = {element.code for element in registered()}
    # A payload repeats few periods, units and disaggregations: each is checked once.
    periods: dict[str, Period | ValueError] = {}
    codes: dict[str, str] = {}  # canonical code of each period as received
    units: dict[tuple[str, str], AdministrativeUnit | None] = {}
    allowed: dict[int, bool] = {}
    cocs: dict[tuple[str, str], dict[str, str] | Conflict] = {}
    for raw in values:
        element = elements.get(raw.data_element)
        if element is not None and element.code in computed:
            result.conflicts.append(
                Conflict(
                    raw.data_element,
                    f"Phần tử {raw.data_element} do hệ thống tự tính, không nhận số liệu nhập "
                    f"(data element {raw.data_element} is computed by the system)",
                )
            )
            continue
        if element is None:
            result.conflicts.append(
                Conflict(
                    raw.data_element or _label(raw),
                    f"Không có phần tử dữ liệu mã {raw.data_element!r} "
                    f"(data element not found: {raw.data_element!r})",
                )
            )
            continue
        period = periods.get(raw.period)
        if period is None:
            try:
                period = periods[raw.period] = Period.parse(raw.period)
            except ValueError as exc:
                period = periods[raw.period] = exc
        if isinstance(period, ValueError):
            result.conflicts.append(Conflict(raw.period or _label(raw), str(period)))
            continue
        place = (raw.org_unit, raw.period)
        if place not in units:
            units[place] = _unit_on(units_by_code.get(raw.org_unit, []), period.end)
        unit = units[place]
        if unit is None:
            result.conflicts.append(
                Conflict(
                    raw.org_unit or _label(raw),
                    f"Không có đơn vị hành chính mã {raw.org_unit!r} vào ngày "
                    f"{period.end:%d/%m/%Y} (org unit {raw.org_unit!r} not found on "
                    f"{period.end.isoformat()})",
                )
            )
            continue
        dimensions = cocs.get((element.code, raw.category_option_combo))
        if dimensions is None:
            dimensions = cocs[element.code, raw.category_option_combo] = _dimensions(
                element, raw.category_option_combo
            )
        if isinstance(dimensions, Conflict):
            result.conflicts.append(dimensions)
            continue
        try:
            number = parse_number(raw.value, element.value_type)
        except ValueError as exc:
            result.conflicts.append(Conflict(_label(raw), str(exc)))
            continue
        if unit.id not in allowed:
            allowed[unit.id] = can(user, Perm.DATA_CHANGE, unit)
        if not allowed[unit.id]:
            result.conflicts.append(
                Conflict(
                    raw.org_unit,
                    f"Bạn không có quyền nhập số liệu cho đơn vị {raw.org_unit} "
                    f"(no permission to change data of org unit {raw.org_unit})",
                )
            )
            continue
        code = codes.get(raw.period)
        if code is None:
            code = codes[raw.period] = period.code
        # Rows of one disaggregation share its (read-only) dimensions.
        result.rows.append(
            ValueRow(
                element.code, unit, code, number, dimensions, ValueSource.REPORTED, "", raw.comment
            )
        )
    return result


def _label(raw: RawValue) -> str:
    return f"{raw.data_element}/{raw.period}/{raw.org_unit}"


def _dimensions(element: DataElement, text: str) -> dict[str, str] | Conflict:
    """The disaggregation ``text`` names, or why it is not one of ``element``'s."""
    try:
        dimensions = parse_coc(text)
    except ValueError as exc:
        return Conflict(text, str(exc))
    unknown = sorted(set(dimensions) - set(element.dimensions))
    if unknown:
        return Conflict(
            text,
            f"Phần tử {element.code} không có chiều phân tổ {', '.join(unknown)} "
            f"(data element {element.code} has no dimension {', '.join(unknown)})",
        )
    return dimensions


def _unit_on(units: Iterable[AdministrativeUnit], day: datetime.date) -> AdministrativeUnit | None:
    for unit in units:
        if unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day):
            return unit
    return None


# -- export --------------------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """Write a stored decimal without trailing zeros or exponent (``12.500000`` → ``12.5``)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def serialise(value: DataValue) -> dict[str, str]:
    """Return one stored value as a DXF2 data value (codes; ``storedBy`` is our source)."""
    return {
        "dataElement": value.data_element.code,
        "period": value.period,
        "orgUnit": value.unit.code,
        "categoryOptionCombo": format_coc(value.dimensions),
        "attributeOptionCombo": DEFAULT_COC,
        "value": plain(value.value),
        "storedBy": value.source,
        "lastUpdated": value.updated_at.isoformat(),
        "comment": value.note,
    }


def to_csv(values: Iterable[Mapping[str, str]]) -> str:
    """Write serialised values as DHIS2 CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in values:
        writer.writerow(
            [
                item["dataElement"],
                item["period"],
                item["orgUnit"],
                item["categoryOptionCombo"],
                item["attributeOptionCombo"],
                item["value"],
                item["storedBy"],
                item["lastUpdated"],
                item["comment"],
                "false",
            ]
        )
    return out.getvalue()


def unit_matches(
    unit: AdministrativeUnit, codes: set[str], day: datetime.date, *, children: bool
) -> bool:
    """Whether ``unit`` (with parents selected) carries one of ``codes``, or with ``children``
    sits below a unit that did, on ``day``."""
    node: AdministrativeUnit | None = unit
    while node is not None:
        if (
            node.code in codes
            and node.valid_from <= day
            and (node.valid_to is None or node.valid_to >= day)
        ):
            return True
        if not children:
            return False
        node = node.parent
    return False


__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_COC",
    "SUPPORTED_ID_SCHEME",
    "Checked",
    "Conflict",
    "PayloadError",
    "RawValue",
    "check",
    "format_coc",
    "parse_coc",
    "parse_csv",
    "parse_json",
    "serialise",
    "to_csv",
    "unit_matches",
]
