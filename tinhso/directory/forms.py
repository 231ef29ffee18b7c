"""Parameters of the directory pages, validated with Django forms (rendered by hand for htmx).

Every query parameter a page reads goes through a form here: a value the form refuses is a
400, never a silent default and never a 500. Numbers and dates must be written in ASCII digits:
Python's ``int()`` and ``strptime`` also read other Unicode digits (``٣`` is 3), which no link of
ours produces, while ``str.isdigit()`` accepts ``²``, which ``int()`` then refuses.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tinhso.directory.choices import AgencyKind, UnitLevel

MAX_DEPTH = len(UnitLevel)
"""A tree node is at most as deep as there are levels of local government."""

MAX_PAGE = 1_000_000
"""Far beyond any agency list; larger numbers are refused rather than looked for."""


class AsciiIntegerField(forms.IntegerField):
    """An integer written with ASCII digits only (no sign, no ``²``, no ``٣``, no ``1.0``)."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values:
            text = str(value).strip()
            if not (text.isascii() and text.isdigit()):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        result: int | None = super().to_python(value)
        return result


class AsciiDateField(forms.DateField):
    """A date in one of the accepted formats, written with ASCII digits only."""

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        result: datetime.date | None = super().to_python(value)
        return result


class AsOfForm(forms.Form):
    """A single date parameter (unit pages)."""

    as_of = AsciiDateField(label=_("Ngày"), required=False)


class UnitSearchForm(AsOfForm):
    """The explorer's date and name search."""

    q = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=100)


class TreeNodeForm(AsOfForm):
    """A tree node's date, whether it is expanded and how deep it sits (set by our own links)."""

    expand = forms.ChoiceField(required=False, choices=[("", ""), ("0", "0"), ("1", "1")])
    depth = AsciiIntegerField(required=False, min_value=1, max_value=MAX_DEPTH)


class AgencyFilterForm(forms.Form):
    """The agency directory's search, filters and page number."""

    q = forms.CharField(label=_("Tên cơ quan"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Loại"),
        required=False,
        choices=[("", _("Tất cả")), *AgencyKind.choices],
    )
    all = forms.BooleanField(label=_("Cả cơ quan đã giải thể"), required=False)
    page = AsciiIntegerField(label=_("Trang"), required=False, min_value=1, max_value=MAX_PAGE)
