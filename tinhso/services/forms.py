"""Parameters and inputs of the citizens' pages: catalogue filters, the online submission
steps (applicant, the procedure's own fields, documents), supplements, withdrawal, rating and
public tracking. Validated with Django forms; writes go through ``tinhso.services.actions``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.identifiers import validate_citizen_id, validate_phone, validate_tax_code
from tinhso.directory.choices import AgencyKind, UnitLevel
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.services.choices import ApplicantKind, Rating, ServiceClass
from tinhso.services.models import ProcedureDocument

# Field types a procedure's form template may use (``Procedure.fields[*]["type"]``).
FIELD_TYPES = ("text", "textarea", "date", "number", "select")
TEXT_MAX = 500
TEXTAREA_MAX = 4000


class DateInput(forms.DateInput):
    """The browser's own date picker (a phone shows its native wheel)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class CatalogueFilterForm(forms.Form):
    """Search and filters of the procedure catalogue."""

    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tên hoặc mã thủ tục, có dấu hay không dấu")}
        ),
    )
    level = forms.TypedChoiceField(
        label=_("Cấp thực hiện"),
        choices=[("", _("Tất cả"))]
        + [(level.value, level.label) for level in (UnitLevel.PROVINCE, UnitLevel.COMMUNE)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    service_class = forms.ChoiceField(
        label=_("Mức độ dịch vụ"),
        choices=[("", _("Tất cả")), *ServiceClass.choices],
        required=False,
    )

    def __init__(self, *args: Any, fields: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field = self.fields["field"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [("", _("Tất cả"))] + [(name, name) for name in fields]


def commune_units(day: datetime.date | None = None) -> QuerySet[AdministrativeUnit]:
    """Communes and wards, current on ``day``, whose People's Committee (UBND xã) exists then:
    the places a commune-level procedure can be decided."""
    day = day or timezone.localdate()
    current = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    committees = Agency.objects.filter(current, kind=AgencyKind.UBND_XA).values("unit_id")
    return AdministrativeUnit.objects.filter(current, pk__in=committees).order_by("name")


class ApplicantForm(forms.Form):
    """Step 1: who applies (prefilled from the account) and, for a commune-level procedure,
    the commune or ward whose UBND decides."""

    name = forms.CharField(label=_("Họ và tên"), max_length=255)
    id_number = forms.CharField(label=_("Số định danh cá nhân (CCCD)"), max_length=20)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    unit = forms.ModelChoiceField(
        label=_("Xã, phường nơi nộp hồ sơ"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("— Chọn xã, phường —"),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str, needs_unit: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == ApplicantKind.BUSINESS:
            self.fields["name"].label = _("Tên tổ chức, doanh nghiệp")
            self.fields["id_number"].label = _("Mã số thuế")
        if needs_unit:
            unit = self.fields["unit"]
            assert isinstance(unit, forms.ModelChoiceField)
            unit.queryset = commune_units()
        else:
            del self.fields["unit"]
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_id_number(self) -> str:
        """Check the CCCD number of a person, or the tax code of a business."""
        value = "".join(str(self.cleaned_data["id_number"]).split())
        if self.kind == ApplicantKind.BUSINESS:
            validate_tax_code(value)
        else:
            validate_citizen_id(value)
        return value

    def clean_phone(self) -> str:
        """Check the phone number when one is given."""
        value = str(self.cleaned_data["phone"]).strip()
        if value:
            validate_phone(value)
        return value


def _field_for(spec: Mapping[str, Any], *, required: bool) -> forms.Field:
    """The form field of one entry of a procedure's form template."""
    label = str(spec.get("label") or spec["name"])
    help_text = str(spec.get("help", ""))
    kind = spec.get("type", "text")
    field: forms.Field
    if kind == "textarea":
        field = forms.CharField(max_length=TEXTAREA_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    elif kind == "date":
        field = forms.DateField(widget=DateInput())
    elif kind == "number":
        field = forms.DecimalField(max_digits=18, decimal_places=4)
        field.widget.attrs["inputmode"] = "decimal"
    elif kind == "select":
        options = [str(choice) for choice in spec.get("choices", [])]
        field = forms.ChoiceField(
            choices=[("", _("— Chọn —"))] + [(option, option) for option in options]
        )
    else:
        field = forms.CharField(max_length=TEXT_MAX)
    field.label = label
    field.help_text = help_text
    field.required = required
    field.error_messages["required"] = _("Hãy nhập “%(label)s”.") % {"label": label}
    return field


class ProcedureFieldsForm(forms.Form):
    """Step 2: the procedure's own declaration fields (tờ khai), built from ``Procedure.fields``.

    ``partial=True`` (saving a draft) checks the values given but lets required ones wait.
    """

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, specs: Sequence[Mapping[str, Any]], partial: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.specs = list(specs)
        for spec in self.specs:
            self.fields[f"f_{spec['name']}"] = _field_for(
                spec, required=bool(spec.get("required")) and not partial
            )

    def values(self) -> dict[str, Any]:
        """The cleaned values as JSON-ready ``{name: text}`` (dates ISO, numbers as text)."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(f"f_{spec['name']}")
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = format(value.normalize(), "f")
            out[str(spec["name"])] = "" if value is None else value
        return out


def initial_values(specs: Sequence[Mapping[str, Any]], data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's initial values from a draft's stored ``form_data``."""
    return {f"f_{spec['name']}": data.get(spec["name"], "") for spec in specs}


class DocumentsForm(forms.Form):
    """Step 3: one file input per document of the procedure (thành phần hồ sơ)."""

    def __init__(self, *args: Any, documents: Sequence[ProcedureDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for document in self.documents:
            self.fields[self.field_name(document)] = forms.FileField(
                label=document.name,
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}
                ),
            )

    @staticmethod
    def field_name(document: ProcedureDocument) -> str:
        """The name of the file input of ``document``."""
        return f"doc_{document.code}"


class VersionForm(forms.Form):
    """The version of the dossier the page showed (optimistic locking)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class SupplementForm(VersionForm):
    """The applicant's supplement: a note and files (the files come as ``files``)."""

    comment = forms.CharField(
        label=_("Ghi chú gửi cơ quan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Several forms share the dossier page: keep their element ids apart.
        kwargs.setdefault("auto_id", "supplement_%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(VersionForm):
    """The applicant's request to withdraw the dossier."""

    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Several forms share the dossier page: keep their element ids apart.
        kwargs.setdefault("auto_id", "withdraw_%s")
        super().__init__(*args, **kwargs)


class RatingForm(forms.Form):
    """The applicant's satisfaction with the service (once, after the result is returned)."""

    rating = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn mức độ hài lòng.")},
    )
    comment = forms.CharField(
        label=_("Ý kiến góp ý"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Several forms share the dossier page: keep their element ids apart.
        kwargs.setdefault("auto_id", "rating_%s")
        super().__init__(*args, **kwargs)


class TrackForm(forms.Form):
    """The dossier code typed on the public tracking page."""

    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Ví dụ: 000.00.01.H10-250701-0001"),
                "autocapitalize": "characters",
            }
        ),
    )

    def clean_code(self) -> str:
        """The code without spaces, in capitals as issued."""
        return "".join(str(self.cleaned_data["code"]).split()).upper()
