"""The Django admin for users: every change reaches the audit ledger; nobody is deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.tests.factories import PASSWORD, UserFactory, World
from tinhso.core.models import AuditEntry

NEW_PASSWORD = "a fresh and long enough passphrase"


@pytest.fixture
def root(world: World) -> User:
    return UserFactory.create(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client: Client, root: User) -> Client:
    client.force_login(root)
    return client


def password_url(user: User) -> str:
    return f"/admin/accounts/user/{user.pk}/password/"


def test_admin_password_change_is_recorded_in_the_ledger(
    admin_client: Client, world: World, root: User
) -> None:
    officer = world["officer_a"]
    response = admin_client.post(
        password_url(officer),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="accounts.user.set_password")
    assert entry.actor_id == root.pk and entry.object_id == str(officer.pk)
    assert entry.changes["via"] == [None, "admin"]
    assert NEW_PASSWORD not in str(entry.changes)


def test_admin_turning_password_sign_in_off_is_recorded_in_the_ledger(
    admin_client: Client, world: World
) -> None:
    officer = world["officer_a"]
    response = admin_client.post(
        password_url(officer), {"usable_password": "false", "unset-password": "1"}
    )
    assert response.status_code == 302, response.content
    officer.refresh_from_db()
    assert not officer.has_usable_password()
    entry = AuditEntry.objects.get(action="accounts.user.set_password")
    assert entry.changes["password"] == ["…", None]


def test_invalid_admin_password_change_changes_nothing(admin_client: Client, world: World) -> None:
    officer = world["officer_a"]
    response = admin_client.post(
        password_url(officer),
        {"password1": NEW_PASSWORD, "password2": "different", "usable_password": "true"},
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert not AuditEntry.objects.exists()


def test_staff_without_change_permission_cannot_change_a_password(
    client: Client, world: World
) -> None:
    clerk = UserFactory.create(username="clerk", is_staff=True)
    client.force_login(clerk)
    officer = world["officer_a"]
    response = client.post(
        password_url(officer),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert not AuditEntry.objects.exists()


def test_admin_cannot_delete_users_so_role_history_stays(
    admin_client: Client, world: World
) -> None:
    officer = world["officer_a"]
    url = f"/admin/accounts/user/{officer.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    response: Any = admin_client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [officer.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert User.objects.filter(pk=officer.pk).exists()
    assert RoleAssignment.objects.filter(user=officer).exists()
    changelist = admin_client.get("/admin/accounts/user/").content.decode()
    assert "delete_selected" not in changelist


def test_admin_change_page_offers_no_delete_link(admin_client: Client, world: World) -> None:
    officer = world["officer_a"]
    content = admin_client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert f"/admin/accounts/user/{officer.pk}/delete/" not in content
