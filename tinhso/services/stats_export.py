"""The one-stop statistics as an Excel workbook or a CSV file (the page's table, downloadable).

The columns (:data:`COLUMNS`) are the page's; shares are percentages with one decimal and
are empty when their base is 0. Text from the database that looks like a formula stays text.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from tinhso.services.stats import CatalogueRow, Row, Statistics

__all__ = ["CATALOGUE_COLUMNS", "COLUMNS", "cells", "csv_bytes", "workbook_bytes"]

COLUMNS: list[tuple[Promise, str]] = [
    (gettext_lazy("Tiếp nhận"), "received"),
    (gettext_lazy("Trực tuyến"), "online"),
    (gettext_lazy("Tỷ lệ trực tuyến (%)"), "online_share"),
    (gettext_lazy("Đã giải quyết"), "resolved"),
    (gettext_lazy("Trước hạn"), "early"),
    (gettext_lazy("Đúng hạn"), "on_time"),
    (gettext_lazy("Quá hạn"), "late"),
    (gettext_lazy("Tỷ lệ trước hạn, đúng hạn (%)"), "on_time_share"),
    (gettext_lazy("Đang xử lý trong hạn"), "in_time"),
    (gettext_lazy("Đang xử lý quá hạn"), "overdue"),
    (gettext_lazy("Thời gian giải quyết bình quân (ngày làm việc)"), "average_days"),
    (gettext_lazy("Có kết quả"), "with_result"),
    (gettext_lazy("Kết quả điện tử"), "digital"),
    (gettext_lazy("Tỷ lệ kết quả điện tử (%)"), "digital_share"),
    (gettext_lazy("Đã nộp phí, lệ phí"), "fee_paid"),
    (gettext_lazy("Nộp phí trực tuyến"), "paid_online"),
    (gettext_lazy("Tỷ lệ thanh toán trực tuyến (%)"), "online_payment_share"),
    (gettext_lazy("Được đánh giá"), "rated"),
    (gettext_lazy("Hài lòng, rất hài lòng"), "satisfied"),
    (gettext_lazy("Tỷ lệ hài lòng (%)"), "satisfaction_share"),
]
"""Header and :class:`~tinhso.services.stats.Row` attribute of each column after the group."""

CATALOGUE_COLUMNS: list[tuple[Promise, str]] = [
    (gettext_lazy("Thủ tục đang áp dụng"), "current"),
    (gettext_lazy("Cung cấp trực tuyến"), "online"),
    (gettext_lazy("Tỷ lệ cung cấp trực tuyến (%)"), "online_share"),
    (gettext_lazy("Toàn trình"), "full_online"),
    (gettext_lazy("Tỷ lệ toàn trình (%)"), "full_online_share"),
    (gettext_lazy("Trực tuyến có phát sinh hồ sơ"), "online_used"),
    (gettext_lazy("Tỷ lệ có phát sinh hồ sơ trực tuyến (%)"), "used_share"),
    (gettext_lazy("Có phí, lệ phí"), "with_fees"),
    (gettext_lazy("Thanh toán trực tuyến"), "online_payment"),
    (gettext_lazy("Tỷ lệ thanh toán trực tuyến (%)"), "payment_share"),
    (gettext_lazy("Toàn trình dùng được trên di động"), "mobile"),
    (gettext_lazy("Tỷ lệ dùng được trên di động (%)"), "mobile_share"),
]
"""Header and :class:`~tinhso.services.stats.CatalogueRow` attribute of each catalogue column."""

Value = int | Decimal | str | None


def cells(row: Row | CatalogueRow, columns: Sequence[tuple[Promise, str]] = COLUMNS) -> list[Value]:
    """The values of ``row`` in the order of ``columns``."""
    return [getattr(row, name) for _header, name in columns]


def _title(statistics: Statistics) -> list[str]:
    span = statistics.span
    return [
        _("Thống kê giải quyết thủ tục hành chính"),
        _("Từ %(start)s đến %(end)s, theo %(grouping)s")
        % {
            "start": f"{span.start:%d/%m/%Y}",
            "end": f"{span.end:%d/%m/%Y}",
            "grouping": statistics.grouping.label.lower(),
        },
    ]


def _text(value: Value) -> Value:
    """Keep text that a spreadsheet would read as a formula as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def workbook_bytes(
    statistics: Statistics,
    catalogue: tuple[list[CatalogueRow], CatalogueRow],
    generated: datetime.datetime | None = None,
) -> bytes:
    """An .xlsx with the statistics (one row per group and the total) and the catalogue."""
    generated = timezone.localtime(generated or timezone.now())
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Thống kê")[:31]
    for line in _title(statistics):
        sheet.append([line])
    sheet.append([_("Lập lúc %(when)s") % {"when": f"{generated:%d/%m/%Y %H:%M}"}])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append([statistics.grouping.label, *(str(header) for header, _n in COLUMNS)])
    for row in statistics.rows:
        sheet.append([_text(row.label), *cells(row)])
    sheet.append([statistics.total.label, *cells(statistics.total)])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)

    procedures = book.create_sheet(_("Thủ tục")[:31])
    procedures.append([_("Thủ tục hành chính theo Quyết định 766/QĐ-TTg")])
    procedures.append([])
    procedures.append([_("Cấp"), *(str(header) for header, _n in CATALOGUE_COLUMNS)])
    rows, total = catalogue
    for item in [*rows, total]:
        procedures.append([item.label, *cells(item, CATALOGUE_COLUMNS)])
    for cell in procedures[3]:
        cell.font = Font(bold=True)
    procedures.column_dimensions["A"].width = 20
    # Names come from the database: text that looks like a formula stays text.
    for worksheet in (sheet, procedures):
        for line in worksheet.iter_rows():
            for cell in line:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(statistics: Statistics) -> bytes:
    """The statistics table as UTF-8 CSV (with a byte-order mark, for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([statistics.grouping.label, *(str(header) for header, _n in COLUMNS)])
    for row in [*statistics.rows, statistics.total]:
        writer.writerow([_text(row.label), *("" if v is None else v for v in cells(row))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
