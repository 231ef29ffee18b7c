"""Forms of the open data portal's pages: search, citizens' tickets and ratings, and the staff's
dataset and resource forms (the shared ``forms.DatasetForm``/``ResourceForm`` made friendly for
people: dd/mm/yyyy dates, comma-separated tags, themes as checkboxes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.opendata.choices import ColumnType
from tinhso.opendata.forms import DatasetForm, ResourceForm
from tinhso.opendata.models import Dataset, DatastoreTable, Organization, Theme

SORTS = {
    "": _("Liên quan nhất"),
    "metadata_modified desc": _("Mới cập nhật"),
    "title_string asc": _("Tên A–Z"),
    "views_recent desc": _("Xem nhiều"),
}
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class SearchForm(forms.Form):
    """The search box and sort of ``/dataset/``; facet filters are read from the query string."""

    q = forms.CharField(label=_("Tìm bộ dữ liệu"), max_length=200, required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), choices=list(SORTS.items()), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "placeholder": _("Ví dụ: chat luong khong khi, ngân sách 2024"),
                "autocomplete": "off",
            }
        )


class _Requester(forms.Form):
    """Name and e-mail of whoever writes; asked of visitors who are not signed in."""

    requester_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    requester_email = forms.EmailField(label=_("Thư điện tử để nhận trả lời"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(user, "is_authenticated", False):
            # A signed-in person is known: prefill, and let them leave the e-mail empty.
            self.fields["requester_name"].initial = getattr(user, "full_name", "") or str(user)
            self.fields["requester_email"].initial = getattr(user, "email", "")
            self.fields["requester_name"].required = False
            self.fields["requester_email"].required = False


class ProblemForm(_Requester):
    """Report a problem with a dataset (báo lỗi dữ liệu)."""

    title = forms.CharField(label=_("Vấn đề"), max_length=255)
    body = forms.CharField(
        label=_("Mô tả chi tiết"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    field_order = ["title", "body", "requester_name", "requester_email"]


class RequestForm(_Requester):
    """Ask an organisation to publish a dataset (đề nghị công bố dữ liệu)."""

    organization = forms.ModelChoiceField(
        label=_("Cơ quan được đề nghị"),
        queryset=Organization.objects.order_by("title"),
        to_field_name="name",
    )
    title = forms.CharField(label=_("Dữ liệu bạn cần"), max_length=255)
    body = forms.CharField(
        label=_("Bạn dùng dữ liệu này vào việc gì?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    field_order = ["organization", "title", "body", "requester_name", "requester_email"]


class RatingForm(forms.Form):
    """One to five stars."""

    stars = forms.TypedChoiceField(
        label=_("Đánh giá của bạn"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    """The organisation's answer to a ticket."""

    answer = forms.CharField(
        label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    close = forms.BooleanField(label=_("Trả lời và đóng phản ánh"), required=False)


class ReturnForm(forms.Form):
    """Why a leader sends a dataset back to its officer."""

    comment = forms.CharField(
        label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StaffDatasetForm(DatasetForm):
    """``DatasetForm`` for people: dates as dd/mm/yyyy, tags comma-separated, themes ticked,
    organisations limited to those the officer drafts for."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Chủ đề"),
        queryset=Theme.objects.all(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(DatasetForm.Meta):
        fields = [field for field in DatasetForm.Meta.fields if field != "extras"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "notes_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Dataset | None = kwargs.get("instance")
        if organizations is not None:
            organization = self.fields["organization"]
            assert isinstance(organization, forms.ModelChoiceField)
            organization.queryset = organizations
        self.fields["tags"].help_text = _("Cách nhau bằng dấu phẩy, ví dụ: ngân sách, tài chính")
        self.fields["name"].help_text = _("Để trống để tạo từ tiêu đề.")
        for name in ("temporal_start", "temporal_end"):
            field = self.fields[name]
            field.input_formats = DATE_FORMATS  # type: ignore[attr-defined]
            field.widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
        if instance is not None and instance.pk:
            self.initial["tags"] = ", ".join(tag.name for tag in instance.tags.all())
            self.initial["themes"] = [theme.name for theme in instance.themes.all()]
            self.initial["organization"] = instance.organization.name


class StaffResourceForm(ResourceForm):
    """A resource with its file: upload a file or give a link."""

    upload = forms.FileField(label=_("Tệp dữ liệu"), required=False)

    class Meta(ResourceForm.Meta):
        fields = ["name", "description", "format", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Để trống để dùng tên tệp.")
        self.fields["format"].help_text = _("Để trống để nhận theo đuôi tệp (CSV, XLSX, ...).")
        self.fields["url"].help_text = _("Nếu dữ liệu nằm ở trang khác, dán đường dẫn thay tệp.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("upload") and not cleaned.get("url"):
            raise forms.ValidationError(_("Hãy tải lên một tệp hoặc ghi đường dẫn."))
        return cleaned


class ColumnTypesForm(forms.Form):
    """One type per column of a datastore table, starting from what the loader inferred."""

    def __init__(self, *args: Any, table: DatastoreTable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        for field in table.fields:
            self.fields[field["id"]] = forms.ChoiceField(
                label=field.get("label") or field["id"],
                choices=ColumnType.choices,
                initial=field["type"],
            )

    def changed_types(self) -> dict[str, str]:
        """The columns whose type the officer changed, with their new type."""
        current = {field["id"]: field["type"] for field in self.table.fields}
        return {
            column: value
            for column, value in self.cleaned_data.items()
            if value != current.get(column)
        }
