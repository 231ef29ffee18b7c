"""Enumerations of the directory app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    """Kinds of administrative unit (loại đơn vị hành chính)."""

    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    THANH_PHO = "thanh_pho", _("Thành phố")
    HUYEN = "huyen", _("Huyện")
    THI_XA = "thi_xa", _("Thị xã")
    QUAN = "quan", _("Quận")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")


class UnitLevel(models.IntegerChoices):
    """Tier of local government: three tiers until 30/06/2025, two from 01/07/2025."""

    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class SuccessionKind(models.TextChoices):
    """How a unit passed (part of) itself to a successor."""

    MERGE = "merge", _("Nhập toàn bộ")
    SPLIT = "split", _("Nhập một phần / chia tách")
    KEEP = "keep", _("Giữ nguyên")
    RENAME = "rename", _("Đổi tên")


class AgencyKind(models.TextChoices):
    """Kinds of state agency (cơ quan, tổ chức)."""

    UBND_TINH = "ubnd_tinh", _("UBND cấp tỉnh")
    SO = "so", _("Sở, cơ quan chuyên môn")
    BAN = "ban", _("Ban")
    NGANH = "nganh", _("Ngành")
    UBND_HUYEN = "ubnd_huyen", _("UBND cấp huyện")
    UBND_XA = "ubnd_xa", _("UBND cấp xã")
    PHONG = "phong", _("Phòng chuyên môn")
    SU_NGHIEP = "su_nghiep", _("Đơn vị sự nghiệp")
    KHAC = "khac", _("Khác")
