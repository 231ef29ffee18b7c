"""Forms of the officer's workspace: inbox filters, the dossier's actions, counter intake and
the province's calendar. Validation only; the writes are ``tinhso.services.actions``."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.services.attachments import check_upload
from tinhso.services.choices import ApplicantKind, DayKind
from tinhso.services.inbox import TABS
from tinhso.services.models import Procedure, ProcedureDocument

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InboxFilterForm(forms.Form):
    """The inbox's tab, search text and procedure filter (GET)."""

    tab = forms.ChoiceField(
        label=_("Lọc"),
        choices=[(tab.slug, tab.label) for tab in TABS],
        required=False,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(
        label=_("Mã hồ sơ hoặc tên người nộp"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "accesskey": "s"}),
    )
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Tất cả thủ tục"),
    )

    def __init__(self, *args: Any, procedures: QuerySet[Procedure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = procedures


class VersionForm(forms.Form):
    """The version of the dossier the page showed (optimistic locking)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ReasonForm(VersionForm):
    """An action that needs its reason: reject, request supplement, suspend."""

    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(VersionForm):
    """Withdrawal at the applicant's request, with an optional note."""

    reason = forms.CharField(
        label=_("Ghi chú (yêu cầu rút của người nộp)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(VersionForm):
    """An action with an optional comment (supplement received at the counter)."""

    comment = forms.CharField(
        label=_("Ý kiến"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdvanceForm(CommentForm):
    """Finish the current step; at the approval step, the electronic result."""

    digital_result = forms.BooleanField(label=_("Có kết quả điện tử"), required=False)
    result = forms.FileField(label=_("Tệp kết quả (PDF, ảnh, Word)"), required=False)

    def clean_result(self) -> Any:
        """Check the result file like any attachment (type by content, size, virus scan)."""
        upload = self.cleaned_data.get("result")
        if upload:
            check_upload(upload)
        return upload


class TransferForm(CommentForm):
    """Pass the dossier to the agency that decides it (liên thông)."""

    agency = forms.ModelChoiceField(label=_("Chuyển đến cơ quan"), queryset=Agency.objects.none())

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        agencies = Agency.objects.exclude(valid_to__lt=timezone.localdate())
        if exclude is not None:
            agencies = agencies.exclude(pk=exclude)
        field.queryset = agencies.order_by("name")


class PaymentRequestForm(VersionForm):
    """Ask the applicant to pay the fees."""

    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=2_000_000_000)


class PaymentForm(VersionForm):
    """Record that the fees were paid."""

    online = forms.BooleanField(label=_("Đã thanh toán trực tuyến"), required=False)


class ApologyForm(VersionForm):
    """The apology-and-new-date slip (form 04)."""

    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_due_date = forms.DateField(label=_("Ngày hẹn trả mới"), widget=DATE_INPUT)


# Which form each officer action of the dossier page takes.
ACTION_FORMS: dict[str, type[VersionForm]] = {
    "receive": VersionForm,
    "reject": ReasonForm,
    "advance": AdvanceForm,
    "transfer": TransferForm,
    "request_supplement": ReasonForm,
    "supplement": CommentForm,
    "request_payment": PaymentRequestForm,
    "pay": PaymentForm,
    "apologise": ApologyForm,
    "suspend": ReasonForm,
    "withdraw": WithdrawForm,
    "return": VersionForm,
}


class ProcedureSearchForm(forms.Form):
    """Find the procedure of a dossier brought to the counter."""

    q = forms.CharField(
        label=_("Tìm thủ tục (tên hoặc mã)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )


class CounterForm(forms.Form):
    """A paper dossier received at the counter: agency, applicant, form fields and scans.

    The procedure's own form fields (``field_<name>``) and one optional scan per document
    (``scan_<code>``) are added for the chosen procedure.
    """

    agency = forms.ModelChoiceField(label=_("Cơ quan tiếp nhận"), queryset=Agency.objects.none())
    unit = forms.ModelChoiceField(
        label=_("Xã, phường giải quyết (thủ tục cấp xã)"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("Theo cơ quan tiếp nhận"),
    )
    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"), choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN
    )
    applicant_name = forms.CharField(label=_("Họ tên người nộp / tên tổ chức"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân / mã số thuế"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        agencies: QuerySet[Agency],
        documents: list[ProcedureDocument],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.documents = documents
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        if procedure.agency_id is None:
            unit.queryset = (
                AdministrativeUnit.objects.filter(level=procedure.level)
                .exclude(valid_to__lt=timezone.localdate())
                .order_by("name")
            )
        else:
            del self.fields["unit"]
        for item in procedure.fields:
            self.fields[f"field_{item['name']}"] = _procedure_field(item)
        for document in documents:
            self.fields[f"scan_{document.code}"] = forms.FileField(
                label=_("Bản quét: %(name)s") % {"name": document.name}, required=False
            )

    def clean(self) -> dict[str, Any]:
        """Check every scan like any attachment before anything is received."""
        cleaned = super().clean() or {}
        for document in self.documents:
            upload = cleaned.get(f"scan_{document.code}")
            if upload:
                try:
                    check_upload(upload)
                except ValidationError as exc:
                    self.add_error(f"scan_{document.code}", exc)
        return cleaned

    def form_data(self) -> dict[str, Any]:
        """The procedure's form fields as the dossier stores them."""
        data: dict[str, Any] = {}
        for item in self.procedure.fields:
            value: Any = self.cleaned_data.get(f"field_{item['name']}")
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[item["name"]] = value or ""
        return data

    def scans(self) -> list[tuple[str, Any]]:
        """The uploaded scans as (document code, file)."""
        return [
            (document.code, self.cleaned_data[f"scan_{document.code}"])
            for document in self.documents
            if self.cleaned_data.get(f"scan_{document.code}")
        ]

    def field_names(self) -> list[str]:
        """Names of the procedure's own fields, in order (for the template)."""
        return [f"field_{item['name']}" for item in self.procedure.fields]

    def scan_names(self) -> list[str]:
        """Names of the scan fields, in order (for the template)."""
        return [f"scan_{document.code}" for document in self.documents]


def _procedure_field(item: dict[str, Any]) -> forms.Field:
    """The form field of one field of a procedure's form (``Procedure.fields``)."""
    label = str(item.get("label", item["name"]))
    required = bool(item.get("required"))
    kind = item.get("type", "text")
    if kind == "date":
        return forms.DateField(label=label, required=required, widget=DATE_INPUT)
    if kind == "select":
        choices = [("", "—")] + [(choice, choice) for choice in item.get("choices", [])]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if kind == "textarea":
        return forms.CharField(
            label=label, required=required, max_length=4000, widget=forms.Textarea({"rows": 3})
        )
    return forms.CharField(label=label, required=required, max_length=500)


class DeclareDayForm(forms.Form):
    """A day the province declares off or a make-up working day."""

    date = forms.DateField(label=_("Ngày"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("Loại ngày"), choices=DayKind.choices)
    reason = forms.CharField(label=_("Lý do"), max_length=255)
    source = forms.CharField(label=_("Căn cứ (văn bản)"), max_length=255, required=False)


class UndeclareDayForm(forms.Form):
    """Remove the province's declaration for a day."""

    date = forms.DateField(widget=forms.HiddenInput)


class DueDateForm(forms.Form):
    """The appointment-date calculator: start date and working days (GET)."""

    start = forms.DateField(label=_("Ngày tiếp nhận"), widget=DATE_INPUT)
    days = forms.IntegerField(label=_("Số ngày làm việc"), min_value=0, max_value=365)


__all__ = [
    "ACTION_FORMS",
    "AdvanceForm",
    "ApologyForm",
    "CommentForm",
    "CounterForm",
    "DeclareDayForm",
    "DueDateForm",
    "InboxFilterForm",
    "PaymentForm",
    "PaymentRequestForm",
    "ProcedureSearchForm",
    "ReasonForm",
    "TransferForm",
    "UndeclareDayForm",
    "VersionForm",
    "WithdrawForm",
]
