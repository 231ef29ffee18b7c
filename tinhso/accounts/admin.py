"""Django admin for accounts: personal data stays masked here, roles and logs are read-only.

Roles and tokens change through the pages and API (``actions``), where scope rules apply; the
admin shows them. Personal data is never shown unmasked in the admin because reads here would
escape the personal-data log. Every write to a user goes through an audited action (saves and
password changes); users are never deleted here (deleting one would cascade away their role
history): untick "active" instead.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tinhso.accounts import actions
from tinhso.accounts.models import ApiToken, PersonalDataAccess, RoleAssignment, User
from tinhso.accounts.personal_data import masked_values
from tinhso.core.admin import ReadOnlyAdmin

# The admin user changing a password, for the form's save (Django builds the form without the
# request); a ContextVar keeps concurrent requests apart.
_password_actor: ContextVar[User | None] = ContextVar("accounts_admin_password_actor", default=None)


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saving through ``actions.set_password`` (audited)."""

    def save(self, commit: bool = True) -> User:
        """Set (or, if so chosen, disable) the password through the audited action."""
        actor = _password_actor.get()
        if actor is None or not commit:
            raise PermissionDenied
        password = (
            self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        )
        return actions.set_password(
            cast(User, self.user), actor=actor, password=password, from_admin=True
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts, with personal data masked, every save audited and no deletion."""

    change_password_form = AuditedPasswordChangeForm

    list_display = ("username", "kind", "is_active", "is_demo", "home_unit", "home_agency")
    list_filter = ("kind", "is_active", "is_demo", "is_staff")
    search_fields = ("username",)
    list_select_related = ("home_unit", "home_agency")
    raw_id_fields = ("home_unit", "home_agency")
    readonly_fields = ("masked_personal_data", "last_login", "date_joined", "is_demo")
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (_("Nơi cư trú, công tác"), {"fields": ("home_unit", "home_agency")}),
        (_("Dữ liệu cá nhân (đã che)"), {"fields": ("masked_personal_data",)}),
        (_("Trạng thái"), {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "password1", "password2")}),
    )

    @admin.display(description=_("dữ liệu cá nhân"))
    def masked_personal_data(self, obj: User) -> str:
        """Show every personal field masked."""
        return "; ".join(f"{name}: {value}" for name, value in masked_values(obj).items() if value)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Save through the audited action."""
        actions.save_user_from_admin(
            obj,
            actor=cast(User, request.user),
            changed=list(form.changed_data),
            adding=not change,  # type: ignore[arg-type]
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Change a password at ``<id>/password/``; the form saves through the audited action."""
        token = _password_actor.set(cast(User, request.user))
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never: deleting a user would cascade away their role history unaudited."""
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    """Role assignments, for looking up who holds what where."""

    list_display = ("user", "role", "scope_kind", "unit", "agency", "valid_from", "valid_to")
    list_filter = ("role", "scope_kind")
    list_select_related = ("user", "unit", "agency")
    search_fields = ("user__username",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """API tokens (the hash is never shown)."""

    list_display = ("name", "prefix", "user", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    exclude = ("token_hash",)
    search_fields = ("name", "user__username")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """The personal-data access log."""

    list_display = ("created_at", "actor_label", "subject", "purpose", "legal_basis", "ip_address")
    list_select_related = ("subject",)
    list_filter = ("legal_basis",)
    search_fields = ("actor_label", "purpose")
