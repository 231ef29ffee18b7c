"""Fixed vocabularies of the open data portal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetState(models.TextChoices):
    """Where a dataset stands in the publishing workflow (CKAN's ``state`` plus review)."""

    DRAFT = "draft", _("Bản nháp")
    PENDING = "pending", _("Chờ lãnh đạo duyệt")
    ACTIVE = "active", _("Đã công bố")
    DELETED = "deleted", _("Đã xoá")


class Frequency(models.TextChoices):
    """How often a dataset is updated: the EU frequency vocabulary's codes (DCAT
    ``dct:accrualPeriodicity``), labelled in Vietnamese."""

    CONTINUOUS = "CONT", _("Liên tục (thời gian thực)")
    DAILY = "DAILY", _("Hằng ngày")
    WEEKLY = "WEEKLY", _("Hằng tuần")
    MONTHLY = "MONTHLY", _("Hằng tháng")
    QUARTERLY = "QUARTERLY", _("Hằng quý")
    ANNUAL_2 = "ANNUAL_2", _("Sáu tháng một lần")
    ANNUAL = "ANNUAL", _("Hằng năm")
    IRREGULAR = "IRREG", _("Không định kỳ")
    NEVER = "NEVER", _("Không cập nhật nữa")


class ColumnType(models.TextChoices):
    """The type of a datastore column, as CKAN's datastore names them."""

    TEXT = "text", _("Văn bản")
    INT = "int", _("Số nguyên")
    NUMERIC = "numeric", _("Số thực")
    DATE = "date", _("Ngày")
    TIMESTAMP = "timestamp", _("Thời điểm")
    BOOL = "bool", _("Đúng/sai")


class DatastoreStatus(models.TextChoices):
    """Progress of loading a tabular resource into the datastore."""

    PENDING = "pending", _("Chờ nạp")
    LOADING = "loading", _("Đang nạp")
    READY = "ready", _("Sẵn sàng")
    FAILED = "failed", _("Lỗi")


class TicketKind(models.TextChoices):
    """What a citizen asks the portal for."""

    PROBLEM = "problem", _("Báo lỗi dữ liệu")
    REQUEST = "request", _("Đề nghị công bố dữ liệu")


class TicketStatus(models.TextChoices):
    """Where a citizen's report or request stands."""

    OPEN = "open", _("Mới gửi")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


class UsageKind(models.TextChoices):
    """What is counted about a dataset's use."""

    VIEW = "view", _("Lượt xem")
    DOWNLOAD = "download", _("Lượt tải")
    API = "api", _("Lượt gọi API")


class HarvestKind(models.TextChoices):
    """The protocol a harvest source speaks."""

    CKAN = "ckan", _("CKAN Action API")
    DCAT = "dcat", _("Danh mục DCAT (RDF)")


class HarvestStatus(models.TextChoices):
    """How a harvest run went."""

    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn tất")
    PARTIAL = "partial", _("Hoàn tất, có lỗi")
    FAILED = "failed", _("Thất bại")
