"""Excel entry of a report: the downloaded template and the row-by-row reading of uploads."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from tinhso.accounts.choices import Role
from tinhso.accounts.models import User
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import UnitFactory, UserFactory, grant
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import actions, report_queries, spreadsheets
from tinhso.indicators.models import DataElement, DataValue, ReportingRegime, Submission
from tinhso.indicators.spreadsheets import RowStatus, SpreadsheetError

NOV = "202611"
COMMUNE = '{"level":"commune"}'
PROVINCE = '{"level":"province"}'
NO_DIMENSIONS = "{}"
TODAY = datetime.date(2026, 11, 18)


@dataclass
class Setup:
    regime: ReportingRegime
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    officer: User


def element(code: str, value_type: str, dimensions: list[str]) -> DataElement:
    return DataElement.objects.create(
        code=code,
        name=f"Tên {code}",
        value_type=value_type,
        unit_of_measure="hồ sơ" if value_type == "integer" else "",
        aggregation_time="sum",
        aggregation_space="sum",
        dimensions=dimensions,
    )


@pytest.fixture
def setup(db: Any) -> Setup:
    province = UnitFactory.create(code="24", name="Tỉnh Bắc Ninh", type="tinh", level=1)
    commune_a = UnitFactory.create(code="07210", name="Phường Bắc Giang", parent=province)
    commune_b = UnitFactory.create(code="07663", name="Xã Tuấn Đạo", parent=province)
    regime = ReportingRegime.objects.create(
        code="BC-THU",
        name="Báo cáo thử",
        period_type="Monthly",
        cutoff_start_day=15,
        deadline_day_of_last_month=20,
        dimension_options={"level": ["commune", "province"]},
    )
    regime.data_elements.set(
        [
            element("WORK_TOTAL", "integer", ["level"]),
            element("AVG_DAYS", "number", []),
            element("RATE", "percentage", []),
        ]
    )
    officer = UserFactory.create(username="canbo.a")
    grant(officer, Role.OFFICER, Scope.of_unit(commune_a.pk))
    grant(officer, Role.OFFICER, Scope.of_unit(commune_b.pk))
    return Setup(regime, commune_a, commune_b, officer)


def report(s: Setup, unit: AdministrativeUnit | None = None, period: str = NOV) -> Submission:
    return actions.report_for(s.regime, unit or s.commune_a, period, actor=s.officer)


def template(submission: Submission) -> bytes:
    return spreadsheets.report_workbook(
        submission,
        report_queries.form_cells(submission.regime),
        report_queries.report_values(submission),
    )


def read(data: bytes, submission: Submission) -> spreadsheets.UploadReading:
    return spreadsheets.read_report_workbook(
        data, submission, report_queries.form_cells(submission.regime)
    )


def saved(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def open_template(data: bytes) -> tuple[Any, Any, dict[tuple[str, str], int]]:
    """The workbook, its data sheet and the row of each (code, key) in it."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    rows = {
        (row[0].value, row[5].value): row[0].row
        for row in sheet.iter_rows(min_row=1, max_col=6)
        if row[0].value in {"WORK_TOTAL", "AVG_DAYS", "RATE"}
    }
    return book, sheet, rows


def store(s: Setup, submission: Submission, entries: dict[tuple[str, str], str | None]) -> None:
    result = actions.save_report_values(submission, entries, actor=s.officer, today=TODAY)
    assert not result.errors


def test_a_filled_template_saves_its_good_rows_and_reports_each_bad_one(setup: Setup) -> None:
    submission = report(setup)
    book, sheet, rows = open_template(template(submission))
    sheet.cell(rows[("WORK_TOTAL", COMMUNE)], 5).value = "1.234"
    sheet.cell(rows[("AVG_DAYS", NO_DIMENSIONS)], 5).value = 0.1
    sheet.cell(rows[("RATE", NO_DIMENSIONS)], 5).value = "abc"
    sheet.cell(rows[("WORK_TOTAL", PROVINCE)], 5).value = 8
    unknown = sheet.max_row + 1
    sheet.append(["NOPE", "Không có", "", "", 5, ""])
    duplicate = sheet.max_row + 1
    sheet.append(["WORK_TOTAL", "", "level=province", "", 7, PROVINCE])

    reading = read(saved(book), submission)

    assert reading.entries == {("WORK_TOTAL", COMMUNE): "1.234", ("AVG_DAYS", NO_DIMENSIONS): "0.1"}
    errors = {row.row: row.message for row in reading.errors}
    assert set(errors) == {
        rows[("RATE", NO_DIMENSIONS)],
        unknown,
        rows[("WORK_TOTAL", PROVINCE)],
        duplicate,
    }
    assert "abc" in errors[rows[("RATE", NO_DIMENSIONS)]]
    assert "NOPE" in errors[unknown]
    assert f"{rows[('WORK_TOTAL', PROVINCE)]}, {duplicate}" in errors[duplicate]
    assert reading.version == submission.version
    result = actions.save_report_values(
        submission,
        reading.entries,
        actor=setup.officer,
        channel="excel",
        version=reading.version,
        today=TODAY,
    )
    assert (result.saved, result.errors) == (2, {})
    values = {key: value.value for key, value in report_queries.report_values(submission).items()}
    assert values == {
        ("WORK_TOTAL", COMMUNE): Decimal(1234),
        ("AVG_DAYS", NO_DIMENSIONS): Decimal("0.1"),
    }


def test_a_row_typed_by_hand_is_matched_by_its_disaggregation_label(setup: Setup) -> None:
    submission = report(setup)
    book, sheet, _rows = open_template(template(submission))
    sheet.append(["WORK_TOTAL", "", "level=commune", "", 15, None])
    sheet.append(["WORK_TOTAL", "", "level=district", "", 3, None])
    sheet.append([])
    sheet.append([None, None, None, None, 9, None])
    sheet.append(["WORK_TOTAL", "", "level=province", "", datetime.date(2026, 11, 1), None])

    reading = read(saved(book), submission)

    assert reading.entries == {("WORK_TOTAL", COMMUNE): "15"}
    last = sheet.max_row
    assert [(row.row, row.message) for row in reading.errors] == [
        (
            last - 3,
            "Phân tổ level=district của phần tử WORK_TOTAL không có trong biểu mẫu "
            "(disaggregation level=district of element WORK_TOTAL is not on the form)",
        ),
        (last - 1, "Thiếu mã phần tử dữ liệu (the element code is missing)"),
        (
            last,
            "Giá trị không phải là số: 01/11/2026 (value is not a number: 01/11/2026)",
        ),
    ]


def test_excel_numbers_are_stored_as_typed_without_float_noise(setup: Setup) -> None:
    submission = report(setup)
    book, sheet, rows = open_template(template(submission))
    sheet.cell(rows[("WORK_TOTAL", COMMUNE)], 5).value = 12.0
    sheet.cell(rows[("AVG_DAYS", NO_DIMENSIONS)], 5).value = 1 / 3
    rate = sheet.cell(rows[("RATE", NO_DIMENSIONS)], 5)
    rate.value, rate.number_format = 0.45, "0%"

    entries = read(saved(book), submission).entries

    assert entries == {
        ("WORK_TOTAL", COMMUNE): "12",
        ("AVG_DAYS", NO_DIMENSIONS): "0.333333333333333",
        ("RATE", NO_DIMENSIONS): "45",
    }


def test_a_decimal_that_looks_like_thousands_keeps_its_value_on_a_round_trip(
    setup: Setup,
) -> None:
    submission = report(setup)
    store(
        setup, submission, {("AVG_DAYS", NO_DIMENSIONS): "1,234", ("WORK_TOTAL", COMMUNE): "1.200"}
    )
    submission.refresh_from_db()

    reading = read(template(submission), submission)

    assert reading.entries == {
        ("AVG_DAYS", NO_DIMENSIONS): "1,234",
        ("WORK_TOTAL", COMMUNE): "1200",
    }
    result = actions.save_report_values(
        submission, reading.entries, actor=setup.officer, version=reading.version, today=TODAY
    )
    assert result.saved == 0
    assert DataValue.objects.get(data_element__code="AVG_DAYS").value == Decimal("1.234")


def test_a_blank_value_cell_leaves_the_stored_value_unchanged(setup: Setup) -> None:
    submission = report(setup)
    store(setup, submission, {("RATE", NO_DIMENSIONS): "40"})
    submission.refresh_from_db()
    book, sheet, rows = open_template(template(submission))
    assert sheet.cell(rows[("RATE", NO_DIMENSIONS)], 5).value == 40
    sheet.cell(rows[("RATE", NO_DIMENSIONS)], 5).value = None

    reading = read(saved(book), submission)

    assert reading.entries == {}
    assert {row.code: row.status for row in reading.rows} == {
        "WORK_TOTAL": RowStatus.UNCHANGED,
        "AVG_DAYS": RowStatus.UNCHANGED,
        "RATE": RowStatus.UNCHANGED,
    }


def test_an_upload_keeps_the_downloaded_version_so_a_later_change_is_not_lost(
    setup: Setup,
) -> None:
    submission = report(setup)
    book, sheet, rows = open_template(template(submission))
    store(setup, submission, {("RATE", NO_DIMENSIONS): "40"})
    sheet.cell(rows[("RATE", NO_DIMENSIONS)], 5).value = 50

    reading = read(saved(book), submission)

    with pytest.raises(actions.StaleReport):
        actions.save_report_values(
            submission, reading.entries, actor=setup.officer, version=reading.version, today=TODAY
        )


def test_the_template_header_gives_the_report_and_its_dates_as_dd_mm_yyyy(setup: Setup) -> None:
    submission = report(setup)
    _book, sheet, _rows = open_template(template(submission))
    header = [
        [cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)
    ]

    assert ["Chế độ báo cáo", "BC-THU", "Báo cáo thử"] in header
    assert ["Đơn vị báo cáo", "07210", "Phường Bắc Giang"] in header
    # Decree 09 cut-off on the 15th: November covers 15/10 to 14/11; due on the 20th.
    assert ["Kỳ báo cáo", NOV, "Số liệu từ 15/10/2026 đến 14/11/2026"] in header
    assert ["Hạn nộp", "20/11/2026"] in header
    assert ["Phiên bản", "1"] in header


def test_names_that_look_like_formulas_stay_text_in_the_template(setup: Setup) -> None:
    DataElement.objects.filter(code="RATE").update(name='=HYPERLINK("http://x.invalid","a")')
    _book, sheet, rows = open_template(template(report(setup)))

    name = sheet.cell(rows[("RATE", NO_DIMENSIONS)], 2)
    assert (name.data_type, name.value) == ("s", '=HYPERLINK("http://x.invalid","a")')


def test_the_template_protects_all_but_the_value_column_and_validates_by_type(
    setup: Setup,
) -> None:
    submission = report(setup)
    book, sheet, rows = open_template(template(submission))

    assert sheet.protection.sheet and not sheet.protection.password
    integer_row, rate_row = rows[("WORK_TOTAL", COMMUNE)], rows[("RATE", NO_DIMENSIONS)]
    assert sheet.cell(integer_row, 1).protection.locked
    assert not sheet.cell(integer_row, 5).protection.locked
    assert sheet.column_dimensions["F"].hidden
    assert sheet.freeze_panes == f"A{min(rows.values())}"
    checks = {
        (check.type, check.formula1, check.formula2): str(check.sqref)
        for check in sheet.data_validations.dataValidation
    }
    assert f"E{integer_row}" in checks[("whole", "-999999999999999", "999999999999999")]
    assert checks[("decimal", "0", "100")] == f"E{rate_row}"
    assert book["tinhso"].sheet_state == "veryHidden"


@pytest.mark.parametrize("other", ["unit", "period"])
def test_the_template_of_another_report_is_refused(setup: Setup, other: str) -> None:
    data = template(report(setup))
    target = report(setup, setup.commune_b) if other == "unit" else report(setup, period="202612")

    with pytest.raises(SpreadsheetError, match="không phải báo cáo"):
        read(data, target)


def xlsm() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
        )
        package.writestr("xl/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def plain_workbook() -> bytes:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.append(["WORK_TOTAL", "", "", "", 5, ""])
    return saved(book)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"code,value\nWORK_TOTAL,5\n", "không phải là bảng tính"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "không phải là bảng tính"),
        (xlsm(), "macro"),
        (b"PK" + b"\x00" * (spreadsheets.MAX_UPLOAD_BYTES), "lớn hơn 5 MB"),
        (plain_workbook(), "không phải mẫu báo cáo"),
    ],
    ids=["csv", "png", "xlsm", "too-large", "not-a-template"],
)
def test_a_file_that_is_not_this_kind_of_workbook_is_refused(
    setup: Setup, content: bytes, reason: str
) -> None:
    with pytest.raises(SpreadsheetError, match=reason):
        read(content, report(setup))


@pytest.mark.parametrize(
    "target",
    # What Excel leaves in a defined name when the cell it points at is deleted; a range.
    ["#REF!", "'Báo cáo'!$E$9:$E$12"],
)
def test_a_template_whose_value_column_was_deleted_is_refused(setup: Setup, target: str) -> None:
    submission = report(setup)
    book, _sheet, _rows = open_template(template(submission))
    book.defined_names["tinhso_value"] = DefinedName("tinhso_value", attr_text=target)

    with pytest.raises(SpreadsheetError, match="thiếu cột"):
        read(saved(book), submission)


def test_a_file_with_too_many_rows_is_refused(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 4)
    submission = report(setup)
    book, sheet, _rows = open_template(template(submission))
    sheet.append(["RATE", "", "", "", 5, ""])

    with pytest.raises(SpreadsheetError, match="hơn 4 dòng"):
        read(saved(book), submission)
