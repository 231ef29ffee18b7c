"""Request and response bodies of the accounts API."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator, model_validator

from tinhso.accounts.choices import Role, ScopeKind, UserKind
from tinhso.accounts.identifiers import api_message, normalize_phone, validate_phone
from tinhso.accounts.scopes import Scope


class TokenRequest(Schema):
    """Credentials exchanged for a Bearer token."""

    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=4096)
    name: str = Field("api", max_length=100, description="Tên gợi nhớ của mã (client name)")


class TokenOut(Schema):
    """A new Bearer token; the secret is shown only here."""

    token: str
    token_type: str = "Bearer"  # noqa: S105 -- the scheme name, not a secret
    expires_at: datetime


class ScopeOut(Schema):
    """Where a role or token applies."""

    kind: ScopeKind
    unit_id: int | None = None
    agency_id: int | None = None
    label: str


class RoleOut(Schema):
    """A role held within a scope."""

    id: int
    role: Role
    role_label: str
    scope: ScopeOut
    valid_from: date
    valid_to: date | None = None


class TokenInfo(Schema):
    """The token used for the current request."""

    name: str
    expires_at: datetime
    scope: ScopeOut | None = None


class MeOut(Schema):
    """The signed-in user or token holder."""

    id: int
    username: str
    kind: UserKind
    full_name: str
    is_demo: bool
    roles: list[RoleOut]
    permissions: list[str]
    token: TokenInfo | None = None


class PersonOut(Schema):
    """A person as staff see them; personal data masked unless ``masked`` is false."""

    id: int
    username: str
    kind: UserKind
    full_name: str
    citizen_id: str
    tax_code: str
    email: str
    phone: str
    address: str
    date_of_birth: str = Field(..., description="dd/mm/yyyy, or **/**/yyyy when masked")
    home_unit_id: int | None = None
    home_agency_id: int | None = None
    masked: bool
    roles: list[RoleOut]


class PurposeRequest(Schema):
    """Why the caller needs a person's personal data unmasked (kept in the access log)."""

    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(
        ...,
        max_length=255,
        description=(
            "Mục đích xem, ít nhất 5 ký tự; không cần khi xem hồ sơ của chính mình "
            "(purpose of the read, at least 5 characters; not needed for one's own record)"
        ),
    )


def _check(validator: object, value: str) -> None:
    try:
        validator(value)  # type: ignore[operator]
    except ValidationError as exc:
        raise ValueError(api_message(exc)) from exc


class ContactPatch(Schema):
    """Contact fields to change; fields left out stay as they are; any other field is a 422."""

    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=255)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value:
            _check(validate_phone, value)
            return normalize_phone(value)
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value:
            try:
                validate_email(value)
            except ValidationError as exc:
                raise ValueError(
                    "Địa chỉ thư điện tử không hợp lệ. (Invalid email address.)"
                ) from exc
        return value


class RoleGrant(Schema):
    """A role to grant: ``scope_kind`` province, or unit with ``unit_id``, or agency."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    scope_kind: ScopeKind
    unit_id: int | None = None
    agency_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _shape(self) -> RoleGrant:
        needs = {ScopeKind.UNIT: "unit_id", ScopeKind.AGENCY: "agency_id"}.get(self.scope_kind)
        for name in ("unit_id", "agency_id"):
            given = getattr(self, name) is not None
            if given != (name == needs):
                raise ValueError(
                    "Phạm vi và đơn vị/cơ quan không khớp nhau. "
                    "(scope_kind unit needs unit_id only, agency needs agency_id only, "
                    "province needs neither.)"
                )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(
                "Ngày hết hiệu lực phải sau ngày bắt đầu. (valid_to is before valid_from.)"
            )
        return self

    def to_scope(self) -> Scope:
        """Return the requested scope."""
        return Scope(kind=self.scope_kind, unit_id=self.unit_id, agency_id=self.agency_id)
