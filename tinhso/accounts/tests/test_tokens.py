"""API tokens: issued for a password (through django-axes), hashed, expiring, revocable, scoped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from tinhso.accounts import actions
from tinhso.accounts.models import ApiToken
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import PASSWORD, World
from tinhso.accounts.tokens import hash_secret
from tinhso.core.models import AuditEntry

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def post_token(client: Client, username: str, password: str) -> Any:
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_password_is_exchanged_for_a_token_stored_only_as_its_hash(
    client: Client, world: World
) -> None:
    response = post_token(client, "officer_a", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    secret = body["token"]
    token = ApiToken.objects.get(user=world["officer_a"])
    assert token.token_hash == hash_secret(secret) and secret not in token.token_hash
    expected = timezone.now() + timedelta(hours=settings.TINHSO_TOKEN_TTL_HOURS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    entry = AuditEntry.objects.get(action="accounts.token.create")
    assert entry.actor_id == world["officer_a"].pk and secret not in str(entry.changes)


@pytest.mark.parametrize(("username", "password"), [("officer_a", "wrong"), ("nobody", "x")])
def test_wrong_credentials_get_401_problem(
    client: Client, world: World, username: str, password: str
) -> None:
    body = assert_problem(post_token(client, username, password), 401)
    assert "Wrong username or password" in str(body["title"])


def test_repeated_failures_lock_out_with_429_problem(client: Client, world: World) -> None:
    statuses = [
        post_token(client, "officer_a", "wrong").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [401] * (settings.AXES_FAILURE_LIMIT - 1)
    body = assert_problem(post_token(client, "officer_a", PASSWORD), 429)
    assert "Too many failed attempts" in str(body["title"])
    assert not ApiToken.objects.exists()


def test_me_with_bearer_token_names_the_user_roles_and_token(client: Client, world: World) -> None:
    secret = post_token(client, "officer_a", PASSWORD).json()["token"]
    response = client.get(ME_URL, headers={"Authorization": "Bearer " + secret})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "officer_a"
    assert [(r["role"], r["scope"]["kind"]) for r in body["roles"]] == [("officer", "unit")]
    assert "people.view" in body["permissions"] and "roles.grant" not in body["permissions"]
    assert body["token"]["name"] == "api"
    assert ApiToken.objects.get().last_used_at is not None


def test_me_with_session_has_no_token(client: Client, world: World) -> None:
    client.force_login(world["operator"])
    body = client.get(ME_URL).json()
    assert body["username"] == "operator" and body["token"] is None
    assert "audit.view" in body["permissions"]


def _token(world: World, scope: Scope | None = None) -> tuple[ApiToken, str]:
    user = world["officer_a"]
    return actions.create_token(user, actor=user, name="station-7", scope=scope)


@pytest.mark.parametrize("case", ["expired", "revoked", "wrong", "not-bearer", "missing"])
def test_unusable_token_gets_401_problem(client: Client, world: World, case: str) -> None:
    token, secret = _token(world)
    header = "Bearer " + secret
    if case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    elif case == "revoked":
        actions.revoke_token(token, actor=world["officer_a"])
    elif case == "wrong":
        header = "Bearer tsk_" + "x" * 43
    elif case == "not-bearer":
        header = "Basic " + secret
    headers = {"Authorization": header} if case != "missing" else {}
    assert_problem(client.get(ME_URL, headers=headers), 401)


def test_token_of_deactivated_user_stops_working(client: Client, world: World) -> None:
    _, secret = _token(world)
    world["officer_a"].is_active = False
    world["officer_a"].save()
    assert_problem(client.get(ME_URL, headers={"Authorization": "Bearer " + secret}), 401)


def test_token_revocation_is_audited(world: World) -> None:
    token, _ = _token(world)
    actions.revoke_token(token, actor=world["officer_a"])
    entry = AuditEntry.objects.get(action="accounts.token.revoke")
    assert entry.object_id == str(token.pk)


def test_only_owner_or_provincial_operator_may_revoke(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    token, _ = _token(world)
    with pytest.raises(PermissionDenied):
        actions.revoke_token(token, actor=world["leader_a"])
    actions.revoke_token(token, actor=world["operator"])
    token.refresh_from_db()
    assert token.revoked


def test_token_scope_may_not_be_wider_than_the_users(world: World) -> None:
    with pytest.raises(ValidationError):
        _token(world, scope=Scope.province())
    with pytest.raises(ValidationError):
        _token(world, scope=Scope.of_unit(world.tuan_dao.pk))
    token, _ = _token(world, scope=Scope.of_unit(world.bac_giang.pk))
    assert token.scope_kind == "unit"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        ("python-httpx/0.27", "token:station-7 | python-httpx/0.27"),
        ("", "token:station-7"),
        ("x" * 300, ("token:station-7 | " + "x" * 300)[:255]),
    ],
)
def test_writes_through_a_token_name_the_token_and_keep_the_user_agent(
    client: Client, world: World, user_agent: str, expected: str
) -> None:
    _, secret = _token(world)
    response = client.patch(
        f"/api/v1/people/{world['citizen_a'].pk}",
        {"phone": "0911111111"},
        content_type="application/json",
        headers={"Authorization": "Bearer " + secret, "User-Agent": user_agent},
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="accounts.person.update_contact")
    assert entry.client == expected
    assert len(entry.client) <= 255


def test_session_writes_need_csrf_but_bearer_writes_do_not(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["officer_a"])
    url = f"/api/v1/people/{world['citizen_a'].pk}"
    body = {"phone": "0911111111"}
    assert_problem(client.patch(url, body, content_type="application/json"), 403)
    _, secret = _token(world)
    bearer = Client(enforce_csrf_checks=True)
    response = bearer.patch(
        url, body, content_type="application/json", headers={"Authorization": "Bearer " + secret}
    )
    assert response.status_code == 200


def test_demo_account_gets_no_token_outside_demo_mode(
    client: Client, world: World, settings: Settings
) -> None:
    officer = world["officer_a"]
    officer.is_demo = True
    officer.save()
    settings.TINHSO_DEMO = False
    assert_problem(post_token(client, "officer_a", PASSWORD), 401)
    settings.TINHSO_DEMO = True
    assert post_token(client, "officer_a", PASSWORD).status_code == 200


def test_demo_token_stops_working_outside_demo_mode(
    client: Client, world: World, settings: Settings
) -> None:
    settings.TINHSO_DEMO = True
    world["officer_a"].is_demo = True
    world["officer_a"].save()
    _, secret = _token(world)
    assert client.get(ME_URL, headers={"Authorization": "Bearer " + secret}).status_code == 200
    settings.TINHSO_DEMO = False
    assert_problem(client.get(ME_URL, headers={"Authorization": "Bearer " + secret}), 401)
