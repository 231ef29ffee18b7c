"""Validation of dataset and resource metadata, shared by the officers' pages and the CKAN
Action API (which maps CKAN's dictionaries onto these fields first)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import fold
from tinhso.opendata.models import Dataset, Organization, Resource, Theme

NAME_PATTERN = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG_PATTERN = re.compile(r"^[\w \-.]{1,100}$")


def slug_for(title: str) -> str:
    """A URL name for ``title``: folded (đ → d), lower case, words joined by hyphens."""
    return slugify(fold(title))[:100].strip("-") or "du-lieu"


class TagListField(forms.Field):
    """Keywords as a list of strings, or one comma-separated string; kept as written."""

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        items = value.split(",") if isinstance(value, str) else list(value)
        tags: list[str] = []
        for item in items:
            tag = " ".join(str(item).split())
            if tag and tag not in tags:
                tags.append(tag)
        return tags

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for tag in value:
            if not TAG_PATTERN.match(tag):
                raise ValidationError(
                    _("Từ khoá “%(tag)s” chỉ được gồm chữ, số, khoảng trắng, - _ . (tối đa 100)."),
                    code="tag",
                    params={"tag": tag},
                )


class DatasetForm(forms.ModelForm):
    """A dataset's metadata. ``name`` defaults to the slug of the title when left empty."""

    name = forms.CharField(label=_("Tên định danh"), max_length=100, required=False)
    tags = TagListField(label=_("Từ khoá"), required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Chủ đề"), queryset=Theme.objects.all(), to_field_name="name", required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Tổ chức công bố"), queryset=Organization.objects.all(), to_field_name="name"
    )
    url = forms.URLField(
        label=_("Trang nguồn"), max_length=1000, required=False, assume_scheme="https"
    )

    class Meta:
        model = Dataset
        fields = [
            "name",
            "title",
            "title_en",
            "notes",
            "notes_en",
            "organization",
            "license",
            "themes",
            "tags",
            "temporal_start",
            "temporal_end",
            "spatial_unit",
            "frequency",
            "contact_name",
            "contact_email",
            "version",
            "url",
            "private",
            "extras",
        ]

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name") or "").strip()
        if not name:
            name = slug_for(str(self.data.get("title") or ""))
        if not NAME_PATTERN.match(name):
            raise ValidationError(
                _("Tên định danh chỉ gồm chữ thường không dấu, số, - và _ (2–100 ký tự)."),
                code="name",
            )
        clash = Dataset.objects.filter(name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Tên định danh này đã được dùng."), code="name_taken")
        return name

    def clean_extras(self) -> dict[str, Any]:
        extras = self.cleaned_data.get("extras") or {}
        if not isinstance(extras, dict) or not all(
            isinstance(value, str | int | float | bool) for value in extras.values()
        ):
            raise ValidationError(
                _("Thông tin thêm phải là các cặp khoá – giá trị."), code="extras"
            )
        return extras


class ResourceForm(forms.ModelForm):
    """A resource's metadata; a file comes separately as ``upload`` or a link as ``url``."""

    url = forms.URLField(
        label=_("Đường dẫn"), max_length=1000, required=False, assume_scheme="https"
    )

    class Meta:
        model = Resource
        fields = ["name", "description", "format", "url", "resource_type"]

    def clean_format(self) -> str:
        return str(self.cleaned_data.get("format") or "").strip().upper()
