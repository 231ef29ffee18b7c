"""Forms of the accounts pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.actions import PURPOSE_MIN_LENGTH

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class LoginForm(AuthenticationForm):
    """Username and password (``AccountBackend`` refuses demo accounts outside demo mode)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Sai tên đăng nhập hoặc mật khẩu."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")


class TokenCreateForm(forms.Form):
    """A new API token for myself."""

    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100)
    days = forms.IntegerField(label=_("Hiệu lực (ngày)"), min_value=1, max_value=365, initial=30)


class PurposeForm(forms.Form):
    """Why someone's unmasked personal data is needed (logged with the read)."""

    purpose = forms.CharField(
        label=_("Mục đích xem dữ liệu cá nhân"),
        min_length=PURPOSE_MIN_LENGTH,
        max_length=255,
        help_text=_("Ví dụ: xác minh hồ sơ số 000.00.00.H00-250101-0001."),
    )


class PeopleFilterForm(forms.Form):
    """Filter the staff list of people."""

    username = forms.CharField(label=_("Tên đăng nhập"), required=False, max_length=150)


class AuditFilterForm(forms.Form):
    """Filter the audit log by action, object type and date range."""

    action = forms.CharField(label=_("Hành động"), required=False, max_length=100)
    object_type = forms.CharField(label=_("Loại đối tượng"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Từ ngày"), required=False, input_formats=DATE_INPUT_FORMATS
    )
    date_to = forms.DateField(label=_("Đến ngày"), required=False, input_formats=DATE_INPUT_FORMATS)

    def clean(self) -> dict[str, Any]:
        """Check that the range is not reversed."""
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        return data
