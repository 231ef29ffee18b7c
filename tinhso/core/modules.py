"""The systems that Resolution 111-NQ/TU names (section II) and what tinhso offers for each.

Shown on the home page so that anyone can see at a glance which parts of the resolution the
software covers today. ``status`` is updated as modules land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SystemEntry:
    """One system of the resolution and the state of its implementation in tinhso."""

    code: str
    name: Promise
    status: str  # "available", "foundation" or "planned"


SYSTEMS: tuple[SystemEntry, ...] = (
    SystemEntry("S1", _("Hệ thống thông tin giải quyết thủ tục hành chính"), "planned"),
    SystemEntry("S2", _("Hệ thống thông tin báo cáo"), "foundation"),
    SystemEntry("S3", _("Trung tâm giám sát, điều hành thông minh (IOC)"), "planned"),
    SystemEntry("S4", _("Cổng dữ liệu mở"), "planned"),
    SystemEntry("S5", _("Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)"), "planned"),
    SystemEntry("S6", _("Nền tảng định danh điện tử"), "foundation"),
    SystemEntry("S7", _("Hệ thống quan trắc môi trường"), "planned"),
    SystemEntry("S8", _("Truy xuất nguồn gốc"), "foundation"),
    SystemEntry("S9", _("Kênh tương tác trực tuyến"), "planned"),
    SystemEntry("S10", _("Kho lưu trữ số tập trung"), "planned"),
    SystemEntry("S11", _("Quản lý văn bản và điều hành"), "planned"),
    SystemEntry("S12", _("Kiểm tra qua môi trường số"), "planned"),
    SystemEntry("S13", _("Đô thị thông minh"), "planned"),
    SystemEntry("S14", _("An toàn thông tin"), "foundation"),
)

STATUS_LABELS = {
    "available": _("Đang hoạt động"),
    "foundation": _("Có nền tảng"),
    "planned": _("Đang xây dựng"),
}
