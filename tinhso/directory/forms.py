"""Filters of the directory pages (validated with Django forms, rendered by hand for htmx)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.directory.choices import AgencyKind


class UnitSearchForm(forms.Form):
    """The explorer's date and name search."""

    as_of = forms.DateField(label=_("Ngày"), required=False)
    q = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=100)


class AsOfForm(forms.Form):
    """A single date parameter (tree nodes, unit pages)."""

    as_of = forms.DateField(label=_("Ngày"), required=False)


class AgencyFilterForm(forms.Form):
    """The agency directory's search and filters."""

    q = forms.CharField(label=_("Tên cơ quan"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Loại"),
        required=False,
        choices=[("", _("Tất cả")), *AgencyKind.choices],
    )
    all = forms.BooleanField(label=_("Cả cơ quan đã giải thể"), required=False)
