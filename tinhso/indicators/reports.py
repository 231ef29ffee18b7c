"""Exports of the scorecard: an Excel workbook and the December annual report as PDF.

The resolution (section III) asks for a report on its implementation every December; the PDF is
that report's table of targets and statuses. Both are built in memory from
:class:`~tinhso.indicators.queries.TargetRow` and returned as bytes.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Sequence
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from tinhso.indicators.choices import Comparison, ValueSource
from tinhso.indicators.queries import Provenance, TargetRow
from tinhso.indicators.status import TargetStatus

__all__ = [
    "FONT_DIR",
    "annual_report_pdf",
    "annual_report_title",
    "status_label",
    "target_workbook",
]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
"""DejaVu Sans, shipped with its licence: the PDF core fonts have no Vietnamese glyphs."""

# fpdf2 subsets the font with fontTools, which logs every step at INFO: keep server logs quiet.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def status_label(value: TargetStatus) -> str:
    """The status in the visitor's language."""
    labels = {
        TargetStatus.ACHIEVED: _("Đã đạt"),
        TargetStatus.ON_TRACK: _("Đúng tiến độ"),
        TargetStatus.AT_RISK: _("Có nguy cơ không đạt"),
        TargetStatus.OFF_TRACK: _("Chậm tiến độ"),
        TargetStatus.NO_DATA: _("Chưa có số liệu"),
    }
    return labels[value]


def source_label(provenance: Provenance) -> str:
    """Where the values came from: published (with sources), illustrative, or reported."""
    parts = []
    if provenance.published:
        cited = "; ".join(
            f"[{c.confidence}] {c.source}" if c.confidence else c.source
            for c in provenance.citations
        )
        parts.append(_("Số liệu đã công bố") + (f": {cited}" if cited else ""))
    if provenance.illustrative:
        parts.append(_("Số liệu minh hoạ"))
    others = provenance.sources - {ValueSource.PUBLISHED, ValueSource.ILLUSTRATIVE}
    parts += [str(ValueSource(source).label) for source in sorted(others)]
    return "; ".join(parts)


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _target_text(row: TargetRow) -> str:
    target = row.target
    value = f"{float(target.target_value):g}"
    return (
        f"{Comparison(target.comparison).label} {value} {target.indicator.unit_of_measure}".strip()
    )


def target_workbook(rows: Sequence[TargetRow], generated: datetime.datetime) -> bytes:
    """An .xlsx with a sheet of targets (value, status, deadline, source) and one of series."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Mục tiêu")[:31]
    sheet.append(
        [
            _("Mã"),
            _("Mục tiêu"),
            _("Chỉ tiêu"),
            _("Giá trị mục tiêu"),
            _("Hạn"),
            _("Giá trị hiện tại"),
            _("Kỳ"),
            _("Quy đổi theo địa giới hiện nay"),
            _("Dự báo đến hạn"),
            _("Trạng thái"),
            _("Cơ quan chủ trì"),
            _("Căn cứ"),
            _("Nguồn số liệu"),
            _("Dữ liệu tính đến"),
        ]
    )
    for row in rows:
        target = row.target
        sheet.append(
            [
                target.code,
                target.name,
                target.indicator.name,
                _target_text(row),
                target.deadline,
                row.current_value,
                row.current_period or "",
                row.restated_value,
                row.projected_value,
                status_label(row.status),
                target.responsible_agency.name if target.responsible_agency else "",
                target.legal_basis,
                source_label(row.provenance),
                _local(row.data_as_of),
            ]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet["E"][1:]:
        cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "B2"
    series = book.create_sheet(_("Chuỗi số liệu")[:31])
    series.append(
        [
            _("Mã mục tiêu"),
            _("Kỳ"),
            _("Ngày"),
            _("Giá trị (theo địa giới khi báo cáo)"),
            _("Giá trị (quy đổi theo địa giới hiện nay)"),
            _("Nguồn số liệu"),
            _("Cập nhật lúc"),
        ]
    )
    for row in rows:
        restated = {p.period: p.value for p in row.restated_series}
        for point in row.series:
            series.append(
                [
                    row.target.code,
                    point.period.code,
                    point.day,
                    point.value,
                    restated.get(point.period),
                    source_label(point.provenance),
                    _local(point.provenance.updated_at),
                ]
            )
    for cell in series[1]:
        cell.font = Font(bold=True)
    for cell in series["C"][1:]:
        cell.number_format = "DD/MM/YYYY"
    info = book.create_sheet(_("Thông tin")[:31])
    info.append([_("Tạo lúc"), _local(generated)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def annual_report_title(year: int) -> str:
    """The title of the December report on the resolution for ``year``."""
    return _("Báo cáo kết quả thực hiện Nghị quyết 111-NQ/TU năm %(year)s") % {"year": year}


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


def annual_report_pdf(rows: Sequence[TargetRow], year: int, generated: datetime.datetime) -> bytes:
    """The December annual report: title, a table of targets with values and statuses (A4)."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(annual_report_title(year))
    pdf.set_author("tinhso")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, annual_report_title(year), align="C")
    pdf.set_font("DejaVu", "", 9)
    local = timezone.localtime(generated)
    pdf.cell(
        0,
        6,
        _("Ngày lập: %(day)s") % {"day": local.strftime("%d/%m/%Y")},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    illustrative = any(row.provenance.illustrative for row in rows)
    with pdf.table(
        col_widths=(22, 92, 28, 22, 26, 18, 38, 30),
        text_align=("LEFT", "LEFT", "LEFT", "CENTER", "RIGHT", "CENTER", "LEFT", "LEFT"),
        line_height=5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 242, 245)),
    ) as table:
        pdf.set_font("DejaVu", "", 8)
        heading = table.row()
        for text in (
            _("Mã"),
            _("Mục tiêu"),
            _("Giá trị mục tiêu"),
            _("Hạn"),
            _("Giá trị hiện tại"),
            _("Kỳ"),
            _("Trạng thái"),
            _("Nguồn"),
        ):
            heading.cell(text)
        for row in rows:
            line = table.row()
            provenance = row.provenance
            mark = ""
            if provenance.illustrative:
                mark = _("Số liệu minh hoạ")
            elif provenance.published:
                mark = _("Số liệu đã công bố")
            for text in (
                row.target.code,
                row.target.name,
                _target_text(row),
                row.target.deadline.strftime("%d/%m/%Y"),
                _number(row.current_value),
                row.current_period or "—",
                status_label(row.status),
                mark,
            ):
                line.cell(text)
    if illustrative:
        pdf.ln(3)
        pdf.multi_cell(
            0,
            5,
            _(
                "Số liệu minh hoạ: giá trị do hệ thống sinh ra cho bản trình diễn, không phải "
                "số liệu báo cáo thật."
            ),
        )
    return bytes(pdf.output())
