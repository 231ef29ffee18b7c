"""Shapes of the services API: procedures, tracking, the working-day calendar, dossiers and the
feed of status changes (also the body of every webhook call, see :func:`event_item`)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from tinhso.directory.choices import UnitLevel
from tinhso.directory.models import Agency
from tinhso.services import codes
from tinhso.services.choices import ApplicantKind, ServiceClass, Status
from tinhso.services.models import DossierEvent, Procedure
from tinhso.services.workflow import local_date

LevelName = Literal["province", "district", "commune"]
LEVEL_NAMES: dict[int, LevelName] = {
    UnitLevel.PROVINCE: "province",
    UnitLevel.DISTRICT: "district",
    UnitLevel.COMMUNE: "commune",
}
LEVEL_VALUES: dict[str, int] = {name: value for value, name in LEVEL_NAMES.items()}

ActionName = Literal[
    "receive",
    "reject",
    "advance",
    "transfer",
    "request_supplement",
    "supplement",
    "request_payment",
    "pay",
    "apologise",
    "suspend",
    "withdraw",
    "return",
    "rate",
]

LEVEL_HELP = "Cấp giải quyết: province (tỉnh), district (huyện, đến 30/06/2025), commune (xã)"
PORTAL_HELP = "Mã trạng thái đồng bộ Cổng DVC quốc gia (1–10)"


def level_name(level: int) -> LevelName:
    """The API's name of a tier of government (``1`` → ``"province"``)."""
    return LEVEL_NAMES[level]


def agency_code_on(agency: Agency | None, day: datetime.date) -> str | None:
    """The identifier code (mã định danh) of ``agency`` valid on ``day``, or None.

    Reads ``agency.codes.all()``: prefetch it when calling this for many rows.
    """
    if agency is None:
        return None
    try:
        return codes.agency_code(agency, day)
    except codes.CodeError:
        return None


# --- procedures ----------------------------------------------------------------------------


class ProcedureParams(Schema):
    """Filters of the procedure catalogue."""

    q: str = Field("", max_length=200, description="Tên (có hoặc không dấu) hoặc đầu mã thủ tục")
    level: LevelName | None = Field(None, description=LEVEL_HELP)
    service_class: ServiceClass | None = Field(None, description="Mức độ dịch vụ công")
    as_of: datetime.date | None = Field(
        None, description="Thủ tục áp dụng vào ngày này (YYYY-MM-DD); mặc định hôm nay"
    )


class ProcedureOut(Schema):
    """An administrative procedure (thủ tục hành chính) as the province carries it out."""

    code: str = Field(description="Mã thủ tục trong Cơ sở dữ liệu quốc gia về TTHC")
    name: str
    field: str = Field(description="Lĩnh vực")
    level: LevelName = Field(description=LEVEL_HELP)
    service_class: ServiceClass
    processing_days: int = Field(description="Thời hạn giải quyết (ngày làm việc)")
    agency: str | None = Field(
        description="Cơ quan giải quyết; null: UBND cấp xã nơi người nộp chọn"
    )
    mobile_ready: bool
    online_payment: bool
    fee_amount: int = Field(description="Phí, lệ phí (đồng)")
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_level(obj: Procedure) -> LevelName:
        return level_name(obj.level)

    @staticmethod
    def resolve_agency(obj: Procedure) -> str | None:
        return obj.agency.name if obj.agency is not None else None


class DocumentOut(Schema):
    """A document to submit (thành phần hồ sơ)."""

    code: str
    name: str
    required: bool
    reusable: bool = Field(description="Có thể dùng lại dữ liệu đã số hoá thay vì nộp lại")


class StepOut(Schema):
    """A step of the procedure's workflow and its share of the processing time."""

    code: str
    name: str
    role: str = Field(description="officer hoặc leader")
    agency: str = Field(description="receiving (cơ quan tiếp nhận) hoặc deciding (giải quyết)")
    share: float


class ProcedureDetailOut(ProcedureOut):
    """A procedure with its legal basis, fees, form fields, documents and steps."""

    legal_basis: str
    fee: str
    result: str
    fields: list[dict[str, Any]] = Field(
        description="Trường của tờ khai: name, label, type, required, choices"
    )
    documents: list[DocumentOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_documents(obj: Procedure) -> list[Any]:
        return list(obj.documents.all())


# --- public tracking and calendar ------------------------------------------------------------


class HistoryOut(Schema):
    """One status change of a dossier, without who or why."""

    at: datetime.datetime
    status: Status
    portal_status: int = Field(description=PORTAL_HELP)


class TrackingOut(Schema):
    """Where a dossier stands, for anyone who has its code: no personal data."""

    code: str
    procedure: str = Field(description="Tên thủ tục")
    status: Status
    status_label: str
    portal_status: int | None = Field(description=PORTAL_HELP)
    received_at: datetime.datetime | None
    due_date: datetime.date | None = Field(description="Ngày hẹn trả kết quả")
    returned_at: datetime.datetime | None
    history: list[HistoryOut]


class DueDateParams(Schema):
    """A reception day and a processing time in working days."""

    start: datetime.date = Field(description="Ngày tiếp nhận (YYYY-MM-DD), không tính vào thời hạn")
    days: int = Field(ge=0, le=365, description="Số ngày làm việc (0–365)")


class DueDateOut(Schema):
    """The appointment date: ``days`` working days after ``start``."""

    start: datetime.date
    days: int
    due: datetime.date


# --- dossiers --------------------------------------------------------------------------------


class DossierFilters(Schema):
    """Filters of the dossier list."""

    status: Status | None = None
    agency: int | None = Field(
        None, description="Mã (id) cơ quan tiếp nhận, giải quyết hoặc đang xử lý"
    )
    changed_since: datetime.datetime | None = Field(
        None, description="Chỉ hồ sơ thay đổi từ thời điểm này (ISO 8601)"
    )


class DossierAgencyOut(Schema):
    """An agency a dossier passes through, with its identifier code."""

    id: int
    name: str
    code: str | None = Field(description="Mã định danh (QCVN 102:2016) hiệu lực ngày nộp hồ sơ")


class DossierOut(Schema):
    """A dossier as officers and partner systems list it: no personal data."""

    code: str
    procedure: str = Field(description="Mã thủ tục")
    procedure_name: str
    level: LevelName = Field(description=LEVEL_HELP)
    channel: int = Field(description="KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính")
    status: Status
    status_label: str
    portal_status: int | None = Field(description=PORTAL_HELP)
    receiving_agency: DossierAgencyOut = Field(description="MaCoQuanTiepNhan")
    deciding_agency: DossierAgencyOut = Field(description="MaCoQuanGiaiQuyet")
    handling_agency: DossierAgencyOut
    submitted_at: datetime.datetime | None
    received_at: datetime.datetime | None
    due_date: datetime.date | None
    finished_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    updated_at: datetime.datetime
    version: int


class StepRefOut(Schema):
    """The step a dossier is at, and its deadline."""

    code: str
    name: str
    due: datetime.date | None


class DossierEventOut(Schema):
    """One step of a dossier's history, with the officer's reason (not who took it)."""

    at: datetime.datetime
    action: str
    action_label: str
    from_status: str
    to_status: Status
    portal_status: int = Field(description=PORTAL_HELP)
    step: str
    comment: str


class DossierDetailOut(DossierOut):
    """A dossier with its workflow state and history.

    Applicant details are masked (ADR 0005) except for the applicant; the form's values are
    given to the applicant only, officers get the names of the filled fields.
    """

    applicant_kind: ApplicantKind
    applicant: dict[str, str] = Field(
        description="applicant_name, applicant_id_number, …; che bớt trừ khi là người nộp"
    )
    form_data: dict[str, Any] | None = Field(description="Chỉ trả cho người nộp hồ sơ")
    form_fields: list[str] = Field(description="Tên các trường đã khai")
    unit: str | None = Field(description="Mã ĐVHC nơi giải quyết")
    step: StepRefOut | None
    promised_date: datetime.date | None
    paused_days: int
    supplement_count: int
    digital_result: bool
    fee_amount: int
    paid_online: bool
    rating: int | None
    timeliness: str | None = Field(description="early, on_time, late, in_time, overdue")
    allowed_actions: list[str]
    history: list[DossierEventOut]


class ApplicantIn(Schema):
    """Who applies, when not as stored on the caller's account."""

    kind: ApplicantKind = ApplicantKind.CITIZEN
    name: str | None = Field(None, max_length=255)
    id_number: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=255)


class DossierIn(Schema):
    """An online application submitted in one call."""

    procedure: str = Field(description="Mã thủ tục")
    form_data: dict[str, Any] = Field(default_factory=dict, description="Giá trị các trường")
    unit: str | None = Field(
        None, description="Mã ĐVHC cấp xã nơi giải quyết (bắt buộc với thủ tục cấp xã)"
    )
    applicant: ApplicantIn | None = Field(
        None, description="Mặc định: thông tin trên tài khoản người gọi"
    )


class CreatedOut(Schema):
    """The submitted dossier's code and state."""

    code: str
    status: Status
    portal_status: int | None
    version: int


class ActionIn(Schema):
    """An action on a dossier, against the version the caller read.

    ``comment`` is the reason where one is required (reject, request_supplement, suspend,
    apologise); ``to_agency`` for transfer, ``amount`` for request_payment, ``new_due_date``
    for apologise, ``online`` for pay, ``rating`` (1–3) for rate.
    """

    version: int
    comment: str = Field("", max_length=4000)
    to_agency: int | None = None
    amount: int | None = None
    digital_result: bool | None = None
    new_due_date: datetime.date | None = None
    online: bool = False
    rating: int | None = None


# --- the feed of status changes --------------------------------------------------------------


class EventParams(Schema):
    """Where to resume the feed, and how much to take."""

    since_id: int = Field(0, ge=0, description="Chỉ các sự kiện có id lớn hơn")
    limit: int = Field(100, ge=1, le=1000)


class EventOut(Schema):
    """A status change of a dossier, as the feed and every webhook call carry it."""

    id: int
    dossier: str = Field(description="Mã hồ sơ (MaHoSo)")
    procedure: str = Field(description="Mã thủ tục (MaTTHC)")
    action: str
    from_status: str
    to_status: Status
    portal_status: int = Field(description=PORTAL_HELP)
    at: datetime.datetime
    receiving_agency_code: str | None = Field(
        description="MaCoQuanTiepNhan: mã định danh hiệu lực lúc xảy ra sự kiện"
    )
    deciding_agency_code: str | None = Field(
        description="MaCoQuanGiaiQuyet: mã định danh hiệu lực lúc xảy ra sự kiện"
    )
    channel: int = Field(description="KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính")


class EventFeedOut(Schema):
    """A page of the feed; ask again with ``since_id=next_since_id``."""

    items: list[EventOut]
    next_since_id: int = Field(description="id của sự kiện cuối trang (hoặc since_id nếu rỗng)")


def event_item(event: DossierEvent) -> dict[str, Any]:
    """The feed item (and webhook body) of one event.

    Reads ``event.dossier`` with its procedure and its receiving and deciding agencies and their
    codes: select and prefetch them when building many.
    """
    dossier = event.dossier
    day = local_date(event.at)
    return {
        "id": event.pk,
        "dossier": dossier.code or "",
        "procedure": dossier.procedure.code,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "portal_status": event.portal_status,
        "at": event.at,
        "receiving_agency_code": agency_code_on(dossier.receiving_agency, day),
        "deciding_agency_code": agency_code_on(dossier.deciding_agency, day),
        "channel": dossier.channel,
    }


EVENT_RELATED = ("dossier__procedure", "dossier__receiving_agency", "dossier__deciding_agency")
EVENT_PREFETCH = ("dossier__receiving_agency__codes", "dossier__deciding_agency__codes")
