"""Enumerations of the reporting app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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

    REPORTED = "reported", pgettext_lazy("value source", "Báo cáo")
    COMPUTED = "computed", _("Tính từ hệ thống")
    PUBLISHED = "published", _("Số liệu đã công bố")
    ILLUSTRATIVE = "illustrative", _("Số liệu minh hoạ")


class RegimePeriod(models.TextChoices):
    """How often a regime's report is due; values are DHIS2 ``periodType`` names."""

    MONTHLY = "Monthly", _("Hằng tháng")
    QUARTERLY = "Quarterly", _("Hằng quý")
    SIX_MONTHLY = "SixMonthly", _("6 tháng")
    YEARLY = "Yearly", _("Hằng năm")


class SubmissionStatus(models.TextChoices):
    """Where a report stands: draft → submitted → approved, or returned for correction."""

    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    APPROVED = "approved", _("Đã phê duyệt")
    RETURNED = "returned", _("Bị trả lại")


class SubmissionAction(models.TextChoices):
    """Steps in a report's history."""

    SAVE = "save", _("Lưu")
    SUBMIT = "submit", _("Gửi")
    APPROVE = "approve", _("Phê duyệt")
    RETURN = "return", _("Trả lại")


class Operator(models.TextChoices):
    """Comparison of a validation rule's two sides."""

    EQUAL = "==", "="
    NOT_EQUAL = "!=", "≠"
    LESS = "<", "<"
    LESS_OR_EQUAL = "<=", "≤"
    GREATER = ">", ">"
    GREATER_OR_EQUAL = ">=", "≥"


class Importance(models.TextChoices):
    """How serious a broken validation rule is; high blocks submission."""

    HIGH = "high", _("Cao (chặn gửi)")
    MEDIUM = "medium", pgettext_lazy("importance", "Trung bình")
    LOW = "low", _("Thấp")


class FlagKind(models.TextChoices):
    """Why a value looks unusual."""

    MODIFIED_Z = "modified_z", _("Khác thường so với các kỳ trước (z cải tiến)")
    LAST_YEAR = "last_year", _("Chênh lệch lớn so với cùng kỳ năm trước")
