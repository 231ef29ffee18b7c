"""Data elements, indicators, reported values and the resolution's targets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import TimeStampedModel
from tinhso.indicators.choices import (
    Aggregation,
    Comparison,
    TargetScope,
    ValueSource,
    ValueType,
)


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


class DataValue(TimeStampedModel):
    """One reported (or computed, or published) value of a data element (giá trị số liệu).

    Keyed by data element, administrative unit, period code (``2024``, ``2024Q1``, ``202403``)
    and its disaggregation (``dimensions``, with ``dimension_key`` its canonical text).
    """

    data_element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("phần tử dữ liệu"),
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
