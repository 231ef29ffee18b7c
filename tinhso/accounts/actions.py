"""Every write of the accounts app. Each runs in a transaction and records an audit entry.

``actor`` is the signed-in user making the change, or None for the system itself (management
commands, the demo loader); permission checks apply to users, never to the system.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import permissions, tokens
from tinhso.accounts.choices import LegalBasis, Role, ScopeKind, UserKind
from tinhso.accounts.identifiers import normalize_phone
from tinhso.accounts.models import ApiToken, PersonalDataAccess, RoleAssignment, User
from tinhso.accounts.permissions import Perm, Scope
from tinhso.accounts.personal_data import mask, personal_fields, plain_values
from tinhso.core import context
from tinhso.core.audit import record_write

PURPOSE_MIN_LENGTH = 5


def _check_actor_is(actor: User | None, owner: User) -> None:
    if actor is not None and actor.pk != owner.pk:
        raise PermissionDenied(_("Chỉ chủ tài khoản được làm việc này."))


def create_account(
    *,
    actor: User | None,
    username: str,
    kind: UserKind,
    password: str | None = None,
    is_demo: bool = False,
    **fields: Any,
) -> User:
    """Create a user account with optional personal data and home unit/agency.

    Raises:
        PermissionDenied: ``actor`` is not a province-wide operator.
        ValidationError: a field is invalid (e.g. a CCCD number) or the username is taken.
    """
    if actor is not None:
        permissions.require(actor, Perm.ROLES_GRANT, Scope.province())
    with transaction.atomic():
        user = User(username=username, kind=kind, is_demo=is_demo, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        record_write(
            actor=actor,
            action="accounts.user.create",
            target=user,
            changes={"kind": [None, kind.value], "is_demo": [None, is_demo]},
        )
    return user


def set_password(
    user: User, *, actor: User | None, password: str | None, from_admin: bool = False
) -> User:
    """Set a new password for ``user``, or with ``None`` turn password sign-in off.

    By the user themself or the system; with ``from_admin``, by a staff member allowed to change
    users in the Django admin. The audit entry never holds the password.

    Raises:
        PermissionDenied: someone other than the user asks outside the admin, or an admin
            actor may not change users.
    """
    if from_admin:
        if actor is None or not (
            actor.is_active and actor.is_staff and actor.has_perm("accounts.change_user")
        ):
            raise PermissionDenied(_("Bạn không được đổi mật khẩu của người dùng này."))
    else:
        _check_actor_is(actor, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        changes: dict[str, Any] = {"password": ["…", "…" if password is not None else None]}
        if from_admin:
            changes["via"] = [None, "admin"]
        record_write(actor=actor, action="accounts.user.set_password", target=user, changes=changes)
    return user


def update_contact(person: User, *, actor: User | None, changes: Mapping[str, Any]) -> User:
    """Change a person's contact fields (phone, email, address) within the actor's scope.

    The audit entry keeps the old and new values masked, never in clear.

    Raises:
        PermissionDenied: the person is outside the actor's ``people.change`` scope.
        ValidationError: a field is not a contact field or its value is invalid.
    """
    if actor is not None:
        permissions.require(actor, Perm.PEOPLE_CHANGE, person)
    unknown = sorted(set(changes) - set(User.contact_fields))
    if unknown:
        raise ValidationError(
            _("Không sửa được các trường: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    categories = personal_fields(User)
    diff: dict[str, list[str]] = {}
    with transaction.atomic():
        for name, value in changes.items():
            new = normalize_phone(value) if name == "phone" and value else (value or "")
            old = getattr(person, name)
            if new != old:
                diff[name] = [mask(old, categories[name]), mask(new, categories[name])]
                setattr(person, name, new)
        if not diff:
            return person
        person.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in diff])
        person.save(update_fields=list(diff))
        record_write(
            actor=actor, action="accounts.person.update_contact", target=person, changes=diff
        )
    return person


def grant_role(
    person: User,
    *,
    actor: User | None,
    role: Role,
    scope: Scope,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleAssignment:
    """Give ``person`` a role within ``scope``; a user may grant only inside their own scope.

    Raises:
        PermissionDenied: the actor cannot see the person, is the person, holds ``roles.grant``
            over neither the person's home nor every role the person already holds, or may not
            grant this role over the whole of ``scope``.
        ValidationError: the scope does not match its unit/agency, the unit or agency is not in
            force on ``valid_from`` (e.g. abolished by a merger), or the dates are reversed.
    """
    if actor is not None:
        permissions.require(actor, Perm.PEOPLE_VIEW, person)
        if actor.pk == person.pk:
            raise PermissionDenied(_("Không thể tự cấp vai trò cho chính mình."))
        permissions.require(actor, Perm.ROLES_GRANT, person)
        if role not in permissions.grantable_roles(actor, scope):
            raise PermissionDenied(
                _("Bạn không được cấp vai trò %(role)s trong phạm vi này.") % {"role": role.label}
            )
    assignment = RoleAssignment(
        user=person,
        role=role,
        scope_kind=scope.kind,
        unit_id=scope.unit_id,
        agency_id=scope.agency_id,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        granted_by=actor,
    )
    assignment.full_clean(exclude=["user", "granted_by", "revoked_by"])
    _check_scope_in_force(assignment)
    with transaction.atomic():
        assignment.save()
        record_write(
            actor=actor,
            action="accounts.role.grant",
            target=assignment,
            changes={
                "user": [None, person.username],
                "role": [None, role.value],
                "scope": [None, assignment.scope_label()],
                "valid_from": [None, assignment.valid_from.isoformat()],
                "valid_to": [None, valid_to.isoformat() if valid_to else None],
            },
        )
    permissions.forget(person)
    return assignment


def _check_scope_in_force(assignment: RoleAssignment) -> None:
    """Refuse a role over a unit or agency that is not in force on the day the role starts.

    An abolished unit (e.g. one merged away on 01/07/2025) stays in the directory as history; a
    role over it would still reach the people whose home is there, outside any current scope.
    """
    field = {ScopeKind.UNIT: "unit", ScopeKind.AGENCY: "agency"}.get(
        ScopeKind(assignment.scope_kind)
    )
    if field is None:
        return
    place = getattr(assignment, field)
    if place.is_valid_on(assignment.valid_from):
        return
    raise ValidationError(
        {
            field: _(
                "“%(name)s” không có hiệu lực vào ngày %(day)s (ngày vai trò bắt đầu); chỉ cấp "
                "vai trò trong đơn vị hành chính hoặc cơ quan đang có hiệu lực."
            )
            % {"name": place.name, "day": assignment.valid_from.strftime("%d/%m/%Y")}
        }
    )


def revoke_role(assignment: RoleAssignment, *, actor: User | None) -> RoleAssignment:
    """End a role assignment now; revoking one already revoked changes nothing.

    Raises:
        PermissionDenied: the actor may not grant this role over the assignment's scope.
    """
    if actor is not None and Role(assignment.role) not in permissions.grantable_roles(
        actor, assignment.scope
    ):
        raise PermissionDenied(_("Bạn không được thu hồi vai trò này."))
    if assignment.revoked_at is not None:
        return assignment
    with transaction.atomic():
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor
        assignment.save(update_fields=["revoked_at", "revoked_by"])
        record_write(
            actor=actor,
            action="accounts.role.revoke",
            target=assignment,
            changes={"revoked_at": [None, assignment.revoked_at.isoformat()]},
        )
    permissions.forget(assignment.user)
    return assignment


def create_token(
    user: User,
    *,
    actor: User | None,
    name: str,
    expires_at: datetime | None = None,
    scope: Scope | None = None,
) -> tuple[ApiToken, str]:
    """Issue an API token for ``user``; return it with its secret, which is never stored.

    ``scope`` narrows the token below the user's own roles and may not be wider than them.

    Raises:
        PermissionDenied: someone other than the user asks.
        ValidationError: the name is empty, the expiry has passed, or the scope is too wide.
    """
    _check_actor_is(actor, user)
    expiry = expires_at or timezone.now() + tokens.default_expiry()
    if expiry <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")})
    if scope is not None and not permissions.resolve(
        a.scope for a in permissions.assignments(user)
    ).contains(scope):
        raise ValidationError(_("Phạm vi của mã không được rộng hơn phạm vi vai trò của bạn."))
    secret = tokens.new_secret()
    token = ApiToken(
        user=user,
        name=name.strip(),
        token_hash=tokens.hash_secret(secret),
        prefix=secret[:8],
        expires_at=expiry,
        scope_kind=scope.kind if scope else "",
        unit_id=scope.unit_id if scope else None,
        agency_id=scope.agency_id if scope else None,
    )
    token.full_clean(exclude=["user"])
    with transaction.atomic():
        token.save()
        record_write(
            actor=actor,
            action="accounts.token.create",
            target=token,
            changes={
                "name": [None, token.name],
                "expires_at": [None, expiry.isoformat()],
                "scope": [None, token.scope_label() if scope else None],
            },
        )
    return token, secret


def revoke_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    """Revoke an API token (its owner, or a province-wide operator after a leak).

    Raises:
        PermissionDenied: the actor is neither the owner nor a province-wide operator.
    """
    if (
        actor is not None
        and actor.pk != token.user_id
        and not permissions.can(actor, Perm.ROLES_GRANT, Scope.province())
    ):
        raise PermissionDenied(_("Bạn không được thu hồi mã này."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_write(
            actor=actor,
            action="accounts.token.revoke",
            target=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
    return token


def read_personal_data(
    person: User,
    *,
    actor: User,
    purpose: str,
    legal_basis: LegalBasis = LegalBasis.LEGAL_DUTY,
) -> dict[str, Any]:
    """Return a person's personal data unmasked, logging the read unless it is their own.

    The log row (``PersonalDataAccess``) and the audit entry ``accounts.personal_data.read`` name
    the fields shown and the purpose, never the values.

    Raises:
        PermissionDenied: the actor may not see this person's personal data.
        ValidationError: no purpose (at least five characters) was given.
    """
    values = plain_values(person)
    if actor.pk == person.pk:
        return values
    permissions.require(actor, Perm.PEOPLE_VIEW_PERSONAL, person)
    purpose = (purpose or "").strip()
    if len(purpose) < PURPOSE_MIN_LENGTH:
        raise ValidationError(
            {"purpose": _("Cần nêu mục đích xem dữ liệu cá nhân (ít nhất 5 ký tự).")}
        )
    shown = sorted(name for name, value in values.items() if value not in (None, ""))
    meta = context.current()
    with transaction.atomic():
        PersonalDataAccess.objects.create(
            actor=actor,
            actor_label=actor.username,
            subject=person,
            fields=shown,
            purpose=purpose[:255],
            legal_basis=legal_basis,
            ip_address=meta.ip_address,
            client=meta.client,
        )
        record_write(
            actor=actor,
            action="accounts.personal_data.read",
            target=person,
            changes={"fields": shown, "purpose": purpose[:255], "legal_basis": legal_basis.value},
        )
    return values


def save_user_from_admin(user: User, *, actor: User, changed: list[str], adding: bool) -> User:
    """Save a user edited in the Django admin, auditing which fields changed (not their values)."""
    with transaction.atomic():
        user.save()
        record_write(
            actor=actor,
            action="accounts.user.create" if adding else "accounts.user.admin_change",
            target=user,
            changes={name: ["…", "…"] for name in changed},
        )
    return user
