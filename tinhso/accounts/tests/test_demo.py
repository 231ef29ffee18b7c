"""Demo accounts: only in demo mode, one per role, idempotent, refused outside demo mode."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from tinhso.accounts.choices import Role
from tinhso.accounts.demo import (
    DEMO_PASSWORD,
    DemoModeRequired,
    create_demo_accounts,
)
from tinhso.accounts.identifiers import validate_citizen_id, validate_tax_code
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.tests.factories import World

USERNAMES = [
    "admin",
    "lanhdao.khcn",
    "dulieu.khcn",
    "canbo.bacgiang",
    "canbo.tuandao",
    "kiemtoan",
    "congdan",
    "doanhnghiep",
]


@pytest.fixture
def demo(settings: Settings) -> None:
    settings.TINHSO_DEMO = True


@pytest.mark.django_db
def test_demo_accounts_are_refused_outside_demo_mode(settings: Settings) -> None:
    settings.TINHSO_DEMO = False
    with pytest.raises(DemoModeRequired):
        create_demo_accounts()
    assert not User.objects.exists()


def test_one_account_per_role_with_the_demo_password(world: World, demo: None) -> None:
    accounts = create_demo_accounts()
    assert [username for username, _, _ in accounts] == USERNAMES
    assert {password for _, password, _ in accounts} == {DEMO_PASSWORD}
    roles = {
        a.user.username: (a.role, a.scope_label())
        for a in RoleAssignment.objects.select_related("user", "unit", "agency")
    }
    assert roles["admin"] == (Role.OPERATOR, "Toàn tỉnh")
    assert roles["lanhdao.khcn"] == (Role.LEADER, "Sở Khoa học và Công nghệ tỉnh Bắc Ninh")
    assert roles["canbo.bacgiang"] == (Role.OFFICER, "Phường Bắc Giang")
    assert roles["canbo.tuandao"] == (Role.OFFICER, "Xã Tuấn Đạo")
    assert roles["kiemtoan"] == (Role.AUDITOR, "Toàn tỉnh")
    demo_users = User.objects.filter(is_demo=True)
    assert demo_users.count() == len(USERNAMES)
    congdan = User.objects.get(username="congdan")
    validate_citizen_id(congdan.citizen_id)
    assert congdan.home_unit == world.bac_giang
    validate_tax_code(User.objects.get(username="doanhnghiep").tax_code)


def test_demo_accounts_are_idempotent(world: World, demo: None) -> None:
    create_demo_accounts()
    admin = User.objects.get(username="admin")
    admin.set_password("changed")
    admin.save()
    counts = (User.objects.count(), RoleAssignment.objects.count())
    create_demo_accounts()
    assert (User.objects.count(), RoleAssignment.objects.count()) == counts
    admin.refresh_from_db()
    assert admin.check_password(DEMO_PASSWORD)


def test_missing_directory_entries_skip_accounts_with_a_message(demo: None, db: None) -> None:
    out = StringIO()
    accounts = create_demo_accounts(stdout=out)
    assert accounts == []
    assert "Sở Khoa học và Công nghệ tỉnh Bắc Ninh" in out.getvalue()
    assert not User.objects.exists()


def test_province_unit_must_be_current(world: World, demo: None) -> None:
    world.province.valid_to = date(2025, 6, 30)
    world.province.valid_from = date(2000, 1, 1)
    world.province.save()
    out = StringIO()
    usernames = [u for u, _, _ in create_demo_accounts(stdout=out)]
    assert "admin" not in usernames and "kiemtoan" not in usernames
    assert "canbo.bacgiang" in usernames
    assert "no current unit 24" in out.getvalue()


def test_real_account_with_a_demo_name_is_left_alone(world: World, demo: None) -> None:
    real = User.objects.create_user("admin", password="real-secret-123")
    usernames = [u for u, _, _ in create_demo_accounts()]
    assert "admin" not in usernames
    real.refresh_from_db()
    assert real.check_password("real-secret-123") and not real.is_demo


def test_demo_login_works_in_demo_mode_and_is_refused_outside(
    client: Client, world: World, settings: Settings
) -> None:
    settings.TINHSO_DEMO = True
    create_demo_accounts()
    credentials = {"username": "canbo.bacgiang", "password": DEMO_PASSWORD}
    assert client.post("/accounts/login/", credentials).status_code == 302
    client.logout()
    settings.TINHSO_DEMO = False
    response = client.post("/accounts/login/", credentials)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    settings.AUTHENTICATION_BACKENDS = ["tinhso.accounts.backends.AccountBackend"]
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, **credentials) is None
