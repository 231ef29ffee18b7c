"""Data elements, indicators, reported values and the resolution's targets."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import TimeStampedModel
from tinhso.indicators.choices import (
    Aggregation,
    Comparison,
    FlagKind,
    Importance,
    Operator,
    RegimePeriod,
    SubmissionAction,
    SubmissionStatus,
    TargetScope,
    ValueSource,
    ValueType,
)
from tinhso.indicators.periods import CutoffRule, DeadlineRule, PeriodType


class DataElement(TimeStampedModel):
    """A quantity that units report (phần tử dữ liệu), e.g. work records processed online.

    Aggregation over time (months into a year) and over space (communes into a province) are
    separate, because a stock (last value) and a flow (sum) combine differently. Values may be
    disaggregated by the named ``dimensions`` (e.g. ``level``), stored on each value.
    """

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    value_type = models.CharField(_("kiểu giá trị"), max_length=20, choices=ValueType.choices)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    aggregation_time = models.CharField(
        _("cộng dồn theo thời gian"), max_length=10, choices=Aggregation.choices
    )
    aggregation_space = models.CharField(
        _("cộng dồn theo địa bàn"), max_length=10, choices=Aggregation.choices
    )
    dimensions = models.JSONField(_("chiều phân tổ"), default=list, blank=True)

    class Meta:
        verbose_name = _("phần tử dữ liệu")
        verbose_name_plural = _("phần tử dữ liệu")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Indicator(TimeStampedModel):
    """An indicator (chỉ tiêu): numerator / denominator over data elements, times a factor.

    Expressions use ``#{CODE}`` references (see ``tinhso.indicators.expressions``) and are
    evaluated after aggregation, so a ratio of sums is never an average of ratios.
    """

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    numerator = models.TextField(_("tử số"))
    denominator = models.TextField(_("mẫu số"), default="1")
    factor = models.DecimalField(_("hệ số"), max_digits=12, decimal_places=4, default=1)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


def dimension_key(dimensions: dict[str, str]) -> str:
    """Canonical text of a disaggregation, part of a value's identity."""
    return json.dumps(dimensions, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class DataValue(TimeStampedModel):
    """One reported (or computed, or published) value of a data element (giá trị số liệu).

    Keyed by data element, administrative unit, period code (``2024``, ``2024Q1``, ``202403``)
    and its disaggregation (``dimensions``, with ``dimension_key`` its canonical text).
    """

    # No index of its own: the cell key's unique index starts with it.
    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("phần tử dữ liệu"),
        db_index=False,
    )
    unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="data_values",
        verbose_name=_("đơn vị hành chính"),
    )
    period = models.CharField(_("kỳ"), max_length=10)
    dimensions = models.JSONField(_("phân tổ"), default=dict, blank=True)
    dimension_key = models.CharField(_("khoá phân tổ"), max_length=255, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=6)
    source = models.CharField(
        _("nguồn"), max_length=20, choices=ValueSource.choices, default=ValueSource.REPORTED
    )
    confidence = models.CharField(_("độ tin cậy"), max_length=1, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("giá trị số liệu")
        verbose_name_plural = _("giá trị số liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["data_element", "unit", "period", "dimension_key"],
                name="datavalue_unique_cell",
                violation_error_message=_("Đã có giá trị cho ô số liệu này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_element_id} {self.unit_id} {self.period} = {self.value}"


class Target(TimeStampedModel):
    """A numeric target of the resolution (chỉ tiêu mục tiêu), e.g. G-WORK-C25.

    Its status is computed from the indicator's observed values projected to the deadline.
    """

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("chỉ tiêu")
    )
    comparison = models.CharField(_("so sánh"), max_length=2, choices=Comparison.choices)
    target_value = models.DecimalField(_("giá trị mục tiêu"), max_digits=14, decimal_places=4)
    baseline_value = models.DecimalField(
        _("giá trị gốc"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("ngày gốc"), null=True, blank=True)
    deadline = models.DateField(_("hạn"))
    scope = models.CharField(_("phạm vi"), max_length=10, choices=TargetScope.choices)
    scope_unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("đơn vị áp dụng"),
    )
    responsible_agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("cơ quan chủ trì"),
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["deadline", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ReportingRegime(TimeStampedModel):
    """A reporting regime (chế độ báo cáo): who reports which form, how often, by when.

    ``cutoff_start_day`` is the Decree 09/2019 data window (15 = from the 15th of the month
    before to the 14th; 1 = the calendar period) and the deadline is either ``deadline_days``
    after the period ends or ``deadline_day_of_last_month``; both rules are marked unverified in
    our reference, so they are data. Values are locked ``lock_after_days`` after the period ends
    (none: only approval locks them).
    """

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    period_type = models.CharField(_("kỳ báo cáo"), max_length=12, choices=RegimePeriod.choices)
    cutoff_start_day = models.PositiveSmallIntegerField(_("ngày bắt đầu chốt số liệu"), default=1)
    deadline_days = models.PositiveSmallIntegerField(
        _("hạn nộp (số ngày sau kỳ)"), null=True, blank=True
    )
    deadline_day_of_last_month = models.PositiveSmallIntegerField(
        _("hạn nộp (ngày của tháng cuối kỳ)"), null=True, blank=True
    )
    lock_after_days = models.PositiveSmallIntegerField(
        _("khoá số liệu sau (ngày)"), null=True, blank=True
    )
    data_elements = models.ManyToManyField(
        DataElement, related_name="regimes", verbose_name=_("biểu mẫu (phần tử dữ liệu)")
    )
    dimension_options = models.JSONField(
        _("các lựa chọn phân tổ"),
        default=dict,
        blank=True,
        help_text=_('Ví dụ {"level": ["commune"]}: các ô của biểu mẫu theo từng phân tổ.'),
    )
    recipient = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan nhận báo cáo"),
    )

    class Meta:
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = _("chế độ báo cáo")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def period_kind(self) -> PeriodType:
        """The regime's period type as the periods module knows it."""
        return PeriodType(self.period_type)

    @property
    def cutoff_rule(self) -> CutoffRule:
        """The data window rule (Decree 09/2019 cut-off, configurable)."""
        return CutoffRule(start_day=self.cutoff_start_day)

    @property
    def deadline_rule(self) -> DeadlineRule:
        """When a period's report is due."""
        return DeadlineRule(
            days_after_period_end=self.deadline_days,
            day_of_last_month=self.deadline_day_of_last_month,
        )


class ApprovalStep(models.Model):
    """One level of a regime's approval chain, in ``order`` (e.g. department, then province).

    The approver needs ``data.approve`` over ``agency`` when set, otherwise over the reporting
    unit's ancestor at ``unit_level`` (or the unit itself when that is empty).
    """

    regime = models.ForeignKey(
        ReportingRegime, on_delete=models.CASCADE, related_name="approval_steps"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("cơ quan phê duyệt"),
    )
    unit_level = models.PositiveSmallIntegerField(_("cấp phê duyệt"), null=True, blank=True)

    class Meta:
        verbose_name = _("bước phê duyệt")
        verbose_name_plural = _("bước phê duyệt")
        ordering = ["regime", "order"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "order"], name="approvalstep_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.regime_id}#{self.order} {self.name}"


class ExpectedReporter(models.Model):
    """A unit that must report under a regime between two dates (effective-dated)."""

    regime = models.ForeignKey(
        ReportingRegime, on_delete=models.CASCADE, related_name="expected_reporters"
    )
    unit = models.ForeignKey(
        "directory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị phải báo cáo")
        verbose_name_plural = _("đơn vị phải báo cáo")
        ordering = ["regime", "unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.regime_id} {self.unit_id} {self.valid_from}"


class Submission(TimeStampedModel):
    """One unit's report for one regime and period (báo cáo kỳ).

    Rows for every expected reporter are created when the period opens (``expected`` true), a
    snapshot that completeness divides by, so it never exceeds 100 %. ``approved_steps`` counts
    the approval levels passed; ``version`` guards against lost updates.
    """

    regime = models.ForeignKey(
        ReportingRegime, on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey(
        "directory.AdministrativeUnit", on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.CharField(_("kỳ"), max_length=10)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    expected = models.BooleanField(_("thuộc diện phải báo cáo"), default=False)
    due_date = models.DateField(_("hạn nộp"))
    lock_date = models.DateField(_("khoá sau ngày"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    on_time = models.BooleanField(_("đúng hạn"), null=True, blank=True)
    approved_steps = models.PositiveSmallIntegerField(_("số bước đã duyệt"), default=0)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["regime", "period", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["regime", "unit", "period"], name="submission_unique_report"
            )
        ]
        indexes = [models.Index(fields=["regime", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.regime_id} {self.unit_id} {self.period} ({self.status})"


class SubmissionEvent(models.Model):
    """A step in a report's history: saved, submitted, approved at a level, returned."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=10, choices=SubmissionAction.choices)
    step = models.PositiveSmallIntegerField(_("bước"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("lịch sử báo cáo")
        verbose_name_plural = _("lịch sử báo cáo")
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class ValueChange(models.Model):
    """History of a value (lịch sử giá trị): every update or deletion keeps the previous value."""

    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "directory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("kỳ"), max_length=10)
    dimension_key = models.CharField(_("khoá phân tổ"), max_length=255, blank=True)
    previous = models.DecimalField(
        _("giá trị trước"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    value = models.DecimalField(_("giá trị mới"), max_digits=20, decimal_places=6, null=True)
    channel = models.CharField(_("kênh"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử giá trị")
        verbose_name_plural = _("lịch sử giá trị")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["data_element", "unit", "period"])]

    def __str__(self) -> str:
        return f"{self.data_element_id} {self.unit_id} {self.period}: {self.previous}→{self.value}"


class ValidationRule(TimeStampedModel):
    """A check run on submit: ``left operator right`` over one unit and period's values.

    Sides are expressions like indicators' (``#{WORK_ONLINE} <= #{WORK_TOTAL}``); a side with
    no data skips the rule. A broken rule of high importance blocks submission.
    """

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    regime = models.ForeignKey(
        ReportingRegime, on_delete=models.CASCADE, related_name="validation_rules"
    )
    left = models.TextField(_("vế trái"))
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=Operator.choices)
    right = models.TextField(_("vế phải"))
    importance = models.CharField(
        _("mức độ"), max_length=6, choices=Importance.choices, default=Importance.MEDIUM
    )
    message = models.CharField(_("thông báo"), max_length=255)

    class Meta:
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")
        ordering = ["regime", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.left} {self.operator} {self.right}"


class ValueFlag(models.Model):
    """An outlier flag raised on a submitted value, for the approver to look at."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="flags")
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    dimension_key = models.CharField(_("khoá phân tổ"), max_length=255, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=FlagKind.choices)
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=6)
    reference = models.DecimalField(
        _("giá trị đối chiếu"), max_digits=20, decimal_places=6, null=True
    )
    score = models.FloatField(_("điểm"))

    class Meta:
        verbose_name = _("cảnh báo giá trị")
        verbose_name_plural = _("cảnh báo giá trị")
        ordering = ["submission", "data_element"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.data_element_id} {self.kind} {self.score:.1f}"
