"""The login page: CSRF, CSP, django-axes lockout, demo accounts only in demo mode, logout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from tinhso.accounts.tests.factories import PASSWORD, World

LOGIN_URL = "/accounts/login/"


def login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password})


@pytest.mark.django_db
def test_login_page_sets_csrf_and_content_security_policy(client: Client) -> None:
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies
    content = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in content
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert 'id="id_username"' in content and 'id="id_password"' in content
    assert 'type="submit" id="login-submit"' in content
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=", content)  # no inline code (CSP)


@pytest.mark.django_db
def test_login_form_posted_without_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert login(client, "officer_a").status_code == 403


def test_correct_password_signs_in_and_redirects_to_profile(client: Client, world: World) -> None:
    response = login(client, "officer_a")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200


def test_wrong_password_shows_a_vietnamese_error(client: Client, world: World) -> None:
    response = login(client, "officer_a", "sai")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_repeated_failures_lock_the_login_page(client: Client, world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer_a", "sai")
    response = login(client, "officer_a")
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("demo", [True, False])
def test_demo_hint_lists_demo_accounts_only_in_demo_mode(
    client: Client, settings: Settings, demo: bool
) -> None:
    settings.TINHSO_DEMO = demo
    content = client.get(LOGIN_URL).content.decode()
    assert ('id="demo-accounts"' in content) is demo
    assert ("tinhso-demo" in content) is demo


def _make_demo(world: World) -> None:
    officer = world["officer_a"]
    officer.is_demo = True
    officer.save()


def test_demo_account_is_refused_outside_demo_mode(
    client: Client, world: World, settings: Settings
) -> None:
    _make_demo(world)
    settings.TINHSO_DEMO = False
    response = login(client, "officer_a")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.content.decode()
    assert "_auth_user_id" not in client.session
    settings.TINHSO_DEMO = True
    assert login(client, "officer_a").status_code == 302


def test_account_backend_refuses_demo_users_outside_demo_mode(
    world: World, settings: Settings
) -> None:
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "tinhso.accounts.backends.AccountBackend",
    ]
    _make_demo(world)
    request = RequestFactory().post(LOGIN_URL)
    settings.TINHSO_DEMO = False
    assert authenticate(request, username="officer_a", password=PASSWORD) is None
    settings.TINHSO_DEMO = True
    assert authenticate(request, username="officer_a", password=PASSWORD) == world["officer_a"]


def test_logout_is_a_post(client: Client, world: World) -> None:
    client.force_login(world["officer_a"])
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
