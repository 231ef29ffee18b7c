"""Excel templates of one report and the reading of filled-in ones (nhập báo cáo bằng Excel).

**Download.** :func:`report_workbook` writes an ``.xlsx`` for one report: a header block (regime,
unit, period with its data window, due date, version), then one row per cell of the form. Only
the value column is unlocked (sheet protection without a password, so it guards against slips,
not against people) and carries Excel data validation by value type. A very hidden sheet
records the regime, unit, period and version; workbook-level defined names mark the header
cells of the columns the upload reads, and Excel moves them with the columns if someone
unprotects the sheet and inserts or deletes one.

**Upload.** :func:`read_report_workbook` accepts only a real, macro-free ``.xlsx`` package of a
bounded size and row count, made from this report's template, and returns one outcome per row.
It does not write: the caller passes :attr:`UploadReading.entries` and
:attr:`UploadReading.version` to ``actions.save_report_values`` (channel ``"excel"``).

* A **blank value cell leaves the stored value unchanged**: a template downloaded, partly filled
  and uploaded never erases anything. Values are deleted in the web form only (a "-" in a
  Vietnamese report often means zero or "not applicable", so it is not read as "delete").
* **Numbers** Excel stores are read as Excel shows them, to 15 significant digits and without
  float noise (0.1 is ``"0.1"``, 0.1 + 0.2 is ``"0.3"``, 12.0 is ``"12"``); where the plain
  text would be misread by the localized parser (``1.234`` is one thousand two hundred and
  thirty-four in Vietnamese), the decimal comma is used instead (``"1,234"``). A percentage
  element in a cell formatted as a percentage (45 % is stored as 0.45) is read as 45.
* **Text** is passed on as typed, to be read with the Vietnamese rules of
  :func:`~tinhso.indicators.validation.parse_number` (``1.234`` is 1234, ``1,5`` is 1.5).
  Formulas count by their last computed value, as Excel saved it.
* A row fails, with its row number and reason, if its element or disaggregation is not on the
  form, if its value is not a number of the element's type, or if the same cell is given a
  value on more than one row (then none of those rows counts: we cannot tell which is meant).
  Other rows are kept.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import (
    absolute_coordinate,
    column_index_from_string,
    coordinate_from_string,
)
from openpyxl.utils.exceptions import CellCoordinatesException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tinhso.indicators.choices import ValueType
from tinhso.indicators.models import DataValue, Submission
from tinhso.indicators.periods import Period, data_window
from tinhso.indicators.report_queries import FormCell
from tinhso.indicators.validation import parse_number

# Limits on uploads: a form has tens to a few hundred cells, so these are generous, and they
# bound the work a hostile file can cause (the uncompressed size guards against zip bombs).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000

FORMAT = "tinhso-report/1"
MARKER_SHEET = "tinhso"
# Workbook-level names of the table's header cells, one per column the upload reads.
CODE_NAME = "tinhso_code"
LABEL_NAME = "tinhso_label"
VALUE_NAME = "tinhso_value"
KEY_NAME = "tinhso_key"

_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# Excel's largest exactly-held integers, as bounds for "any number" data validation.
_NUMBER_BOUND = "999999999999999"

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")


class SpreadsheetError(ValueError):
    """The uploaded file as a whole cannot be read as this report's template."""


class RowStatus(StrEnum):
    """What an uploaded row leads to."""

    OK = "ok"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowOutcome:
    """One row of an upload: where it is, which cell it names, what to store, or why not."""

    row: int
    code: str
    label: str
    text: str | None
    status: RowStatus
    message: str = ""
    key: str | None = None


@dataclass
class UploadReading:
    """An upload read row by row; ``version`` is the report's version when it was downloaded."""

    rows: list[RowOutcome]
    version: int

    @property
    def entries(self) -> dict[tuple[str, str], str | None]:
        """The good rows as ``actions.save_report_values`` takes them."""
        return {
            (row.code, row.key): row.text
            for row in self.rows
            if row.status == RowStatus.OK and row.key is not None
        }

    @property
    def errors(self) -> list[RowOutcome]:
        """The rows that will not be saved because of a problem."""
        return [row for row in self.rows if row.status == RowStatus.ERROR]


# -- download ------------------------------------------------------------------------------


def _date(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _excel_number(value: Decimal) -> int | float:
    """A stored value as Excel holds numbers (it has no decimal type)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _validation(value_type: str) -> DataValidation:
    if value_type == ValueType.PERCENTAGE:
        kind, low, high = "decimal", "0", "100"
        message = _("Nhập tỷ lệ phần trăm từ 0 đến 100.")
    elif value_type == ValueType.INTEGER:
        kind, low, high = "whole", f"-{_NUMBER_BOUND}", _NUMBER_BOUND
        message = _("Nhập số nguyên.")
    else:
        kind, low, high = "decimal", f"-{_NUMBER_BOUND}", _NUMBER_BOUND
        message = _("Nhập một số.")
    return DataValidation(
        type=kind,
        operator="between",
        formula1=low,
        formula2=high,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=_("Giá trị không hợp lệ"),
        error=message,
        promptTitle=_("Giá trị"),
        prompt=message,
    )


def report_workbook(
    submission: Submission,
    cells: Sequence[FormCell],
    values: Mapping[tuple[str, str], DataValue],
) -> bytes:
    """Write the report's Excel template: its header, one row per form cell, current values."""
    regime = submission.regime
    unit = submission.unit
    period = Period.parse(submission.period)
    first, last = data_window(period, regime.cutoff_rule)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = pgettext("sheet", "Báo cáo")
    sheet.append([_("MẪU NHẬP SỐ LIỆU BÁO CÁO")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Chế độ báo cáo"), regime.code, regime.name])
    sheet.append([_("Đơn vị báo cáo"), unit.code, unit.name])
    sheet.append(
        [
            _("Kỳ báo cáo"),
            period.code,
            _("Số liệu từ %(first)s đến %(last)s") % {"first": _date(first), "last": _date(last)},
        ]
    )
    sheet.append([_("Hạn nộp"), _date(submission.due_date)])
    sheet.append([_("Phiên bản"), str(submission.version)])
    sheet.append(
        [
            _("Hướng dẫn"),
            _(
                "Chỉ nhập vào cột Giá trị. Ô để trống thì giữ nguyên số liệu đã có; "
                "muốn xoá số liệu, hãy dùng biểu mẫu trên trang web."
            ),
        ]
    )
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=1):
        row[0].font = Font(bold=True)
    sheet.append([])
    titles = [
        _("Mã phần tử"),
        _("Tên phần tử dữ liệu"),
        _("Phân tổ"),
        _("Đơn vị tính"),
        _("Giá trị"),
        _("Khoá phân tổ"),
    ]
    sheet.append(titles)
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    checks: dict[str, DataValidation] = {}
    for form_cell in cells:
        stored = values.get((form_cell.code, form_cell.key))
        current = _excel_number(stored.value) if stored is not None else None
        element = form_cell.element
        sheet.append(
            [
                element.code,
                element.name,
                form_cell.label,
                element.unit_of_measure,
                current,
                form_cell.key,
            ]
        )
        row = sheet.max_row
        value_cell = sheet.cell(row=row, column=5)
        value_cell.protection = Protection(locked=False)
        value_cell.fill = _INPUT_FILL
        if element.value_type == ValueType.INTEGER:
            value_cell.number_format = "#,##0"
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        check = checks.get(element.value_type)
        if check is None:
            check = checks[element.value_type] = _validation(element.value_type)
            sheet.add_data_validation(check)
        check.add(value_cell)
    # Names come from the database: text that looks like a formula stays text.
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    for letter, width in zip("ABCDEF", (22, 50, 24, 14, 18, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["F"].hidden = True
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.protection.sheet = True
    # People may still resize rows and columns of the protected sheet.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    for name, column in ((CODE_NAME, 1), (LABEL_NAME, 3), (VALUE_NAME, 5), (KEY_NAME, 6)):
        target = absolute_coordinate(f"{get_column_letter(column)}{header}")
        book.defined_names[name] = DefinedName(
            name, attr_text=f"{quote_sheetname(sheet.title)}!{target}"
        )
    marker = book.create_sheet(MARKER_SHEET)
    for item in (
        ("format", FORMAT),
        ("regime", regime.code),
        ("unit", unit.code),
        ("period", submission.period),
        ("version", str(submission.version)),
    ):
        marker.append(item)
    marker.sheet_state = "veryHidden"
    marker.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- upload --------------------------------------------------------------------------------


def _check_package(data: bytes) -> None:
    """Refuse anything but a macro-free xlsx package of bounded size, judged by its content."""
    if len(data) > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise SpreadsheetError(f"Tệp lớn hơn {limit} MB (the file is larger than {limit} MB)")
    not_xlsx = SpreadsheetError(
        "Tệp không phải là bảng tính Excel .xlsx (the file is not an Excel .xlsx workbook)"
    )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise not_xlsx from None
    with package:
        names = {name.lower() for name in package.namelist()}
        if "[content_types].xml" not in names:
            raise not_xlsx
        if sum(info.file_size for info in package.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise SpreadsheetError("Tệp giải nén quá lớn (the file is too large once uncompressed)")
        content_types = package.read("[Content_Types].xml").decode("utf-8", "replace")
    if "vbaproject.bin" in {name.rsplit("/", 1)[-1] for name in names} or (
        "macroEnabled" in content_types
    ):
        raise SpreadsheetError(
            "Tệp có macro (.xlsm) không được chấp nhận; hãy lưu thành .xlsx "
            "(files with macros (.xlsm) are not accepted; save it as .xlsx)"
        )
    if _SHEET_MAIN not in content_types:
        raise not_xlsx


def _open(data: bytes) -> Any:
    _check_package(data)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    # A damaged package fails deep inside openpyxl with many kinds of error (KeyError,
    # XML parse errors, BadZipFile...); to the person uploading they all mean the same.
    except Exception as exc:
        raise SpreadsheetError(
            "Không đọc được tệp Excel, có thể tệp bị hỏng (the Excel file cannot be read; "
            "it may be damaged)"
        ) from exc


def _marker(book: Any) -> dict[str, str]:
    if MARKER_SHEET not in book.sheetnames:
        raise SpreadsheetError(
            "Tệp không phải mẫu báo cáo tải từ hệ thống; hãy tải mẫu của báo cáo này rồi "
            "nhập vào đó (the file is not a report template downloaded from the system; "
            "download this report's template and fill it in)"
        )
    found = {}
    for row in book[MARKER_SHEET].iter_rows(max_col=2, values_only=True):
        if row and row[0] is not None:
            found[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    if found.get("format") != FORMAT:
        raise SpreadsheetError(
            "Mẫu báo cáo này thuộc phiên bản cũ hoặc đã bị sửa; hãy tải lại mẫu "
            "(this report template is outdated or was altered; download it again)"
        )
    return found


def _check_report(found: Mapping[str, str], submission: Submission) -> int:
    """Check the file is this report's template; return the version it was downloaded at."""
    expected = (submission.regime.code, submission.unit.code, submission.period)
    actual = (found.get("regime", ""), found.get("unit", ""), found.get("period", ""))
    if actual != expected:
        found_text, wanted_text = (" / ".join(parts) for parts in (actual, expected))
        raise SpreadsheetError(
            f"Tệp là mẫu của báo cáo {found_text}, không phải báo cáo {wanted_text} đang nhập "
            f"(the file is the template of report {found_text}, not of report {wanted_text})"
        )
    try:
        return int(found.get("version", ""))
    except ValueError:
        raise SpreadsheetError(
            "Mẫu báo cáo đã bị sửa: thiếu số phiên bản (the template was altered: its version "
            "is missing)"
        ) from None


def _columns(book: Any) -> tuple[str, int, dict[str, int]]:
    """The data sheet's name, its header row and the 1-based column of each read field."""
    places: dict[str, tuple[str, str]] = {}
    for name in (CODE_NAME, LABEL_NAME, VALUE_NAME, KEY_NAME):
        defined = book.defined_names.get(name)
        destinations = list(defined.destinations) if defined is not None else []
        if len(destinations) == 1:
            places[name] = destinations[0]
    missing_columns = SpreadsheetError(
        "Mẫu báo cáo thiếu cột (mã phần tử, phân tổ, giá trị hoặc khoá phân tổ); hãy tải "
        "lại mẫu (the template lacks columns (element code, disaggregation, value or "
        "dimension key); download it again)"
    )
    sheets = {sheet for sheet, _cell in places.values()}
    if len(places) < 4 or len(sheets) != 1 or not sheets <= set(book.sheetnames):
        raise missing_columns
    columns = {}
    rows = set()
    for name, (_sheet, coordinate) in places.items():
        try:
            letter, row = coordinate_from_string(coordinate.replace("$", ""))
        except CellCoordinatesException:  # the name points at a range, not one cell
            raise missing_columns from None
        columns[name] = column_index_from_string(letter)
        rows.add(row)
    if len(rows) != 1:
        raise SpreadsheetError(
            "Dòng tiêu đề của bảng đã bị sửa; hãy tải lại mẫu (the table's header row was "
            "altered; download the template again)"
        )
    return sheets.pop(), rows.pop(), columns


def _not_a_number(value: Any) -> ValueError:
    shown = _date(value) if isinstance(value, datetime.date) else str(value)
    return ValueError(f"Giá trị không phải là số: {shown} (value is not a number: {shown})")


def _value_text(value: Any, number_format: str, value_type: str) -> str | None:
    """The text to store for an Excel cell's value, None if the cell is blank.

    Raises:
        ValueError: the cell holds something that is no number (a date, TRUE/FALSE).
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _not_a_number(value)
    # Excel holds and shows 15 significant digits; more is binary noise (0.1 + 0.2 is saved
    # as 0.30000000000000004 and shown as 0.3), so floats are read as Excel shows them.
    number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise _not_a_number(value)
    if value_type == ValueType.PERCENTAGE and "%" in (number_format or ""):
        number *= 100
    text = format(number.normalize(), "f") if number else "0"
    if parse_number(text, ValueType.NUMBER, localized=True) != parse_number(text, ValueType.NUMBER):
        # "1.234" would be read as 1234; the decimal comma is unambiguous.
        text = text.replace(".", ",")
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_rows(
    sheet: Any, header: int, columns: Mapping[str, int]
) -> Iterable[tuple[int, dict[str, Any], str]]:
    """Each non-empty row after the header: its number, raw values and the value's format."""
    width = max(columns.values())
    seen = 0
    # Read-only rows come one per sheet row, gaps filled, and their empty cells know no row.
    for number, row in enumerate(sheet.iter_rows(min_row=header + 1, max_col=width), header + 1):
        by_name = {}
        number_format = "General"
        for name, column in columns.items():
            cell = row[column - 1] if column <= len(row) else None
            by_name[name] = getattr(cell, "value", None)
            if name == VALUE_NAME and cell is not None:
                number_format = getattr(cell, "number_format", None) or "General"
        if all(value is None or _text(value) == "" for value in by_name.values()):
            continue
        seen += 1
        if seen > MAX_ROWS:
            raise SpreadsheetError(
                f"Tệp có hơn {MAX_ROWS} dòng số liệu (the file has more than {MAX_ROWS} data rows)"
            )
        yield number, by_name, number_format


def read_report_workbook(
    data: bytes, submission: Submission, cells: Sequence[FormCell]
) -> UploadReading:
    """Read a filled-in template of ``submission``: one outcome per row, nothing saved.

    Raises:
        SpreadsheetError: the file is not a macro-free xlsx within the limits, is not this
            report's template (regime, unit or period differ) or lacks the table's columns.
    """
    book = _open(data)
    try:
        version = _check_report(_marker(book), submission)
        sheet_name, header, columns = _columns(book)
        outcomes = _outcomes(book[sheet_name], header, columns, cells)
    finally:
        book.close()
    return UploadReading(outcomes, version)


def _outcomes(
    sheet: Any, header: int, columns: Mapping[str, int], cells: Sequence[FormCell]
) -> list[RowOutcome]:
    by_key = {(cell.code, cell.key): cell for cell in cells}
    by_label = {(cell.code, cell.label): cell for cell in cells}
    codes = {cell.code for cell in cells}
    outcomes = []
    for number, raw, number_format in _read_rows(sheet, header, columns):
        code = _text(raw[CODE_NAME])
        key = _text(raw[KEY_NAME])
        label = _text(raw[LABEL_NAME])
        outcome = RowOutcome(number, code, label, None, RowStatus.ERROR)
        outcomes.append(outcome)
        if not code:
            outcome.message = "Thiếu mã phần tử dữ liệu (the element code is missing)"
            continue
        if code not in codes:
            outcome.message = (
                f"Phần tử {code} không có trong biểu mẫu của báo cáo "
                f"(element {code} is not on this report's form)"
            )
            continue
        # The hidden key names the cell; a row typed by hand may give only the label.
        cell = by_key.get((code, key)) if key else by_label.get((code, label))
        if cell is None:
            outcome.message = (
                f"Phân tổ {label or key} của phần tử {code} không có trong biểu mẫu "
                f"(disaggregation {label or key} of element {code} is not on the form)"
            )
            continue
        outcome.key = cell.key
        outcome.label = cell.label
        try:
            outcome.text = _value_text(raw[VALUE_NAME], number_format, cell.element.value_type)
            if outcome.text is None:
                outcome.status = RowStatus.UNCHANGED
                continue
            parse_number(outcome.text, cell.element.value_type, localized=True)
        except ValueError as exc:
            outcome.message = str(exc)
            continue
        outcome.status = RowStatus.OK
    _refuse_duplicates(outcomes)
    return outcomes


def _refuse_duplicates(outcomes: Sequence[RowOutcome]) -> None:
    """Mark every row that gives a value to a cell another row also gives one to."""
    rows_of: dict[tuple[str, str], list[RowOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.key is not None and outcome.text is not None:
            rows_of[(outcome.code, outcome.key)].append(outcome)
    for same in rows_of.values():
        if len(same) < 2:
            continue
        numbers = ", ".join(str(outcome.row) for outcome in same)
        for outcome in same:
            outcome.status = RowStatus.ERROR
            outcome.message = (
                f"Ô số liệu này có ở các dòng {numbers}; không dòng nào được nhập "
                f"(this cell is given on rows {numbers}; none of them was imported)"
            )
