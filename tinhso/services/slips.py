"""The one-stop slips as PDF (phiếu của Bộ phận Một cửa): receipt and appointment, supplement
request, rejection, apology and new date.

Each builder is a function of a dossier returning the PDF's bytes (fpdf2, DejaVu Sans for the
Vietnamese letters, the QR code by ``segno``). The form numbers of Circular 01/2018/TT-VPCP
printed in the corner come from :data:`FORM_LABELS`: only form 02 is attested in our sources,
01, 03 and 04 are unverified (``vn-standards.md`` §5.2), so they live in that one dict for a
deployment to correct.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterable

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tinhso.indicators.reports import FONT_DIR
from tinhso.services.choices import AttachmentKind, Channel
from tinhso.services.models import Apology, Dossier, DossierEvent

__all__ = [
    "FORM_LABELS",
    "KINDS",
    "apology_slip",
    "qr_png",
    "receipt_slip",
    "rejection_slip",
    "supplement_slip",
]

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FORM_LABELS: dict[str, str] = {
    # [U] unverified numbering except 02 [S]; see vn-standards.md §5.2. Adjust here if the
    # province's one-stop desks print other numbers.
    "receipt": "Mẫu số 01 (TT 01/2018/TT-VPCP)",
    "supplement": "Mẫu số 02 (TT 01/2018/TT-VPCP)",
    "rejection": "Mẫu số 03 (TT 01/2018/TT-VPCP)",
    "apology": "Mẫu số 04 (TT 01/2018/TT-VPCP)",
}
KINDS = tuple(FORM_LABELS)

LINE = 6.5
QR_SIZE_MM = 32


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _day(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def _moment(value: datetime.datetime | None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return _("%(hour)s giờ %(minute)s phút, ngày %(day)s") % {
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "day": f"{local:%d/%m/%Y}",
    }


class _Slip:
    """An A4 page with the one-stop slip's heading; ``body`` adds its lines."""

    def __init__(self, dossier: Dossier, kind: str, title: str) -> None:
        self.dossier = dossier
        pdf = self.pdf = FPDF(format="A4")
        pdf.set_title(f"{title} {dossier.code or ''}".strip())
        pdf.set_author("tinhso")
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        pdf.set_margins(18, 14, 18)
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.add_page()
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 4, FORM_LABELS[kind], align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        top = pdf.get_y() + 1
        half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
        left, right = pdf.l_margin, pdf.l_margin + half
        agency = dossier.handling_agency if kind == "apology" else dossier.receiving_agency
        pdf.set_y(top)
        self.block(left, half - 4, agency.name.upper(), size=9)
        self.block(left, half - 4, _("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"), size=9, bold=True)
        left_end = pdf.get_y()
        pdf.set_y(top)
        self.block(right, half, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=9, bold=True)
        self.block(right, half, "Độc lập - Tự do - Hạnh phúc", size=9, bold=True)
        today = timezone.localdate()
        self.block(
            right,
            half,
            _("Ngày %(d)s tháng %(m)s năm %(y)s")
            % {"d": f"{today:%d}", "m": f"{today:%m}", "y": today.year},
            size=9,
        )
        pdf.set_y(max(left_end, pdf.get_y()) + 6)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 7, title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(
            0,
            6,
            _("Mã hồ sơ: %(code)s") % {"code": dossier.code or "—"},
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(4)

    def block(self, x: float, width: float, text: str, *, size: float, bold: bool = False) -> None:
        """A centred paragraph in the column starting at ``x``; the cursor goes below it."""
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        self.pdf.set_x(x)
        self.pdf.multi_cell(width, size * 0.55, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)

    def line(self, text: str, *, bold: bool = False, indent: float = 0) -> None:
        """A paragraph of body text."""
        self.pdf.set_font("DejaVu", "B" if bold else "", 10.5)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def field(self, label: str, value: str) -> None:
        """A "label: value" line, the label in bold."""
        self.pdf.set_font("DejaVu", "B", 10.5)
        self.pdf.write(LINE, f"{label}: ")
        self.pdf.set_font("DejaVu", "", 10.5)
        self.pdf.write(LINE, value)
        self.pdf.ln(LINE)

    def items(self, values: Iterable[str]) -> None:
        """A numbered list."""
        for number, value in enumerate(values, start=1):
            self.line(f"{number}. {value}", indent=6)

    def applicant(self) -> None:
        """Who applied and for what."""
        dossier = self.dossier
        self.field(_("Người nộp hồ sơ"), dossier.applicant_name)
        if dossier.applicant_address:
            self.field(_("Địa chỉ"), dossier.applicant_address)
        contact = ", ".join(v for v in (dossier.applicant_phone, dossier.applicant_email) if v)
        if contact:
            self.field(_("Liên hệ"), contact)
        self.field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})")

    def signature(self, role: str, left: str | None = None) -> None:
        """The signature blocks at the foot of the slip."""
        pdf = self.pdf
        pdf.ln(8)
        half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
        top = pdf.get_y()
        if left:
            self.block(pdf.l_margin, half, left.upper(), size=10, bold=True)
            self.block(pdf.l_margin, half, _("(Ký, ghi rõ họ tên)"), size=8.5)
        pdf.set_y(top)
        self.block(pdf.l_margin + half, half, role.upper(), size=10, bold=True)
        self.block(pdf.l_margin + half, half, _("(Ký, ghi rõ họ tên)"), size=8.5)

    def output(self) -> bytes:
        """The PDF's bytes."""
        return bytes(self.pdf.output())


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).order_by("-at", "-id").first()


def _documents(dossier: Dossier) -> list[str]:
    """The documents received: those with an attached file, and for a paper dossier every
    document of the procedure not scanned (received on paper)."""
    attached: dict[str, list[str]] = {}
    loose: list[str] = []
    for attachment in dossier.attachments.filter(kind=AttachmentKind.INPUT):
        if attachment.document_code:
            attached.setdefault(attachment.document_code, []).append(attachment.name)
        else:
            loose.append(attachment.name)
    paper = dossier.channel != Channel.ONLINE
    listed: list[str] = []
    for document in dossier.procedure.documents.all():
        files = attached.get(document.code)
        if files:
            listed.append(
                _("%(name)s — bản điện tử: %(files)s")
                % {"name": document.name, "files": ", ".join(files)}
            )
        elif paper:
            listed.append(_("%(name)s — bản giấy") % {"name": document.name})
    return listed + loose


def receipt_slip(dossier: Dossier, *, tracking_url: str) -> bytes:
    """The receipt-and-appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả) with a QR
    code of ``tracking_url``, the absolute address of the tracking page for this dossier."""
    slip = _Slip(dossier, "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"))
    slip.line(_("%(agency)s đã tiếp nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    slip.applicant()
    slip.field(_("Kênh nộp"), str(Channel(dossier.channel).label))
    documents = _documents(dossier)
    if documents:
        slip.line(_("Thành phần hồ sơ đã nhận:"), bold=True)
        slip.items(documents)
    slip.field(_("Thời gian tiếp nhận"), _moment(dossier.received_at))
    slip.field(
        _("Thời hạn giải quyết"),
        _("%(days)s ngày làm việc") % {"days": dossier.procedure.processing_days},
    )
    slip.field(_("Ngày hẹn trả kết quả"), _day(dossier.due_date))
    slip.field(_("Cơ quan giải quyết"), dossier.deciding_agency.name)
    pdf = slip.pdf
    pdf.ln(2)
    y = pdf.get_y()
    if y + QR_SIZE_MM > pdf.h - pdf.b_margin:
        pdf.add_page()
        y = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(tracking_url)), x=pdf.l_margin, y=y, w=QR_SIZE_MM)
    pdf.set_xy(pdf.l_margin + QR_SIZE_MM + 4, y + 4)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _("Quét mã QR hoặc truy cập địa chỉ dưới đây để tra cứu tình trạng hồ sơ:")
        + f"\n{tracking_url}",
    )
    pdf.set_y(y + QR_SIZE_MM + 2)
    slip.signature(_("Người tiếp nhận"), left=_("Người nộp hồ sơ"))
    return slip.output()


def supplement_slip(dossier: Dossier) -> bytes:
    """The request to supplement and complete the dossier (phiếu yêu cầu bổ sung, hoàn thiện
    hồ sơ) with the reason the officer gave.

    Raises:
        ValueError: no supplement was ever requested for the dossier.
    """
    event = _last_event(dossier, "request_supplement")
    if event is None:
        raise ValueError("no supplement request (chưa yêu cầu bổ sung)")
    slip = _Slip(dossier, "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"))
    slip.line(_("%(agency)s đã tiếp nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    slip.applicant()
    slip.field(_("Thời gian tiếp nhận"), _moment(dossier.received_at))
    slip.field(_("Ngày yêu cầu bổ sung"), _moment(event.at))
    slip.line(_("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"), bold=True)
    slip.line(event.comment, indent=6)
    slip.line(
        _(
            "Thời gian chờ bổ sung không tính vào thời hạn giải quyết. Trong quá trình hoàn "
            "thiện hồ sơ, nếu có vướng mắc, xin liên hệ Bộ phận tiếp nhận và trả kết quả."
        )
    )
    slip.signature(_("Người hướng dẫn"))
    return slip.output()


def rejection_slip(dossier: Dossier) -> bytes:
    """The refusal to receive and process the dossier (phiếu từ chối tiếp nhận giải quyết hồ
    sơ) with the reason.

    Raises:
        ValueError: the dossier was never rejected.
    """
    event = _last_event(dossier, "reject")
    if event is None:
        raise ValueError("not rejected (hồ sơ không bị từ chối)")
    slip = _Slip(dossier, "rejection", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"))
    slip.line(_("%(agency)s đã nhận hồ sơ của:") % {"agency": dossier.receiving_agency.name})
    slip.applicant()
    slip.field(_("Thời gian nộp"), _moment(dossier.submitted_at))
    slip.line(_("Hồ sơ không đủ điều kiện tiếp nhận, giải quyết vì lý do sau:"), bold=True)
    slip.line(event.comment, indent=6)
    slip.line(_("Xin thông báo để Ông/Bà được biết và thực hiện."))
    slip.signature(_("Người tiếp nhận"))
    return slip.output()


def apology_slip(dossier: Dossier, apology: Apology | None = None) -> bytes:
    """The apology and new appointment date (phiếu xin lỗi và hẹn lại ngày trả kết quả); the
    dossier's latest apology unless ``apology`` is given.

    Raises:
        ValueError: the dossier has no apology.
    """
    apology = apology or dossier.apologies.order_by("-issued_at", "-id").first()
    if apology is None:
        raise ValueError("no apology (chưa có phiếu xin lỗi)")
    slip = _Slip(dossier, "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"))
    received = timezone.localtime(dossier.received_at).date() if dossier.received_at else None
    slip.line(
        _("Ngày %(day)s, %(agency)s tiếp nhận hồ sơ của:")
        % {"day": _day(received), "agency": dossier.receiving_agency.name}
    )
    slip.applicant()
    slip.field(_("Ngày hẹn trả kết quả đã ghi"), _day(apology.old_due_date))
    slip.line(_("Việc giải quyết hồ sơ chậm so với ngày hẹn vì lý do:"), bold=True)
    slip.line(apology.reason, indent=6)
    slip.line(
        _("%(agency)s xin lỗi Ông/Bà vì sự chậm trễ này và hẹn trả kết quả vào ngày %(day)s.")
        % {"agency": dossier.handling_agency.name, "day": _day(apology.new_due_date)},
        bold=True,
    )
    slip.signature(_("Thủ trưởng cơ quan giải quyết"))
    return slip.output()
