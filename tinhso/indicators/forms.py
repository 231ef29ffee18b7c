"""Parameters and inputs of the report pages, validated with Django forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.indicators.choices import SubmissionStatus
from tinhso.indicators.models import ReportingRegime

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ReportFilterForm(forms.Form):
    """Filters of the report list: regime, period code, status."""

    regime = forms.ModelChoiceField(
        label=_("Chế độ báo cáo"),
        queryset=ReportingRegime.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả"),
    )
    period = forms.RegexField(
        label=_("Kỳ (ví dụ 202611, 2026Q4, 2026)"),
        regex=r"^\d{4}(\d{2}|Q[1-4]|S[12])?$",
        required=False,
        max_length=7,
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), *SubmissionStatus.choices],
        required=False,
    )


class VersionForm(forms.Form):
    """The version of the report the page showed (optimistic locking)."""

    version = forms.IntegerField(min_value=1)


class DecisionForm(VersionForm):
    """An approver's decision comment (required to return a report)."""

    comment = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000)


class UploadForm(forms.Form):
    """An Excel file filled in from the report's template."""

    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        return upload
