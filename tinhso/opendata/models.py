"""The open data portal's catalogue (cổng dữ liệu mở): organisations, datasets, resources.

Identifiers follow CKAN so that CKAN clients and harvesters work unchanged: datasets,
resources, organisations, themes (CKAN groups) and tags carry UUIDs, and datasets and
organisations a URL name (``[a-z0-9_-]``, Vietnamese titles slugified with đ → d).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.scopes import Location
from tinhso.core.text import fold
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.opendata.choices import (
    ColumnType,
    DatasetState,
    DatastoreStatus,
    Frequency,
    HarvestKind,
    HarvestStatus,
    TicketKind,
    TicketStatus,
    UsageKind,
)
from tinhso.opendata.collation import vietnamese_sort_key

NAME_HELP = _("Chữ thường không dấu, số, gạch ngang, gạch dưới; dùng trong đường dẫn và API.")


class Organization(models.Model):
    """An agency as a publisher of open data (tổ chức công bố dữ liệu; CKAN organisation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.OneToOneField(
        Agency,
        on_delete=models.PROTECT,
        related_name="open_data_organization",
        verbose_name=_("cơ quan"),
    )
    name = models.SlugField(_("tên định danh"), max_length=100, unique=True, help_text=NAME_HELP)
    title = models.CharField(_("tên"), max_length=255)
    description = models.TextField(_("giới thiệu"), blank=True)
    image_url = models.URLField(_("ảnh đại diện"), blank=True)
    folded_title = models.CharField(_("tên không dấu"), max_length=255, editable=False)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tổ chức công bố dữ liệu")
        verbose_name_plural = _("tổ chức công bố dữ liệu")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded_title = fold(self.title)
        super().save(*args, **kwargs)


class Theme(models.Model):
    """A theme datasets are grouped under (chủ đề; CKAN group, DCAT ``dcat:theme``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("tên định danh"), max_length=100, unique=True, help_text=NAME_HELP)
    title = models.CharField(_("tên"), max_length=255)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    description = models.TextField(_("giới thiệu"), blank=True)
    uri = models.URLField(
        _("URI chủ đề"),
        blank=True,
        help_text=_("Mục trong bộ từ vựng chủ đề dữ liệu của EU (data-theme), nếu có."),
    )
    folded_title = models.CharField(_("tên không dấu"), max_length=255, editable=False)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded_title = fold(self.title)
        super().save(*args, **kwargs)


class License(models.Model):
    """A licence datasets are published under (giấy phép), with CKAN's licence ids."""

    id = models.CharField(_("mã giấy phép"), max_length=100, primary_key=True)
    title = models.CharField(_("tên"), max_length=255)
    url = models.URLField(_("văn bản giấy phép"), blank=True)
    is_open = models.BooleanField(_("là giấy phép mở"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("giấy phép")
        verbose_name_plural = _("giấy phép")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    """A free keyword (từ khoá) as written, with its accent-free key for matching."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("từ khoá"), max_length=100, unique=True)
    folded = models.CharField(_("từ khoá không dấu"), max_length=100, db_index=True)

    class Meta:
        verbose_name = _("từ khoá")
        verbose_name_plural = _("từ khoá")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded = fold(self.name)
        super().save(*args, **kwargs)


class DatasetQuerySet(models.QuerySet["Dataset"]):
    def public(self) -> DatasetQuerySet:
        """Datasets anyone may see: published and not private."""
        return self.filter(state=DatasetState.ACTIVE, private=False)


class Dataset(models.Model):
    """A dataset (bộ dữ liệu): metadata describing one body of data and its files.

    Drafted by an organisation's data officer (``data.change`` on the agency), sent for review
    and published by its leader (``data.approve``). ``private`` datasets are published but seen
    only inside the organisation. ``search_title`` and ``search_text`` are the texts the search
    index is built from, and ``search_vector`` that index on PostgreSQL
    (``tinhso.opendata.search``); ``sort_key`` orders titles in Vietnamese
    alphabetical order on every database.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("tên định danh"), max_length=100, unique=True, help_text=NAME_HELP)
    title = models.CharField(_("tiêu đề"), max_length=500)
    title_en = models.CharField(_("tiêu đề tiếng Anh"), max_length=500, blank=True)
    notes = models.TextField(_("mô tả"), blank=True)
    notes_en = models.TextField(_("mô tả tiếng Anh"), blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("tổ chức công bố"),
    )
    license = models.ForeignKey(
        License,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("giấy phép"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="datasets", verbose_name=_("chủ đề")
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="datasets", verbose_name=_("từ khoá")
    )
    temporal_start = models.DateField(_("dữ liệu từ ngày"), null=True, blank=True)
    temporal_end = models.DateField(_("dữ liệu đến ngày"), null=True, blank=True)
    spatial_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="open_datasets",
        verbose_name=_("phạm vi địa lý"),
    )
    frequency = models.CharField(
        _("tần suất cập nhật"), max_length=10, choices=Frequency.choices, blank=True
    )
    contact_name = models.CharField(_("đầu mối liên hệ"), max_length=255, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    version = models.CharField(_("phiên bản"), max_length=100, blank=True)
    url = models.URLField(_("trang nguồn"), max_length=1000, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DatasetState.choices,
        default=DatasetState.DRAFT,
        db_index=True,
    )
    private = models.BooleanField(_("chỉ trong nội bộ cơ quan"), default=False)
    extras = models.JSONField(_("thông tin thêm"), default=dict, blank=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    modified = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, db_index=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    harvest_source = models.ForeignKey(
        "HarvestSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("nguồn thu thập"),
    )
    harvest_guid = models.CharField(_("mã ở nguồn"), max_length=255, blank=True)
    search_title = models.TextField(_("tiêu đề để tìm kiếm"), blank=True, editable=False)
    search_text = models.TextField(_("văn bản tìm kiếm"), blank=True, editable=False)
    search_vector = SearchVectorField(_("chỉ mục tìm kiếm (PostgreSQL)"), null=True, editable=False)
    sort_key = models.CharField(_("khoá sắp xếp"), max_length=1200, editable=False, db_index=True)
    view_count = models.PositiveIntegerField(_("lượt xem"), default=0)
    download_count = models.PositiveIntegerField(_("lượt tải"), default=0)
    api_count = models.PositiveIntegerField(_("lượt gọi API"), default=0)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ dữ liệu")
        verbose_name_plural = _("bộ dữ liệu")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["harvest_source", "harvest_guid"],
                condition=Q(harvest_source__isnull=False),
                name="dataset_unique_harvest_guid",
                violation_error_message=_("Bộ dữ liệu này đã được thu thập từ nguồn đó."),
            ),
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_start__lte=models.F("temporal_end")),
                name="dataset_temporal_order",
                violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = vietnamese_sort_key(self.title)[:1200]
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.state == DatasetState.ACTIVE and not self.private

    def scope_location(self) -> Location:
        """A dataset sits with its organisation's agency (for ``accounts.permissions``)."""
        return Location.of(agencies=[self.organization.agency_id])


class DatasetRevision(models.Model):
    """One change to a dataset (lịch sử thay đổi): who, when, what, and the metadata after it."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("bộ dữ liệu")
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=50)
    comment = models.TextField(_("ghi chú"), blank=True)
    changes = models.JSONField(_("trường thay đổi"), default=dict, blank=True)
    snapshot = models.JSONField(_("siêu dữ liệu sau thay đổi"), default=dict)

    class Meta:
        verbose_name = _("lần thay đổi bộ dữ liệu")
        verbose_name_plural = _("lịch sử thay đổi bộ dữ liệu")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.action} · {self.at:%d/%m/%Y %H:%M}"


def resource_upload_path(resource: Resource, filename: str) -> str:
    return f"opendata/{resource.dataset_id}/{resource.id}/{filename}"


class Resource(models.Model):
    """A file or link of a dataset (tài nguyên): an uploaded CSV/XLSX/JSON/GeoJSON/PDF or a URL.

    Tabular uploads are loaded into the datastore (``datastore``), after which
    ``datastore_active`` is true and the API can query their rows.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="resources", verbose_name=_("bộ dữ liệu")
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    format = models.CharField(_("định dạng"), max_length=50, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=1000, blank=True)
    upload = models.FileField(_("tệp"), upload_to=resource_upload_path, max_length=500, blank=True)
    mimetype = models.CharField(_("kiểu MIME"), max_length=100, blank=True)
    size = models.BigIntegerField(_("kích thước (byte)"), null=True, blank=True)
    hash = models.CharField(_("SHA-256"), max_length=64, blank=True)
    resource_type = models.CharField(_("loại tài nguyên"), max_length=50, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, default="active")
    datastore_active = models.BooleanField(_("có trong kho dữ liệu bảng"), default=False)
    extras = models.JSONField(_("thông tin thêm"), default=dict, blank=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    modified = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tài nguyên")
        verbose_name_plural = _("tài nguyên")
        ordering = ["dataset", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def url_type(self) -> str:
        """CKAN's ``url_type``: ``upload`` for a file stored here, empty for a link."""
        return "upload" if self.upload else ""


class DatastoreTable(models.Model):
    """The queryable table a tabular resource was loaded into (kho dữ liệu dạng bảng).

    ``fields`` lists the columns in order as ``{"id", "type", "label", "inferred"}``;
    ``row_count`` is kept here so an unfiltered query never counts the table; ``report``
    holds the rows that were rejected, with the reason, as loaded.
    """

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, related_name="datastore", verbose_name=_("tài nguyên")
    )
    table_name = models.CharField(_("tên bảng"), max_length=63, unique=True)
    fields = models.JSONField(_("các cột"), default=list)
    row_count = models.BigIntegerField(_("số dòng"), default=0)
    rejected_count = models.BigIntegerField(_("số dòng bị loại"), default=0)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=DatastoreStatus.choices,
        default=DatastoreStatus.PENDING,
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    report = models.JSONField(_("báo cáo kiểm tra"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("nạp lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bảng dữ liệu")
        verbose_name_plural = _("bảng dữ liệu")

    def __str__(self) -> str:
        return self.table_name

    def column_types(self) -> dict[str, ColumnType]:
        return {field["id"]: ColumnType(field["type"]) for field in self.fields}


class Ticket(models.Model):
    """A citizen's problem report on a dataset or request for a new one (phản ánh, đề nghị),
    tracked until the organisation answers it."""

    kind = models.CharField(_("loại"), max_length=10, choices=TicketKind.choices)
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("bộ dữ liệu"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("tổ chức được hỏi"),
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="open_data_tickets",
        verbose_name=_("người gửi"),
    )
    requester_name = models.CharField(_("họ tên người gửi"), max_length=255, blank=True)
    requester_email = models.EmailField(_("thư điện tử người gửi"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trả lời"),
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    created = models.DateTimeField(_("gửi lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("phản ánh, đề nghị về dữ liệu")
        verbose_name_plural = _("phản ánh, đề nghị về dữ liệu")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=TicketKind.REQUEST) | Q(dataset__isnull=False),
                name="ticket_problem_has_dataset",
                violation_error_message=_("Báo lỗi phải gắn với một bộ dữ liệu."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    """A signed-in user's rating of a dataset (đánh giá), one to five stars, one per user."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("bộ dữ liệu")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="open_data_ratings",
        verbose_name=_("người đánh giá"),
    )
    stars = models.PositiveSmallIntegerField(_("số sao"))
    comment = models.TextField(_("nhận xét"), blank=True)
    created = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá bộ dữ liệu")
        verbose_name_plural = _("đánh giá bộ dữ liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "user"],
                name="rating_one_per_user",
                violation_error_message=_("Bạn đã đánh giá bộ dữ liệu này."),
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5),
                name="rating_stars_range",
                violation_error_message=_("Số sao phải từ 1 đến 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.stars}★"


class UsageDay(models.Model):
    """How often a dataset was viewed, downloaded or called through the API on one day."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="usage", verbose_name=_("bộ dữ liệu")
    )
    day = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=10, choices=UsageKind.choices)
    count = models.PositiveIntegerField(_("số lượt"), default=0)

    class Meta:
        verbose_name = _("lượt sử dụng trong ngày")
        verbose_name_plural = _("lượt sử dụng theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "day", "kind"],
                name="usage_day_unique",
                violation_error_message=_("Đã có số lượt của ngày này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.day:%d/%m/%Y} · {self.kind} {self.count}"


class HarvestSource(models.Model):
    """Another portal whose datasets are imported here on a schedule (nguồn thu thập):
    a CKAN-compatible Action API or a DCAT catalogue, published under a local organisation."""

    title = models.CharField(_("tên nguồn"), max_length=255)
    url = models.URLField(_("địa chỉ"), max_length=1000)
    kind = models.CharField(_("giao thức"), max_length=10, choices=HarvestKind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="harvest_sources",
        verbose_name=_("công bố dưới tổ chức"),
    )
    config = models.JSONField(
        _("cấu hình"),
        default=dict,
        blank=True,
        help_text=_('Ví dụ: {"fq": "organization:so-tai-chinh"} cho nguồn CKAN.'),
    )
    every_hours = models.PositiveIntegerField(_("chu kỳ (giờ)"), default=24)
    active = models.BooleanField(_("đang dùng"), default=True)
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nguồn thu thập dữ liệu")
        verbose_name_plural = _("nguồn thu thập dữ liệu")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class HarvestJob(models.Model):
    """One run of a harvest source, with its report (báo cáo thu thập)."""

    source = models.ForeignKey(
        HarvestSource, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("nguồn")
    )
    started = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    status = models.CharField(
        _("kết quả"),
        max_length=10,
        choices=HarvestStatus.choices,
        default=HarvestStatus.RUNNING,
    )
    created_count = models.PositiveIntegerField(_("tạo mới"), default=0)
    updated_count = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged_count = models.PositiveIntegerField(_("không đổi"), default=0)
    deleted_count = models.PositiveIntegerField(_("gỡ bỏ"), default=0)
    error_count = models.PositiveIntegerField(_("lỗi"), default=0)
    report = models.JSONField(_("chi tiết"), default=list, blank=True)

    class Meta:
        verbose_name = _("lần thu thập")
        verbose_name_plural = _("các lần thu thập")
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"{self.source} · {self.started:%d/%m/%Y %H:%M}"
