"""Administrative units with their history, and the agencies that sit in them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import TimeStampedModel
from tinhso.directory.choices import AgencyKind, SuccessionKind, UnitLevel, UnitType
from tinhso.directory.validators import (
    validate_agency_code,
    validate_unit_code,
    validate_unit_code_for_level,
)


def _valid_on(
    valid_from: datetime.date, valid_to: datetime.date | None, day: datetime.date
) -> bool:
    return valid_from <= day and (valid_to is None or day <= valid_to)


class AdministrativeUnit(TimeStampedModel):
    """An administrative unit (đơn vị hành chính) as it existed over one validity interval.

    Official codes (mã ĐVHC, GSO/NSO) are reused over time — code 24 was Bắc Giang until
    30/06/2025 and is the new Bắc Ninh from 01/07/2025 — so a code names a unit only together
    with a date. ``valid_to`` is the last day of validity (inclusive); empty means current.
    A unit whose parent changes (a commune kept as is when the district level was abolished)
    gets a new row, linked to the old one by a ``keep`` succession.
    """

    code = models.CharField(
        _("mã ĐVHC"), max_length=10, db_index=True, validators=[validate_unit_code]
    )
    name = models.CharField(_("tên"), max_length=150)
    search_name = models.CharField(
        _("tên không dấu"), max_length=150, db_index=True, blank=True, editable=False
    )
    type = models.CharField(_("loại"), max_length=20, choices=UnitType.choices)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="unit_code_valid_from_unique",
                violation_error_message=_("Đã có đơn vị mang mã này từ cùng ngày hiệu lực."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_interval",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "valid_from", "valid_to"], name="unit_parent_dates")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        """Check that the code fits the level and the parent sits one tier or more above."""
        super().clean()
        if self.code and self.level:
            validate_unit_code_for_level(self.code, self.level)
        if self.parent is not None and self.level and self.parent.level >= self.level:
            raise ValidationError(
                {"parent": _("Đơn vị cấp trên phải ở cấp cao hơn đơn vị này.")},
                code="parent_level",
            )

    def is_valid_on(self, day: datetime.date) -> bool:
        """Whether the unit existed on ``day``."""
        return _valid_on(self.valid_from, self.valid_to, day)


class UnitSuccession(TimeStampedModel):
    """A link from a unit to a unit that took over (part of) it on a date (kế thừa).

    ``weight`` is the share of the predecessor that passed to the successor: a whole-unit merge
    has weight 1 (successor values are sums of predecessors); a split divides the predecessor's
    values by these weights, which sum to 1 over its successors. ``inferred`` marks links that
    no official text states (they are shown, never hidden).
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("đơn vị trước"),
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("đơn vị sau"),
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=SuccessionKind.choices)
    weight = models.DecimalField(_("tỷ trọng"), max_digits=7, decimal_places=6, default=1)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    inferred = models.BooleanField(
        _("suy luận"), default=False, help_text=_("Không có trong văn bản chính thức.")
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("quan hệ kế thừa")
        verbose_name_plural = _("quan hệ kế thừa")
        ordering = ["effective_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_pair_unique",
                violation_error_message=_("Quan hệ kế thừa này đã có."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=1),
                name="succession_weight_range",
                violation_error_message=_("Tỷ trọng phải trong (0, 1]."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="succession_not_self",
                violation_error_message=_("Một đơn vị không thể kế thừa chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.weight})"


class Agency(TimeStampedModel):
    """A state agency or organisation (cơ quan, tổ chức): sở, ban, ngành, UBND, đơn vị sự nghiệp.

    It belongs to an administrative unit and may sit under a parent agency. Its document-system
    identifier codes (mã định danh, QCVN 102:2016) are kept in ``AgencyCode`` with dates, since
    they are reissued when units merge. ``predecessor`` links an agency that continued another.
    """

    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    search_name = models.CharField(
        _("tên không dấu"), max_length=255, db_index=True, blank=True, editable=False
    )
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("đơn vị hành chính"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("cơ quan tiền thân"),
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "unit", "valid_from"],
                name="agency_name_unit_valid_from_unique",
                violation_error_message=_("Đơn vị này đã có cơ quan cùng tên từ cùng ngày."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="agency_valid_interval",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        """Whether the agency existed on ``day``."""
        return _valid_on(self.valid_from, self.valid_to, day)


class AgencyCode(TimeStampedModel):
    """An agency's identifier code (mã định danh) over a validity interval.

    Format ``V1V2V3.Z1Z2.Y1Y2.MX1X2`` (13 characters, QCVN 102:2016); the column is 35
    characters wide for Decision 20/2020 identifiers. Codes are data, never derived; until the
    province's official list is checked they stay ``verified=False``.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="codes", verbose_name=_("cơ quan")
    )
    code = models.CharField(
        _("mã định danh"), max_length=35, db_index=True, validators=[validate_agency_code]
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)

    class Meta:
        verbose_name = _("mã định danh cơ quan")
        verbose_name_plural = _("mã định danh cơ quan")
        ordering = ["valid_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="agency_code_valid_from_unique",
                violation_error_message=_("Mã định danh này đã được cấp từ cùng ngày."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="agency_code_valid_interval",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def is_valid_on(self, day: datetime.date) -> bool:
        """Whether the code identified the agency on ``day``."""
        return _valid_on(self.valid_from, self.valid_to, day)
