"""Choices of the environment app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Medium(models.TextChoices):
    """What a station monitors (thành phần môi trường)."""

    AIR = "air", _("Không khí xung quanh")
    SURFACE_WATER = "surface_water", _("Nước mặt")
    WASTEWATER = "wastewater", _("Nước thải")


class StationKind(models.TextChoices):
    """How a station measures."""

    AUTOMATIC = "automatic", _("Tự động, liên tục")
    PERIODIC = "periodic", _("Định kỳ")


class ReadingStatus(models.IntegerChoices):
    """A reading's device status, as Circular 10/2021 codes it (00, 01, 02)."""

    MEASURING = 0, _("Đang đo (00)")
    CALIBRATING = 1, _("Hiệu chuẩn (01)")
    ERROR = 2, _("Báo lỗi thiết bị (02)")


class Source(models.IntegerChoices):
    """The way a reading arrived."""

    HTTP = 1, _("API HTTP")
    MQTT = 2, _("MQTT")
    FILE = 3, _("Tệp Thông tư 10/2021")


class Averaging(models.TextChoices):
    """The averaging time a limit applies to."""

    INSTANT = "instant", _("Giá trị đo")
    HOUR = "1h", _("Trung bình 1 giờ")
    EIGHT_HOURS = "8h", _("Trung bình 8 giờ")
    DAY = "24h", _("Trung bình 24 giờ")
    YEAR = "year", _("Trung bình năm")


class IndexKind(models.TextChoices):
    """A computed environmental index."""

    AQI_HOUR = "aqi_hour", _("VN_AQI giờ")
    AQI_DAY = "aqi_day", _("VN_AQI ngày")
    WQI_DAY = "wqi_day", _("VN_WQI ngày")


class QuarantineReason(models.TextChoices):
    """Why a reading was set aside instead of stored (lý do cách ly)."""

    MALFORMED = "malformed", _("Dữ liệu sai định dạng")
    UNKNOWN_STATION = "unknown_station", _("Trạm không tồn tại")
    NOT_ALLOWED = "not_allowed", _("Mã truy cập không được gửi cho trạm này")
    UNKNOWN_PARAMETER = "unknown_parameter", _("Thông số không có trong danh mục của trạm")
    BAD_VALUE = "bad_value", _("Giá trị không phải là số")
    OUT_OF_RANGE = "out_of_range", _("Giá trị ngoài khoảng vật lý hợp lý")
    BAD_TIME = "bad_time", _("Thời gian đo không hợp lệ")
    FUTURE_TIME = "future_time", _("Thời gian đo ở tương lai")
    BAD_STATUS = "bad_status", _("Mã trạng thái không phải 00, 01 hoặc 02")
    WRONG_UNIT = "wrong_unit", _("Đơn vị đo không khớp với thông số")
    CONFLICT = "conflict", _("Khác với giá trị đã lưu cho cùng thời điểm")
