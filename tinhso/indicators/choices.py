"""Enumerations of the reporting app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueType(models.TextChoices):
    """What kind of number a data element holds."""

    NUMBER = "number", _("Số")
    INTEGER = "integer", _("Số nguyên")
    PERCENTAGE = "percentage", _("Phần trăm")


class Aggregation(models.TextChoices):
    """How values combine over time or over space (units)."""

    SUM = "sum", _("Cộng")
    AVERAGE = "average", _("Trung bình")
    LAST = "last", _("Giá trị cuối")
    MIN = "min", _("Nhỏ nhất")
    MAX = "max", _("Lớn nhất")
    NONE = "none", _("Không cộng dồn")


class Comparison(models.TextChoices):
    """How a target's value is met (the ``comparison`` of the targets API)."""

    AT_LEAST = ">=", "≥"
    MORE_THAN = ">", ">"
    AT_MOST = "<=", "≤"
    LESS_THAN = "<", "<"
    ABOUT = "~", "≈"


class TargetScope(models.TextChoices):
    """The level or kind of unit a target is set for."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    AGENCY = "agency", _("Cơ quan")
    SECTOR = "sector", _("Ngành")


class ValueSource(models.TextChoices):
    """Where a stored value came from."""

    REPORTED = "reported", _("Báo cáo")
    COMPUTED = "computed", _("Tính từ hệ thống")
    PUBLISHED = "published", _("Số liệu đã công bố")
    ILLUSTRATIVE = "illustrative", _("Số liệu minh hoạ")
