"""Forms of the environment app's staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tinhso.environment.choices import Medium, QuarantineReason, StationKind

MAX_FILES = 50
MAX_FILE_BYTES = 2 * 1024 * 1024


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Tất cả")), *choices]


class StationFilterForm(forms.Form):
    """Filters of the staff station list."""

    q = forms.CharField(label=_("Tìm"), required=False, max_length=200)
    medium = forms.ChoiceField(
        label=_("Thành phần môi trường"), required=False, choices=_blank(Medium.choices)
    )
    kind = forms.ChoiceField(
        label=_("Loại trạm"), required=False, choices=_blank(StationKind.choices)
    )


class QuarantineFilterForm(forms.Form):
    """Filters of the quarantine list: a station (by code) and a reason."""

    station = forms.ChoiceField(label=_("Trạm"), required=False)
    reason = forms.ChoiceField(
        label=_("Lý do"), required=False, choices=_blank(QuarantineReason.choices)
    )

    def __init__(self, *args: Any, stations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["station"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _blank(stations)


class TokenForm(forms.Form):
    """A new station token's name (e.g. the datalogger it goes into)."""

    name = forms.CharField(label=_("Tên mã"), max_length=100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class TT10FilesField(forms.FileField):
    """One or more Circular 10/2021 ``.txt`` files."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError(_("Chọn ít nhất một tệp .txt."), code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Mỗi lần tải lên tối đa %(count)s tệp.") % {"count": MAX_FILES}
            )
        for upload in files:
            super().clean(upload, initial)
            if not upload.name.lower().endswith(".txt"):
                raise forms.ValidationError(
                    _("Tệp %(name)s không phải tệp .txt theo Thông tư 10/2021.")
                    % {"name": upload.name}
                )
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("Tệp %(name)s lớn hơn 2 MB.") % {"name": upload.name})
        return files


class UploadForm(forms.Form):
    """Circular 10/2021 station files to ingest."""

    uploads = TT10FilesField(label=_("Tệp số liệu (.txt)"))
