"""Procedures, dossiers and the one-stop workflow's records (thủ tục hành chính, hồ sơ)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.choices import PersonalDataCategory
from tinhso.accounts.scopes import Location
from tinhso.core.models import TimeStampedModel
from tinhso.core.text import fold
from tinhso.directory.choices import UnitLevel
from tinhso.services.choices import (
    PORTAL_CODES,
    ApplicantKind,
    AttachmentKind,
    Channel,
    DayKind,
    Rating,
    ServiceClass,
    Status,
)


class CalendarDay(TimeStampedModel):
    """A day the province declares off or working (ngày nghỉ, ngày làm bù), overriding the
    national calendar of weekends and public holidays (the ``holidays`` package)."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=10, choices=DayKind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù của tỉnh")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù của tỉnh")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class Procedure(TimeStampedModel):
    """An administrative procedure (thủ tục hành chính) of the national catalogue as the
    province carries it out: who decides, what to submit, how long it takes, how far online.

    ``level`` is the tier of government that decides (cấp tỉnh, cấp xã; cấp huyện until
    30/06/2025). ``agency`` is the deciding agency for provincial procedures; empty means the
    UBND of the commune (or, before 01/07/2025, the district) the applicant chooses.
    ``steps`` is the workflow template: a list of ``{"code", "name", "role", "agency",
    "share"}`` (see ``tinhso.services.workflow``).
    """

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    search_name = models.CharField(
        _("tên không dấu"), max_length=500, db_index=True, blank=True, editable=False
    )
    field = models.CharField(_("lĩnh vực"), max_length=150)
    level = models.PositiveSmallIntegerField(_("cấp thực hiện"), choices=UnitLevel.choices)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("cơ quan giải quyết"),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    service_class = models.CharField(
        _("mức độ dịch vụ công"), max_length=20, choices=ServiceClass.choices
    )
    mobile_ready = models.BooleanField(_("dùng được trên thiết bị di động"), default=False)
    online_payment = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    fee = models.CharField(_("phí, lệ phí"), max_length=500, blank=True)
    fee_amount = models.PositiveIntegerField(_("số tiền phí, lệ phí (đồng)"), default=0)
    fields = models.JSONField(_("trường thông tin của tờ khai"), default=list, blank=True)
    steps = models.JSONField(_("quy trình xử lý"), default=list)
    result = models.CharField(_("kết quả"), max_length=500, blank=True)
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["level", "field", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="procedure_valid_interval",
                violation_error_message=_("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the accent-free search key in step with the name."""
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        """Whether the procedure applied on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def online(self) -> bool:
        """Whether the procedure can be submitted online."""
        return self.service_class != ServiceClass.IN_PERSON


class ProcedureDocument(models.Model):
    """A document an applicant submits for a procedure (thành phần hồ sơ)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name=_("thủ tục")
    )
    code = models.CharField(_("mã giấy tờ"), max_length=30)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    reusable = models.BooleanField(
        _("dùng lại dữ liệu đã số hoá"),
        default=False,
        help_text=_("Có thể lấy từ kho dữ liệu đã số hoá thay vì nộp lại."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "code"],
                name="procedure_document_code_unique",
                violation_error_message=_("Thủ tục đã có giấy tờ mang mã này."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class DossierCounter(models.Model):
    """The last sequence number given to dossiers of one agency on one day (số thứ tự hồ sơ)."""

    agency_code = models.CharField(_("mã định danh cơ quan"), max_length=35)
    day = models.DateField(_("ngày"))
    last = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day:%y%m%d} {self.last}"


class Dossier(TimeStampedModel):
    """An application for an administrative procedure (hồ sơ thủ tục hành chính).

    Created as a draft by a citizen or business online, or at the counter by an officer; it
    moves through the one-stop workflow (``tinhso.services.actions``) until its result is
    returned. Since Decree 118/2025 any centre in the province may receive a dossier that
    another agency decides, so both are kept. ``level`` is the deciding tier as it stood when
    the dossier was submitted (districts existed until 30/06/2025). ``due_date`` is the
    appointment date (ngày hẹn trả); time waiting for the applicant's supplement moves it on,
    and so does an apology's new date; ``promised_date`` moves only with the supplement time
    and decides whether the dossier was on time.
    ``version`` guards against lost updates: every transition checks and increments it.
    """

    personal_data = {
        "applicant_name": PersonalDataCategory.NAME,
        "applicant_id_number": PersonalDataCategory.IDENTIFIER,
        "applicant_phone": PersonalDataCategory.CONTACT,
        "applicant_email": PersonalDataCategory.CONTACT,
        "applicant_address": PersonalDataCategory.ADDRESS,
    }

    code = models.CharField(_("mã hồ sơ"), max_length=50, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    level = models.PositiveSmallIntegerField(_("cấp giải quyết"), choices=UnitLevel.choices)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("tài khoản người nộp"),
    )
    applicant_kind = models.CharField(
        _("loại người nộp"),
        max_length=10,
        choices=ApplicantKind.choices,
        default=ApplicantKind.CITIZEN,
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=255)
    applicant_id_number = models.CharField(
        _("số định danh / mã số thuế"), max_length=20, blank=True
    )
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("địa bàn"),
    )
    receiving_agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("cơ quan tiếp nhận"),
    )
    deciding_agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="decided_dossiers",
        verbose_name=_("cơ quan giải quyết"),
    )
    handling_agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        verbose_name=_("cơ quan đang xử lý"),
    )
    form_data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    step_index = models.PositiveSmallIntegerField(_("bước hiện tại"), default=0)
    step_due = models.DateField(_("hạn của bước"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_date = models.DateField(_("ngày hẹn trả kết quả"), null=True, blank=True)
    promised_date = models.DateField(
        _("ngày hẹn ban đầu"),
        null=True,
        blank=True,
        help_text=_(
            "Ngày hẹn khi tiếp nhận, chỉ lùi theo thời gian chờ bổ sung; dùng để tính đúng hạn."
        ),
    )
    finished_at = models.DateTimeField(_("kết thúc xử lý lúc"), null=True, blank=True)
    finished_on = models.DateField(_("ngày kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    paused_since = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(_("số ngày chờ bổ sung"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    digital_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    fee_amount = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    paid_online = models.BooleanField(_("đã thanh toán trực tuyến"), default=False)
    rating = models.PositiveSmallIntegerField(
        _("mức độ hài lòng"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.TextField(_("ý kiến đánh giá"), blank=True)
    rated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["handling_agency", "status"], name="dossier_handling_status"),
            models.Index(fields=["status", "due_date"], name="dossier_status_due"),
            models.Index(fields=["received_at"], name="dossier_received_at"),
            models.Index(fields=["applicant", "status"], name="dossier_applicant_status"),
        ]

    def __str__(self) -> str:
        return self.code or _("Hồ sơ nháp %(id)s") % {"id": self.pk}

    @property
    def portal_status(self) -> int | None:
        """The status code of the National Public Service Portal (None for a draft)."""
        return PORTAL_CODES.get(self.status)

    @property
    def current_step(self) -> dict[str, Any] | None:
        """The step of the procedure's template the dossier is at."""
        steps = self.procedure.steps
        return steps[self.step_index] if self.step_index < len(steps) else None

    def scope_location(self) -> Location:
        """Officers see a dossier through any agency it passes: receiving, deciding, handling."""
        return Location.of(
            agencies=[self.receiving_agency_id, self.deciding_agency_id, self.handling_agency_id]
        )


class DossierEvent(models.Model):
    """One step of a dossier's history (lịch sử xử lý): a transition, who did it, why.

    It is also the feed of status changes for the National Public Service Portal and webhooks.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("hồ sơ")
    )
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=30)
    from_status = models.CharField(_("trạng thái trước"), max_length=20, blank=True)
    to_status = models.CharField(_("trạng thái sau"), max_length=20)
    portal_status = models.PositiveSmallIntegerField(_("mã trạng thái Cổng DVC quốc gia"))
    step_code = models.CharField(_("bước"), max_length=30, blank=True)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan"),
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý hồ sơ")
        verbose_name_plural = _("lịch sử xử lý hồ sơ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.at:%d/%m/%Y %H:%M}"


class Apology(models.Model):
    """A letter of apology with a new appointment date (phiếu xin lỗi và hẹn lại ngày trả
    kết quả, form 04 of Circular 01/2018) for a dossier that will be late."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="apologies", verbose_name=_("hồ sơ")
    )
    issued_at = models.DateTimeField(_("lập lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    reason = models.TextField(_("lý do"))
    old_due_date = models.DateField(_("ngày hẹn cũ"))
    new_due_date = models.DateField(_("ngày hẹn mới"))

    class Meta:
        verbose_name = _("phiếu xin lỗi và hẹn lại")
        verbose_name_plural = _("phiếu xin lỗi và hẹn lại")
        ordering = ["issued_at"]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due_date:%d/%m/%Y}"


class Attachment(TimeStampedModel):
    """A file of a dossier: a submitted document, a supplement or the electronic result."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("hồ sơ")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=AttachmentKind.choices)
    document_code = models.CharField(_("mã giấy tờ"), max_length=30, blank=True)
    file = models.FileField(_("tệp"), upload_to="services/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class Webhook(TimeStampedModel):
    """A partner system told of every status change (e.g. the national portal's sync)."""

    name = models.CharField(_("tên"), max_length=150)
    url = models.URLField(_("địa chỉ nhận"))
    secret = models.CharField(_("khoá ký HMAC"), max_length=128)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One attempt to tell a webhook of a status change, kept for retries and inspection."""

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.ForeignKey(
        DossierEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("sự kiện")
    )
    attempted_at = models.DateTimeField(_("gửi lúc"))
    status_code = models.PositiveSmallIntegerField(_("mã phản hồi HTTP"), null=True, blank=True)
    ok = models.BooleanField(_("thành công"), default=False)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("lần gửi webhook")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.webhook} {self.event_id} {self.status_code}"


class Notification(models.Model):
    """A message sent (or attempted) to an applicant about their dossier."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("hồ sơ")
    )
    event = models.ForeignKey(
        DossierEvent,
        on_delete=models.CASCADE,
        null=True,
        related_name="notifications",
        verbose_name=_("sự kiện"),
    )
    channel = models.CharField(_("kênh"), max_length=10)
    recipient = models.CharField(_("người nhận"), max_length=255)
    body = models.TextField(_("nội dung"))
    sent_at = models.DateTimeField(_("gửi lúc"))
    ok = models.BooleanField(_("thành công"), default=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient}"
