"""Enumerations of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    """Who a person is to the province (loại tài khoản). Permissions come from roles, not kind."""

    OFFICER = "officer", _("Cán bộ, công chức")
    LEADER = "leader", _("Lãnh đạo")
    OPERATOR = "operator", _("Quản trị vận hành")
    AUDITOR = "auditor", _("Kiểm toán viên")
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp")
    MACHINE = "machine", _("Hệ thống kết nối")


class Role(models.TextChoices):
    """A role held within a scope (vai trò). What each may do: ``permissions.MATRIX``."""

    OFFICER = "officer", _("Cán bộ xử lý")
    LEADER = "leader", _("Lãnh đạo")
    OPERATOR = "operator", _("Quản trị vận hành")
    AUDITOR = "auditor", _("Kiểm toán viên")
    DATA_OFFICER = "data_officer", _("Cán bộ dữ liệu")


class ScopeKind(models.TextChoices):
    """Where a role or token applies (phạm vi)."""

    PROVINCE = "province", _("Toàn tỉnh")
    UNIT = "unit", _("Đơn vị hành chính và cấp dưới")
    AGENCY = "agency", _("Cơ quan và đơn vị trực thuộc")


class PersonalDataCategory(models.TextChoices):
    """Kinds of basic personal data (dữ liệu cá nhân cơ bản, Decree 356/2025), for masking."""

    IDENTIFIER = "identifier", _("Số định danh")
    NAME = "name", _("Họ và tên")
    CONTACT = "contact", _("Thông tin liên lạc")
    ADDRESS = "address", _("Địa chỉ")
    BIRTH = "birth", _("Ngày sinh")


class LegalBasis(models.TextChoices):
    """Why personal data may be processed (căn cứ xử lý, Law 91/2025 Arts. 17–20)."""

    LEGAL_DUTY = "legal_duty", _("Thực hiện nhiệm vụ theo quy định của pháp luật")
    CONSENT = "consent", _("Sự đồng ý của chủ thể dữ liệu")
    SUBJECT_REQUEST = "subject_request", _("Yêu cầu của chủ thể dữ liệu")
