"""Accounts API responses match the project's OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tinhso.accounts.tests.factories import PASSWORD, World
from tinhso.core.testing import assert_matches_openapi


def test_token_and_me_match_the_openapi_document(client: Client, world: World) -> None:
    url = "/api/v1/auth/token"
    wrong: Any = client.post(
        url, {"username": "x", "password": "y"}, content_type="application/json"
    )
    assert_matches_openapi(wrong, "POST", url)
    ok: Any = client.post(
        url, {"username": "officer_a", "password": PASSWORD}, content_type="application/json"
    )
    body = assert_matches_openapi(ok, "POST", url)
    me: Any = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer " + body["token"]})
    assert_matches_openapi(me, "GET", "/api/v1/auth/me")


def test_people_endpoints_match_the_openapi_document(client: Client, world: World) -> None:
    client.force_login(world["leader_a"])
    citizen = world["citizen_a"].pk
    requests = [
        ("GET", "/api/v1/people", None),
        ("GET", f"/api/v1/people/{citizen}", None),
        ("POST", f"/api/v1/people/{citizen}/personal-data", {"purpose": "Kiểm tra hồ sơ"}),
        ("POST", f"/api/v1/people/{citizen}/personal-data", {"purpose": ""}),
        ("GET", f"/api/v1/people/{world['citizen_b'].pk}", None),
        ("PATCH", f"/api/v1/people/{citizen}", {"phone": "0911111111"}),
        (
            "POST",
            f"/api/v1/people/{citizen}/roles",
            {"role": "officer", "scope_kind": "unit", "unit_id": world.bac_giang.pk},
        ),
    ]
    for method, path, body in requests:
        response: Any = client.generic(
            method, path, "" if body is None else json.dumps(body), content_type="application/json"
        )
        assert_matches_openapi(response, method, path)
