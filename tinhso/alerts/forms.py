"""Forms of the alerts pages."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.alerts.models import Rule, Severity
from tinhso.directory.models import Agency

STATE_FILTERS = (
    ("open", _("Đang mở")),
    ("resolved", _("Đã kết thúc")),
    ("all", _("Tất cả")),
)


class AlertFilterForm(forms.Form):
    """Filters of the alert list."""

    state = forms.ChoiceField(label=_("Trạng thái"), choices=STATE_FILTERS, required=False)
    severity = forms.ChoiceField(
        label=_("Mức độ"), choices=[("", _("Mọi mức độ")), *Severity.choices], required=False
    )
    source = forms.ChoiceField(label=_("Phân hệ"), required=False)

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["source"])
        field.choices = [("", _("Mọi phân hệ")), *((s, s) for s in sources)]


class AckForm(forms.Form):
    """Acknowledge an alert: someone is on it."""

    comment = forms.CharField(
        label=_("Nội dung xác nhận"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi rõ nội dung xác nhận.")},
    )


class RuleForm(forms.ModelForm):
    """What an operator may change of a rule; params as a JSON object."""

    params = forms.CharField(
        label=_("Tham số (JSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        required=False,
    )

    class Meta:
        model = Rule
        fields = ("name", "severity", "for_seconds", "escalate_after_minutes", "params")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["params"] = json.dumps(
                self.instance.params or {}, ensure_ascii=False, indent=2
            )

    def clean_params(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("params") or "").strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Tham số không phải JSON hợp lệ (dòng %(line)s, cột %(column)s)."),
                params={"line": exc.lineno, "column": exc.colno},
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(
                _('Tham số phải là một đối tượng JSON, dạng {"khóa": giá trị}.')
            )
        return value


class SilenceForm(forms.Form):
    """A new silence."""

    rule = forms.ModelChoiceField(
        label=_("Quy tắc"),
        queryset=Rule.objects.none(),
        required=False,
        empty_label=_("Mọi quy tắc"),
    )
    key_prefix = forms.CharField(
        label=_("Khóa đối tượng bắt đầu bằng"), max_length=200, required=False
    )
    agency = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Mọi cơ quan"),
    )
    starts_at = forms.DateTimeField(label=_("Từ lúc"), required=False)
    ends_at = forms.DateTimeField(label=_("Đến lúc"))
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, rules: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rules  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("starts_at") or timezone.now()
        if data.get("ends_at") and data["ends_at"] <= start:
            self.add_error("ends_at", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        return data
