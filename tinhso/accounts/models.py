"""Users of tinhso, the roles they hold within a scope, API tokens and the personal-data log.

Personal data is tagged on the model with a ``personal_data`` registry mapping field names to a
:class:`~tinhso.accounts.choices.PersonalDataCategory`; ``tinhso.accounts.personal_data`` masks
by category and a system check keeps the registry in step with the fields
(``docs/adr/0005-personal-data.md``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.choices import (
    LegalBasis,
    PersonalDataCategory,
    Role,
    ScopeKind,
    UserKind,
)
from tinhso.accounts.identifiers import (
    parse_citizen_id,
    validate_citizen_id,
    validate_phone,
    validate_tax_code,
)
from tinhso.accounts.scopes import Scope

__all__ = [
    "ApiToken",
    "PersonalDataAccess",
    "Role",
    "RoleAssignment",
    "ScopeKind",
    "User",
    "UserKind",
]


class User(AbstractUser):
    """A person or partner system with a tinhso account (tài khoản người dùng).

    Officers, leaders, operators and auditors get permissions from their ``RoleAssignment`` rows;
    citizens and businesses hold no role and see only their own record. ``home_unit`` and
    ``home_agency`` say where a person belongs (nơi cư trú / cơ quan công tác) and decide which
    officers may see them. Demo accounts (``is_demo``) can sign in only in demo mode.
    """

    personal_data: ClassVar[dict[str, PersonalDataCategory]] = {
        "full_name": PersonalDataCategory.NAME,
        "first_name": PersonalDataCategory.NAME,
        "last_name": PersonalDataCategory.NAME,
        "citizen_id": PersonalDataCategory.IDENTIFIER,
        "tax_code": PersonalDataCategory.IDENTIFIER,
        "email": PersonalDataCategory.CONTACT,
        "phone": PersonalDataCategory.CONTACT,
        "address": PersonalDataCategory.ADDRESS,
        "date_of_birth": PersonalDataCategory.BIRTH,
    }
    contact_fields: ClassVar[tuple[str, ...]] = ("phone", "email", "address")

    kind = models.CharField(
        _("loại tài khoản"), max_length=20, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    citizen_id = models.CharField(
        _("số định danh cá nhân (CCCD)"),
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=13, blank=True, validators=[validate_tax_code]
    )
    phone = models.CharField(
        _("số điện thoại"), max_length=15, blank=True, validators=[validate_phone]
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    home_unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("đơn vị hành chính nơi cư trú"),
    )
    home_agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("cơ quan công tác"),
    )
    is_demo = models.BooleanField(
        _("tài khoản trình diễn"),
        default=False,
        help_text=_("Chỉ đăng nhập được khi hệ thống chạy ở chế độ trình diễn."),
    )

    # Set by Bearer authentication for the duration of a request: the token narrows the scope.
    active_token: ApiToken | None = None

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~Q(citizen_id=""),
                name="user_citizen_id_unique",
                violation_error_message=_("Số CCCD này đã gắn với một tài khoản khác."),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="user_tax_code_unique",
                violation_error_message=_("Mã số thuế này đã gắn với một tài khoản khác."),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def clean(self) -> None:
        """Check that the date of birth agrees with the year encoded in the CCCD number."""
        super().clean()
        if self.citizen_id and self.date_of_birth:
            try:
                parsed = parse_citizen_id(self.citizen_id)
            except ValidationError:
                return  # the field validator reports it
            if parsed.birth_year != self.date_of_birth.year:
                raise ValidationError(
                    {
                        "date_of_birth": _(
                            "Năm sinh %(year)s không khớp với số CCCD (năm %(cccd_year)s)."
                        )
                        % {"year": self.date_of_birth.year, "cccd_year": parsed.birth_year}
                    }
                )


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    """Queries over role assignments."""

    def current(self, on: date | None = None) -> RoleAssignmentQuerySet:
        """Return the assignments in force on ``on`` (today by default) and not revoked."""
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            valid_from__lte=day,
            revoked_at__isnull=True,
        )


class ScopedMixin(models.Model):
    """Where a row applies: the whole province, a unit subtree or an agency subtree (phạm vi).

    Concrete models add ``scope_kind`` (a :class:`~tinhso.accounts.choices.ScopeKind`).
    """

    scope_kind: Any
    unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị hành chính"),
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan"),
    )

    class Meta:
        abstract = True

    def get_scope(self) -> Scope | None:
        """Return this row's scope, or None when it has none of its own."""
        if not self.scope_kind:
            return None
        return Scope(
            kind=ScopeKind(self.scope_kind), unit_id=self.unit_id, agency_id=self.agency_id
        )

    def scope_label(self) -> str:
        """Return the scope in words (``Toàn tỉnh``, a unit or an agency name)."""
        if self.scope_kind == ScopeKind.UNIT and self.unit is not None:
            return str(self.unit.name)
        if self.scope_kind == ScopeKind.AGENCY and self.agency is not None:
            return str(self.agency.name)
        return str(ScopeKind.PROVINCE.label)


# The FK that matches ``scope_kind`` is set and the other is empty.
SCOPE_SHAPE = (
    Q(scope_kind=ScopeKind.PROVINCE, unit__isnull=True, agency__isnull=True)
    | Q(scope_kind=ScopeKind.UNIT, unit__isnull=False, agency__isnull=True)
    | Q(scope_kind=ScopeKind.AGENCY, unit__isnull=True, agency__isnull=False)
)


class RoleAssignment(ScopedMixin):
    """A role held by a person within a scope over a period (phân công vai trò).

    E.g. "commune officer of phường Bắc Giang" is role ``officer`` with a unit scope; "leader of
    Sở KH&CN" is ``leader`` with an agency scope; "provincial operator" is ``operator`` with the
    province scope. ``valid_to`` is the last day in force (inclusive). Revoking sets
    ``revoked_at``; rows are kept as history.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("người được phân công"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    scope_kind = models.CharField(_("phạm vi"), max_length=10, choices=ScopeKind.choices)
    valid_from = models.DateField(_("hiệu lực từ"), default=timezone.localdate)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roles_granted",
        verbose_name=_("người cấp"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roles_revoked",
        verbose_name=_("người thu hồi"),
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công vai trò")
        verbose_name_plural = _("phân công vai trò")
        ordering = ["user_id", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=SCOPE_SHAPE,
                name="role_assignment_scope_shape",
                violation_error_message=_(
                    "Phạm vi toàn tỉnh không kèm đơn vị hay cơ quan; phạm vi đơn vị cần đơn vị; "
                    "phạm vi cơ quan cần cơ quan."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_valid_interval",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_from"], name="role_user_valid_from")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label()}"

    @property
    def scope(self) -> Scope:
        """Return where this role applies."""
        return Scope(
            kind=ScopeKind(self.scope_kind), unit_id=self.unit_id, agency_id=self.agency_id
        )

    def is_current(self, on: date | None = None) -> bool:
        """Whether the assignment is in force on ``on`` (today by default)."""
        day = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )


class ApiToken(ScopedMixin):
    """A bearer token for a machine client (mã truy cập API), acting as its user.

    Only the SHA-256 of the secret is stored; the secret is shown once when created. A token may
    carry a narrower scope than its user's roles (``scope_kind`` empty means the user's own);
    it never widens them.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên"), max_length=100)
    scope_kind = models.CharField(
        _("phạm vi thu hẹp"),
        max_length=10,
        choices=ScopeKind.choices,
        blank=True,
        help_text=_("Để trống: dùng phạm vi của người dùng."),
    )
    token_hash = models.CharField(_("băm SHA-256 của mã"), max_length=64, unique=True)
    prefix = models.CharField(_("tiền tố nhận diện"), max_length=12)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope_kind="", unit__isnull=True, agency__isnull=True) | SCOPE_SHAPE,
                name="api_token_scope_shape",
                violation_error_message=_(
                    "Phạm vi của mã không khớp với đơn vị hoặc cơ quan đã chọn."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        """Whether the token was revoked."""
        return self.revoked_at is not None

    def is_usable(self) -> bool:
        """Whether the token is neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class PersonalDataAccessQuerySet(models.QuerySet["PersonalDataAccess"]):
    """Append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("PersonalDataAccess rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("PersonalDataAccess rows are append-only")


class PersonalDataAccess(models.Model):
    """One read of a person's unmasked personal data by someone else (nhật ký truy cập DLCN).

    Kept as the processing log that Decree 356/2025 asks for: who read which fields of whose
    record, for what purpose, on what legal basis, when and from where. Rows are never changed
    or deleted; the matching audit-ledger entry (``accounts.personal_data.read``) makes the log
    tamper-evident.
    """

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="personal_data_reads",
        verbose_name=_("người truy cập"),
    )
    actor_label = models.CharField(_("tên người truy cập"), max_length=150)
    subject = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="personal_data_accesses",
        verbose_name=_("chủ thể dữ liệu"),
    )
    fields = models.JSONField(_("các trường đã xem"), default=list)
    purpose = models.CharField(_("mục đích"), max_length=255)
    legal_basis = models.CharField(
        _("căn cứ xử lý"),
        max_length=20,
        choices=LegalBasis.choices,
        default=LegalBasis.LEGAL_DUTY,
    )
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    client = models.CharField(_("phần mềm khách"), max_length=255, blank=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_label} → #{self.subject_id} ({self.created_at:%d/%m/%Y %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the row; an existing row is never updated."""
        if not self._state.adding:
            raise TypeError("PersonalDataAccess rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refuse: the log is append-only."""
        raise TypeError("PersonalDataAccess rows are append-only")
