"""Roles × scopes × endpoints: nobody reads or writes outside their scope.

Actors are people of ``factories.build_world`` signed in with a session, ``anonymous``, or
Bearer clients: ``token_officer_a`` (officer_a's token) and ``token_operator_in_b`` (the
operator's token narrowed to xã Tuấn Đạo).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tinhso.accounts import actions
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import World
from tinhso.core.models import AuditEntry

EVERYONE = {
    "officer_a",
    "leader_a",
    "officer_b",
    "leader_so",
    "data_officer_so",
    "staff_centre",
    "operator",
    "auditor",
    "auditor_a",
    "officer_ab",
    "citizen_a",
    "citizen_b",
    "business_b",
    "citizen_old",
}
# Listing (people.view, masked) places people by home or by any role: auditor_a lives in
# Bắc Giang, officer_ab holds a role in each commune.
IN_BAC_GIANG = {"officer_a", "leader_a", "citizen_a", "auditor_a", "officer_ab"}
IN_TUAN_DAO = {"officer_b", "citizen_b", "business_b", "officer_ab"}
IN_SO_KHCN = {"leader_so", "data_officer_so", "staff_centre"}


def headers_for(client: Client, world: World, actor: str) -> dict[str, str]:
    """Sign ``actor`` in (session) or return the Bearer header of its token."""
    if actor == "anonymous":
        return {}
    if actor == "token_officer_a":
        _, secret = actions.create_token(world["officer_a"], actor=world["officer_a"], name="t")
        return {"Authorization": "Bearer " + secret}
    if actor == "token_operator_in_b":
        operator = world["operator"]
        _, secret = actions.create_token(
            operator, actor=operator, name="b", scope=Scope.of_unit(world.tuan_dao.pk)
        )
        return {"Authorization": "Bearer " + secret}
    client.force_login(world[actor])
    return {}


def resolve(world: World, text: str) -> str:
    """Replace ``{person}``, ``{role:person}``, ``{unit:name}`` and ``{agency:name}``."""

    def one(match: re.Match[str]) -> str:
        kind, _, name = match.group(1).rpartition(":")
        if kind == "role":
            return str(world[name].role_assignments.get().pk)
        if kind in ("unit", "agency"):
            return str(getattr(world, name).pk)
        return str(world[name].pk)

    return re.sub(r"\{([a-z_:]+)\}", one, text)


def call(client: Client, world: World, actor: str, method: str, path: str, body: Any = None) -> Any:
    """Make one API request as ``actor``."""
    headers = headers_for(client, world, actor)
    url = "/api/v1" + resolve(world, path)
    data = json.loads(resolve(world, json.dumps(body))) if body is not None else None
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(
        method, url, json.dumps(data or {}), content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("officer_a", IN_BAC_GIANG),
        ("leader_a", IN_BAC_GIANG),
        ("officer_b", IN_TUAN_DAO),
        ("leader_so", IN_SO_KHCN),
        ("operator", EVERYONE),
        ("auditor", EVERYONE),
        ("token_officer_a", IN_BAC_GIANG),
        ("token_operator_in_b", IN_TUAN_DAO),
    ],
)
def test_people_list_shows_only_people_in_scope(
    client: Client, world: World, actor: str, expected: set[str]
) -> None:
    response = call(client, world, actor, "GET", "/people?limit=100")
    assert response.status_code == 200, response.content
    body = response.json()
    usernames = {item["username"] for item in body["items"]}
    assert usernames == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize(
    "query", ["offset=2147483648", "offset=99999999999999999999", "limit=0", "limit=1001"]
)
def test_people_list_refuses_out_of_range_paging_with_422(
    client: Client, world: World, query: str
) -> None:
    response = call(client, world, "operator", "GET", "/people?" + query)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")


def test_people_list_pages_with_limit_and_offset(client: Client, world: World) -> None:
    body = call(client, world, "operator", "GET", "/people?limit=2&offset=1").json()
    assert body["count"] == len(EVERYONE) and len(body["items"]) == 2


@pytest.mark.parametrize(
    ("actor", "status"),
    [("data_officer_so", 403), ("citizen_a", 403), ("business_b", 403), ("anonymous", 401)],
)
def test_people_list_is_refused_without_people_view(
    client: Client, world: World, actor: str, status: int
) -> None:
    response = call(client, world, actor, "GET", "/people")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")


OFFICER_IN_A = {"role": "officer", "scope_kind": "unit", "unit_id": "{unit:bac_giang}"}
OFFICER_IN_B = {"role": "officer", "scope_kind": "unit", "unit_id": "{unit:tuan_dao}"}
LEADER_IN_A = {"role": "leader", "scope_kind": "unit", "unit_id": "{unit:bac_giang}"}
OFFICER_PROVINCE = {"role": "officer", "scope_kind": "province"}
OFFICER_AT_CENTRE = {"role": "officer", "scope_kind": "agency", "agency_id": "{agency:trung_tam}"}
OFFICER_AT_UBND_TINH = {
    "role": "officer",
    "scope_kind": "agency",
    "agency_id": "{agency:ubnd_tinh}",
}
OFFICER_IN_OLD_COMMUNE = {"role": "officer", "scope_kind": "unit", "unit_id": "{unit:old_commune}"}
NEW_PHONE = {"phone": "0911111111"}
PURPOSE = {"purpose": "Giải quyết hồ sơ hộ tịch"}
NEW_EMAIL = {"email": "chuyen.doi@example.vn"}
DATA_OFFICER_IN_A = {"role": "data_officer", "scope_kind": "unit", "unit_id": "{unit:bac_giang}"}

CASES = [
    # --- detail: own scope 200, other scope 403, no people.view 403, anonymous 401
    ("officer_a", "GET", "/people/{citizen_a}", None, 200),
    ("leader_a", "GET", "/people/{citizen_a}", None, 200),
    ("officer_b", "GET", "/people/{citizen_a}", None, 403),
    ("officer_a", "GET", "/people/{citizen_b}", None, 403),
    ("officer_b", "GET", "/people/{citizen_b}", None, 200),
    ("leader_so", "GET", "/people/{citizen_a}", None, 403),
    ("leader_so", "GET", "/people/{staff_centre}", None, 200),
    ("officer_a", "GET", "/people/{citizen_old}", None, 403),
    ("operator", "GET", "/people/{citizen_a}", None, 200),
    ("auditor", "GET", "/people/{citizen_a}", None, 200),
    ("data_officer_so", "GET", "/people/{citizen_a}", None, 403),
    ("citizen_a", "GET", "/people/{citizen_a}", None, 200),
    ("citizen_b", "GET", "/people/{citizen_a}", None, 403),
    ("anonymous", "GET", "/people/{citizen_a}", None, 401),
    ("token_officer_a", "GET", "/people/{citizen_a}", None, 200),
    ("token_officer_a", "GET", "/people/{citizen_b}", None, 403),
    ("token_operator_in_b", "GET", "/people/{citizen_a}", None, 403),
    ("token_operator_in_b", "GET", "/people/{citizen_b}", None, 200),
    ("operator", "GET", "/people/999999", None, 404),
    # --- unmasking: people.view_personal over the person's home, a purpose, a POST
    ("officer_a", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 200),
    ("leader_a", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 200),
    ("operator", "POST", "/people/{citizen_b}/personal-data", PURPOSE, 200),
    ("citizen_a", "POST", "/people/{citizen_a}/personal-data", {"purpose": ""}, 200),
    ("officer_b", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 403),
    ("auditor", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 403),
    ("data_officer_so", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 403),
    ("citizen_b", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 403),
    ("anonymous", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 401),
    ("token_officer_a", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 200),
    ("token_operator_in_b", "POST", "/people/{citizen_a}/personal-data", PURPOSE, 403),
    ("officer_a", "POST", "/people/{citizen_a}/personal-data", {"purpose": " "}, 422),
    ("operator", "POST", "/people/999999/personal-data", PURPOSE, 404),
    # --- contact update: only within scope (or one's own record)
    ("officer_a", "PATCH", "/people/{citizen_a}", NEW_PHONE, 200),
    ("leader_a", "PATCH", "/people/{citizen_a}", NEW_PHONE, 200),
    ("operator", "PATCH", "/people/{citizen_a}", NEW_PHONE, 200),
    ("citizen_a", "PATCH", "/people/{citizen_a}", NEW_PHONE, 200),
    ("officer_b", "PATCH", "/people/{citizen_a}", NEW_PHONE, 403),
    ("officer_a", "PATCH", "/people/{citizen_b}", NEW_PHONE, 403),
    ("leader_so", "PATCH", "/people/{citizen_a}", NEW_PHONE, 403),
    ("auditor", "PATCH", "/people/{citizen_a}", NEW_PHONE, 403),
    ("data_officer_so", "PATCH", "/people/{citizen_a}", NEW_PHONE, 403),
    ("citizen_b", "PATCH", "/people/{citizen_a}", NEW_PHONE, 403),
    ("anonymous", "PATCH", "/people/{citizen_a}", NEW_PHONE, 401),
    ("token_officer_a", "PATCH", "/people/{citizen_a}", NEW_PHONE, 200),
    ("token_operator_in_b", "PATCH", "/people/{citizen_a}", NEW_PHONE, 403),
    ("officer_a", "PATCH", "/people/{citizen_a}", {"phone": "12"}, 422),
    ("officer_a", "PATCH", "/people/{citizen_a}", {"citizen_id": "001090012345"}, 422),
    ("citizen_a", "PATCH", "/people/{citizen_a}", {**NEW_PHONE, "home_unit_id": 1}, 422),
    # --- role grant: inside one's own scope only, never wider, only grantable roles
    ("leader_a", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 201),
    ("leader_a", "POST", "/people/{citizen_a}/roles", OFFICER_PROVINCE, 403),
    ("leader_a", "POST", "/people/{citizen_a}/roles", OFFICER_IN_B, 403),
    ("leader_a", "POST", "/people/{citizen_a}/roles", LEADER_IN_A, 403),
    ("leader_a", "POST", "/people/{citizen_b}/roles", OFFICER_IN_B, 403),
    ("officer_a", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 403),
    ("officer_b", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 403),
    ("auditor", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 403),
    ("citizen_a", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 403),
    ("anonymous", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 401),
    ("leader_so", "POST", "/people/{staff_centre}/roles", OFFICER_AT_CENTRE, 201),
    ("leader_so", "POST", "/people/{staff_centre}/roles", OFFICER_AT_UBND_TINH, 403),
    ("leader_so", "POST", "/people/{citizen_a}/roles", OFFICER_AT_CENTRE, 403),
    ("operator", "POST", "/people/{citizen_a}/roles", OFFICER_PROVINCE, 201),
    ("operator", "POST", "/people/{citizen_a}/roles", LEADER_IN_A, 201),
    ("operator", "POST", "/people/{citizen_a}/roles", OFFICER_IN_OLD_COMMUNE, 422),
    ("operator", "POST", "/people/{citizen_a}/roles", {**OFFICER_IN_A, "unit": 1}, 422),
    ("token_operator_in_b", "POST", "/people/{citizen_b}/roles", OFFICER_IN_B, 201),
    ("token_operator_in_b", "POST", "/people/{citizen_b}/roles", OFFICER_PROVINCE, 403),
    ("token_operator_in_b", "POST", "/people/{citizen_a}/roles", OFFICER_IN_A, 403),
    (
        "operator",
        "POST",
        "/people/{citizen_a}/roles",
        {"role": "officer", "scope_kind": "unit"},
        422,
    ),
    # --- a person holding roles is reached (unmasked, changed, granted a role) only by an
    # actor whose scope holds ALL their roles: auditor_a is province-wide but lives in
    # Bắc Giang; officer_ab is an officer of both communes
    ("officer_a", "GET", "/people/{auditor_a}", None, 200),  # masked, placed by home
    ("officer_a", "POST", "/people/{auditor_a}/personal-data", PURPOSE, 403),
    ("leader_a", "POST", "/people/{auditor_a}/personal-data", PURPOSE, 403),
    ("officer_a", "PATCH", "/people/{auditor_a}", NEW_EMAIL, 403),
    ("leader_a", "PATCH", "/people/{auditor_a}", NEW_EMAIL, 403),
    ("token_officer_a", "PATCH", "/people/{auditor_a}", NEW_EMAIL, 403),
    ("leader_a", "POST", "/people/{auditor_a}/roles", DATA_OFFICER_IN_A, 403),
    ("operator", "POST", "/people/{auditor_a}/personal-data", PURPOSE, 200),
    ("operator", "PATCH", "/people/{auditor_a}", NEW_EMAIL, 200),
    ("operator", "POST", "/people/{auditor_a}/roles", DATA_OFFICER_IN_A, 201),
    ("token_operator_in_b", "PATCH", "/people/{auditor}", NEW_EMAIL, 403),
    ("officer_a", "GET", "/people/{officer_ab}", None, 200),
    ("officer_a", "POST", "/people/{officer_ab}/personal-data", PURPOSE, 403),
    ("officer_a", "PATCH", "/people/{officer_ab}", NEW_EMAIL, 403),
    ("officer_b", "PATCH", "/people/{officer_ab}", NEW_EMAIL, 403),
    ("leader_a", "PATCH", "/people/{officer_ab}", NEW_EMAIL, 403),
    ("leader_a", "POST", "/people/{officer_ab}/roles", DATA_OFFICER_IN_A, 403),
    ("token_operator_in_b", "PATCH", "/people/{officer_ab}", NEW_EMAIL, 403),
    ("operator", "POST", "/people/{officer_ab}/personal-data", PURPOSE, 200),
    ("operator", "PATCH", "/people/{officer_ab}", NEW_EMAIL, 200),
    ("leader_a", "PATCH", "/people/{officer_a}", NEW_EMAIL, 200),  # every role in Bắc Giang
    ("leader_a", "POST", "/people/{officer_a}/personal-data", PURPOSE, 200),
    ("leader_a", "POST", "/people/{officer_a}/roles", DATA_OFFICER_IN_A, 201),
    ("leader_so", "PATCH", "/people/{data_officer_so}", NEW_EMAIL, 200),
    ("leader_so", "POST", "/people/{data_officer_so}/personal-data", PURPOSE, 200),
    ("leader_so", "PATCH", "/people/{leader_so}", NEW_EMAIL, 200),  # one's own record
    # --- role revoke: only roles one could have granted
    ("leader_a", "DELETE", "/people/{officer_a}/roles/{role:officer_a}", None, 204),
    ("leader_a", "DELETE", "/people/{officer_b}/roles/{role:officer_b}", None, 403),
    ("officer_a", "DELETE", "/people/{officer_b}/roles/{role:officer_b}", None, 403),
    ("leader_so", "DELETE", "/people/{officer_a}/roles/{role:officer_a}", None, 403),
    ("operator", "DELETE", "/people/{officer_b}/roles/{role:officer_b}", None, 204),
    ("token_operator_in_b", "DELETE", "/people/{officer_a}/roles/{role:officer_a}", None, 403),
    ("token_operator_in_b", "DELETE", "/people/{officer_b}/roles/{role:officer_b}", None, 204),
    ("operator", "DELETE", "/people/{officer_a}/roles/{role:officer_b}", None, 404),
    ("anonymous", "DELETE", "/people/{officer_a}/roles/{role:officer_a}", None, 401),
]


@pytest.mark.parametrize(("actor", "method", "path", "body", "status"), CASES)
def test_endpoint_answers_by_role_and_scope(
    client: Client,
    world: World,
    actor: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
) -> None:
    response = call(client, world, actor, method, path, body)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response["Content-Type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == status and problem["title"]


def test_patch_with_a_field_that_is_not_a_contact_field_changes_nothing(
    client: Client, world: World
) -> None:
    citizen = world["citizen_a"]
    body = {"phone": "0911111111", "citizen_id": "001090012345"}
    response = call(client, world, "officer_a", "PATCH", "/people/{citizen_a}", body)
    assert response.status_code == 422
    assert "citizen_id" in str(response.json()["errors"])
    citizen.refresh_from_db()
    assert (citizen.citizen_id, citizen.phone) == ("024090001234", "0912345678")
    assert not AuditEntry.objects.exists()


def test_refused_write_changes_nothing(client: Client, world: World) -> None:
    before = world["citizen_a"].phone
    response = call(client, world, "officer_b", "PATCH", "/people/{citizen_a}", NEW_PHONE)
    assert response.status_code == 403
    world["citizen_a"].refresh_from_db()
    assert world["citizen_a"].phone == before
    assert not world["citizen_a"].role_assignments.exists()
