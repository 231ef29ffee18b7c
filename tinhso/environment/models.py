"""Environmental monitoring (quan trắc môi trường): stations, parameters, limits and readings.

A reading is keyed by (station, parameter, observed time): ingesting it twice — an MQTT
redelivery, a re-sent file, a retried HTTP batch — stores it once. Readings that fail
validation are never dropped: they go to :class:`QuarantinedReading` with the reason, shown to
the station's operator. Limit sets (QCVN) are versioned data an operator edits, not constants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.scopes import Location
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.environment.choices import (
    Averaging,
    IndexKind,
    Medium,
    QuarantineReason,
    ReadingStatus,
    Source,
    StationKind,
)


class Parameter(models.Model):
    """A measured quantity (thông số), e.g. PM2.5 in µg/m³ or COD in mg/L."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=30)
    media = models.JSONField(_("thành phần môi trường"), default=list)
    symbols = models.JSONField(
        _("ký hiệu khác"),
        default=list,
        blank=True,
        help_text=_("Ký hiệu theo Thông tư 10/2021 hoặc của thiết bị, ví dụ “PM2,5”."),
    )
    min_value = models.FloatField(_("giá trị nhỏ nhất hợp lý"), null=True, blank=True)
    max_value = models.FloatField(_("giá trị lớn nhất hợp lý"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông số quan trắc")
        verbose_name_plural = _("thông số quan trắc")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.unit})"


class LimitSet(models.Model):
    """One version of a technical regulation's limits (quy chuẩn kỹ thuật, QCVN), e.g.
    QCVN 05:2023/BTNMT, or QCVN 40:2011/BTNMT column B. A new version is a new row."""

    code = models.CharField(_("quy chuẩn"), max_length=60)
    name = models.CharField(_("tên"), max_length=255)
    medium = models.CharField(_("thành phần môi trường"), max_length=20, choices=Medium.choices)
    column = models.CharField(_("cột"), max_length=2, blank=True)
    version = models.CharField(_("phiên bản"), max_length=20)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    source = models.URLField(_("nguồn"), max_length=500, blank=True)
    verified = models.BooleanField(
        _("đã đối chiếu văn bản gốc"),
        default=False,
        help_text=_("Bỏ chọn khi số liệu chưa được đối chiếu với văn bản chính thức."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ giới hạn (QCVN)")
        verbose_name_plural = _("bộ giới hạn (QCVN)")
        ordering = ["code", "column", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "column", "version"], name="limit_set_code_column_version"
            )
        ]

    def __str__(self) -> str:
        column = f" {_('cột')} {self.column}" if self.column else ""
        return f"{self.code}{column} ({self.version})"


class Limit(models.Model):
    """A parameter's limit within a set; ``apply_k`` marks limits multiplied by Kq·Kf."""

    limit_set = models.ForeignKey(
        LimitSet, on_delete=models.CASCADE, related_name="limits", verbose_name=_("bộ giới hạn")
    )
    parameter = models.ForeignKey(
        Parameter, on_delete=models.PROTECT, related_name="limits", verbose_name=_("thông số")
    )
    averaging = models.CharField(
        _("thời gian trung bình"), max_length=10, choices=Averaging.choices
    )
    min_value = models.FloatField(_("giới hạn dưới"), null=True, blank=True)
    max_value = models.FloatField(_("giới hạn trên"), null=True, blank=True)
    apply_k = models.BooleanField(_("nhân hệ số Kq, Kf"), default=False)
    verified = models.BooleanField(_("đã đối chiếu"), default=False)

    class Meta:
        verbose_name = _("giới hạn")
        verbose_name_plural = _("giới hạn")
        ordering = ["limit_set", "parameter__code", "averaging"]
        constraints = [
            models.UniqueConstraint(
                fields=["limit_set", "parameter", "averaging"], name="limit_per_parameter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parameter.code} {self.averaging}: {self.min_value}–{self.max_value}"


class WqiTable(models.Model):
    """The VN_WQI tables in force (Decision 1460: breakpoints, groups, levels, formula), as data
    an operator corrects without a release; without a row, the shipped table applies."""

    name = models.CharField(_("tên"), max_length=120)
    data = models.JSONField(_("bảng tra"), help_text=_("Cùng cấu trúc với data/vn_wqi_1460.json."))
    active = models.BooleanField(_("đang áp dụng"), default=True)
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    updated = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bảng tra VN_WQI")
        verbose_name_plural = _("bảng tra VN_WQI")
        ordering = ["-active", "-updated"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_wqi_table"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """A monitoring station (trạm quan trắc): automatic or periodic, air or water."""

    code = models.SlugField(_("mã trạm"), max_length=40, unique=True)
    name = models.CharField(_("tên trạm"), max_length=255)
    kind = models.CharField(_("loại trạm"), max_length=20, choices=StationKind.choices)
    medium = models.CharField(_("thành phần môi trường"), max_length=20, choices=Medium.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="stations",
        verbose_name=_("cơ quan quản lý"),
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="stations",
        verbose_name=_("đơn vị hành chính"),
    )
    operator = models.CharField(_("đơn vị vận hành"), max_length=255, blank=True)
    facility = models.CharField(_("cơ sở xả thải"), max_length=255, blank=True)
    industrial_zone = models.CharField(_("khu công nghiệp"), max_length=255, blank=True)
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    parameters = models.ManyToManyField(
        Parameter, related_name="stations", verbose_name=_("thông số đo")
    )
    limit_set = models.ForeignKey(
        LimitSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stations",
        verbose_name=_("bộ giới hạn áp dụng"),
    )
    kq = models.FloatField(_("hệ số Kq"), null=True, blank=True)
    kf = models.FloatField(_("hệ số Kf"), null=True, blank=True)
    tt10_province = models.CharField(_("mã tỉnh (tệp TT10)"), max_length=20, blank=True)
    tt10_facility = models.CharField(_("mã cơ sở (tệp TT10)"), max_length=40, blank=True)
    tt10_station = models.CharField(_("mã trạm (tệp TT10)"), max_length=40, blank=True)
    expected_every_minutes = models.PositiveIntegerField(
        _("chu kỳ gửi dữ liệu (phút)"),
        default=5,
        help_text=_("Quá ba chu kỳ không nhận được dữ liệu thì báo mất tín hiệu."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    last_reading_at = models.DateTimeField(_("nhận dữ liệu lần cuối"), null=True, blank=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("trạm quan trắc")
        verbose_name_plural = _("trạm quan trắc")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tt10_province", "tt10_facility", "tt10_station"],
                condition=~Q(tt10_station=""),
                name="station_tt10_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def scope_location(self) -> Location:
        """A station sits with its managing agency and its unit (for ``accounts.permissions``)."""
        return Location.of(units=[self.unit_id], agencies=[self.agency_id])


class Reading(models.Model):
    """One measured value. Calibration (01) and device-error (02) readings are kept but never
    enter an index or an exceedance."""

    pk = models.CompositePrimaryKey("station", "parameter", "observed_at")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, verbose_name=_("trạm"))
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, verbose_name=_("thông số"))
    observed_at = models.DateTimeField(_("thời điểm đo"))
    value = models.FloatField(_("giá trị"))
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=ReadingStatus.choices, default=ReadingStatus.MEASURING
    )
    source = models.PositiveSmallIntegerField(_("nguồn"), choices=Source.choices)
    received_at = models.DateTimeField(_("nhận lúc"))

    class Meta:
        verbose_name = _("số liệu quan trắc")
        verbose_name_plural = _("số liệu quan trắc")

    def __str__(self) -> str:
        return (
            f"{self.station_id}/{self.parameter_id} {self.observed_at:%Y-%m-%d %H:%M}: {self.value}"
        )


class QuarantinedReading(models.Model):
    """A reading (or a whole payload) set aside with the reason, for the operator to see."""

    station = models.ForeignKey(
        Station,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quarantined",
        verbose_name=_("trạm"),
    )
    source = models.PositiveSmallIntegerField(_("nguồn"), choices=Source.choices)
    reason = models.CharField(_("lý do"), max_length=30, choices=QuarantineReason.choices)
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)
    raw = models.TextField(_("dữ liệu gốc"))
    origin = models.CharField(
        _("xuất xứ"), max_length=255, blank=True, help_text=_("Tên tệp, chủ đề MQTT hoặc mã.")
    )
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("số liệu bị cách ly")
        verbose_name_plural = _("số liệu bị cách ly")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.detail}"


class HourlyMean(models.Model):
    """The mean of a station's valid readings of a parameter over one hour, labelled by the
    hour's END (``hour`` 08:00 covers 07:00–08:00, as Decision 1459 counts 01:00…24:00)."""

    pk = models.CompositePrimaryKey("station", "parameter", "hour")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, verbose_name=_("trạm"))
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, verbose_name=_("thông số"))
    hour = models.DateTimeField(_("giờ (kết thúc)"))
    mean = models.FloatField(_("trung bình"))
    maximum = models.FloatField(_("lớn nhất"))
    count = models.PositiveIntegerField(_("số giá trị"))

    class Meta:
        verbose_name = _("trung bình giờ")
        verbose_name_plural = _("trung bình giờ")

    def __str__(self) -> str:
        return f"{self.station_id}/{self.parameter_id} {self.hour:%Y-%m-%d %H:%M}: {self.mean:g}"


class IndexValue(models.Model):
    """A computed index of a station for a period (VN_AQI hourly or daily, VN_WQI daily)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="indices", verbose_name=_("trạm")
    )
    kind = models.CharField(_("chỉ số"), max_length=10, choices=IndexKind.choices)
    period = models.DateTimeField(
        _("kỳ"), help_text=_("Giờ kết thúc (chỉ số giờ) hoặc đầu ngày giờ Việt Nam (chỉ số ngày).")
    )
    value = models.PositiveSmallIntegerField(_("giá trị"), null=True, blank=True)
    dominant = models.CharField(_("thông số chính"), max_length=20, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict)
    computed_at = models.DateTimeField(_("tính lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("chỉ số môi trường")
        verbose_name_plural = _("chỉ số môi trường")
        ordering = ["station", "kind", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["station", "kind", "period"], name="index_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.station_id} {self.period:%Y-%m-%d %H:%M}: {self.value}"


class StaleHour(models.Model):
    """An hour of a station whose means and indices must be recomputed (new or late data)."""

    pk = models.CompositePrimaryKey("station", "hour")
    station = models.ForeignKey(Station, on_delete=models.CASCADE)
    hour = models.DateTimeField()

    class Meta:
        verbose_name = _("giờ cần tính lại")
        verbose_name_plural = _("giờ cần tính lại")

    def __str__(self) -> str:
        return f"{self.station_id} {self.hour:%Y-%m-%d %H:%M}"


class Exceedance(models.Model):
    """A value above (or outside) the station's applicable limit (vượt quy chuẩn)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="exceedances", verbose_name=_("trạm")
    )
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, verbose_name=_("thông số"))
    limit = models.ForeignKey(Limit, on_delete=models.PROTECT, verbose_name=_("giới hạn"))
    period = models.DateTimeField(_("thời điểm"))
    value = models.FloatField(_("giá trị"))
    allowed_min = models.FloatField(_("giới hạn dưới áp dụng"), null=True, blank=True)
    allowed_max = models.FloatField(_("giới hạn trên áp dụng"), null=True, blank=True)

    class Meta:
        verbose_name = _("vượt quy chuẩn")
        verbose_name_plural = _("vượt quy chuẩn")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "parameter", "limit", "period"], name="exceedance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.parameter_id} {self.period:%Y-%m-%d %H:%M}: {self.value:g}"


class StationToken(models.Model):
    """A secret with which a station's datalogger (or its operator's gateway) sends readings.

    Only the SHA-256 is kept; the token may send for the listed stations and no others.
    """

    name = models.CharField(_("tên"), max_length=100)
    stations = models.ManyToManyField(
        Station, related_name="tokens", verbose_name=_("các trạm được gửi")
    )
    token_hash = models.CharField(_("băm SHA-256 của mã"), max_length=64, unique=True)
    prefix = models.CharField(_("tiền tố nhận diện"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã gửi dữ liệu của trạm")
        verbose_name_plural = _("mã gửi dữ liệu của trạm")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
