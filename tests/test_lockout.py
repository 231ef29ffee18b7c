"""Login lock-out is per (username, address): one office's typos do not lock out the others."""

from __future__ import annotations

import pytest
from django.test import Client

from tinhso.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def attempt(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def test_failures_for_other_usernames_do_not_lock_out_a_colleague_at_the_same_address(
    client: Client,
) -> None:
    UserFactory(username="canbo.a")
    for number in range(6):
        attempt(client, f"khong-ton-tai-{number}", "sai")
    assert attempt(client, "canbo.a", PASSWORD) == 302


def test_failures_for_one_username_lock_that_username_at_that_address(client: Client) -> None:
    UserFactory(username="canbo.b")
    for _ in range(5):
        attempt(client, "canbo.b", "sai")
    assert attempt(client, "canbo.b", PASSWORD) == 429
