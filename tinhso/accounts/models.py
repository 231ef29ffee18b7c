"""Users of tinhso and what they may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    """Who a person is to the province."""

    OFFICER = "officer", _("Cán bộ, công chức")
    LEADER = "leader", _("Lãnh đạo")
    OPERATOR = "operator", _("Quản trị vận hành")
    AUDITOR = "auditor", _("Kiểm toán viên")
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp")
    MACHINE = "machine", _("Hệ thống kết nối")


class User(AbstractUser):
    """A person or partner system with a tinhso account (tài khoản)."""

    kind = models.CharField(
        _("loại tài khoản"), max_length=20, choices=UserKind.choices, default=UserKind.CITIZEN
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
