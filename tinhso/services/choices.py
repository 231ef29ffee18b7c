"""Enumerations of the one-stop services app (thủ tục hành chính, hồ sơ, một cửa)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceClass(models.TextChoices):
    """How far a procedure can be done online (Decree 42/2022, Art. 11)."""

    FULL_ONLINE = "full_online", _("Dịch vụ công trực tuyến toàn trình")
    PARTIAL_ONLINE = "partial_online", _("Dịch vụ công trực tuyến một phần")
    IN_PERSON = "in_person", _("Chỉ thực hiện trực tiếp")


class Channel(models.IntegerChoices):
    """Where a dossier was submitted (KenhThucHien of the National Public Service Portal)."""

    DIRECT = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


class ApplicantKind(models.TextChoices):
    """Who applies: a person or an organisation."""

    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class Status(models.TextChoices):
    """Where a dossier stands in the one-stop workflow.

    Every status but the draft maps to one of the ten status codes used to synchronise with the
    National Public Service Portal (``PORTAL_CODES``).
    """

    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")
    REJECTED = "rejected", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung hồ sơ")
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    SUSPENDED = "suspended", _("Dừng xử lý")
    RESOLVED = "resolved", _("Đã xử lý xong, chờ trả kết quả")
    RETURNED = "returned", _("Đã trả kết quả")


# The National Public Service Portal's status codes (records-onestop.md §4.3).
PORTAL_CODES: dict[str, int] = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REJECTED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT: 5,
    Status.PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.SUSPENDED: 8,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
}

# Statuses after which nothing more happens to a dossier (a resolved one still awaits return).
TERMINAL = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.SUSPENDED, Status.RETURNED})
# Statuses in which the one-stop clock runs towards the appointment date.
OPEN = frozenset({Status.RECEIVED, Status.PROCESSING, Status.PAYMENT})
# Statuses in which an officer still has work to do on a received dossier.
IN_HAND = frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT})


class Timeliness(models.TextChoices):
    """How a dossier's processing compares with its appointment date (Decision 766)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")
    IN_TIME = "in_time", _("Đang xử lý trong hạn")
    OVERDUE = "overdue", _("Đang xử lý quá hạn")


class StepRole(models.TextChoices):
    """Who does a step of a procedure's workflow."""

    OFFICER = "officer", _("Cán bộ")
    LEADER = "leader", _("Lãnh đạo")


class StepAgency(models.TextChoices):
    """Which of the dossier's agencies does a step."""

    RECEIVING = "receiving", _("Cơ quan tiếp nhận")
    DECIDING = "deciding", _("Cơ quan giải quyết")


class DayKind(models.TextChoices):
    """What the province declares a calendar day to be."""

    OFF = "off", _("Ngày nghỉ")
    WORKING = "working", _("Ngày làm việc (làm bù)")


class Rating(models.IntegerChoices):
    """The applicant's satisfaction with the service (mức độ hài lòng)."""

    UNSATISFIED = 1, _("Không hài lòng")
    SATISFIED = 2, _("Hài lòng")
    VERY_SATISFIED = 3, _("Rất hài lòng")


class AttachmentKind(models.TextChoices):
    """What a file attached to a dossier is."""

    INPUT = "input", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")
