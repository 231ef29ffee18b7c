"""Pages: my profile and tokens, the staff area, a person's page, the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tinhso.accounts.choices import UserKind
from tinhso.accounts.models import ApiToken, PersonalDataAccess
from tinhso.accounts.tests.factories import UserFactory, World
from tinhso.core.audit import record_write
from tinhso.core.models import AuditEntry

PURPOSE = "Xác minh hồ sơ đăng ký kinh doanh"


def test_profile_shows_my_own_data_unmasked_and_my_roles(client: Client, world: World) -> None:
    client.force_login(world["citizen_a"])
    content = client.get("/accounts/profile/").content.decode()
    assert "024090001234" in content and "Nguyễn Văn An" in content
    assert "17/05/1990" in content
    assert not PersonalDataAccess.objects.exists()
    client.force_login(world["officer_a"])
    content = client.get("/accounts/profile/").content.decode()
    assert "Cán bộ xử lý" in content and "Phường Bắc Giang" in content


def test_token_secret_is_shown_once_and_can_be_revoked(client: Client, world: World) -> None:
    client.force_login(world["officer_a"])
    response = client.post("/accounts/profile/tokens/", {"name": "trạm quan trắc", "days": 7})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world["officer_a"])
    secret = response.context["new_secret"]
    assert secret in response.content.decode()
    assert secret not in client.get("/accounts/profile/").content.decode()
    response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.token.create", "accounts.token.revoke"} <= actions


def test_someone_elses_token_cannot_be_revoked_from_my_profile(
    client: Client, world: World
) -> None:
    from tinhso.accounts import actions

    token, _ = actions.create_token(world["officer_b"], actor=world["officer_b"], name="b")
    client.force_login(world["officer_a"])
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404


def test_profile_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("actor", "visible", "hidden"),
    [
        ("officer_a", "citizen_a", "citizen_b"),
        ("officer_b", "citizen_b", "citizen_a"),
        ("leader_so", "staff_centre", "citizen_a"),
    ],
)
def test_staff_area_lists_only_my_scope_masked(
    client: Client, world: World, actor: str, visible: str, hidden: str
) -> None:
    client.force_login(world[actor])
    content = client.get("/accounts/staff/").content.decode()
    assert visible in content and hidden not in content
    assert "024090001234" not in content and "024185004321" not in content
    assert 'class="masked"' in content


@pytest.mark.parametrize("actor", ["citizen_a", "business_b", "data_officer_so"])
def test_staff_area_is_forbidden_without_people_view(
    client: Client, world: World, actor: str
) -> None:
    client.force_login(world[actor])
    assert client.get("/accounts/staff/").status_code == 403


def test_person_page_unmasks_after_a_purpose_and_logs_it(client: Client, world: World) -> None:
    client.force_login(world["officer_a"])
    url = f"/accounts/staff/people/{world['citizen_a'].pk}/"
    content = client.get(url).content.decode()
    assert "024090001234" not in content and "*********234" in content
    response = client.post(url, {"purpose": PURPOSE})
    assert response.status_code == 200
    assert "024090001234" in response.content.decode()
    access = PersonalDataAccess.objects.get()
    assert access.purpose == PURPOSE and access.actor == world["officer_a"]


def test_person_page_of_another_scope_is_forbidden(client: Client, world: World) -> None:
    client.force_login(world["officer_b"])
    url = f"/accounts/staff/people/{world['citizen_a'].pk}/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"purpose": PURPOSE}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_commune_officer_cannot_unmask_province_wide_staff_living_there(
    client: Client, world: World
) -> None:
    client.force_login(world["officer_a"])
    url = f"/accounts/staff/people/{world['auditor_a'].pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Xem đầy đủ" not in page.content.decode()
    assert client.post(url, {"purpose": PURPOSE}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_auditor_cannot_unmask_on_the_person_page(client: Client, world: World) -> None:
    client.force_login(world["auditor"])
    url = f"/accounts/staff/people/{world['citizen_a'].pk}/"
    assert "Xem đầy đủ" not in client.get(url).content.decode()
    assert client.post(url, {"purpose": PURPOSE}).status_code == 403


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("auditor", 200),
        ("operator", 200),
        ("officer_a", 403),
        ("leader_a", 403),
        ("leader_so", 403),
        ("citizen_a", 403),
    ],
)
def test_audit_log_is_for_auditors_and_operators(
    client: Client, world: World, actor: str, status: int
) -> None:
    client.force_login(world[actor])
    response = client.get("/accounts/audit/")
    assert response.status_code == status
    if status == 200:
        assert "/api/v1/ledger/checkpoint" in response.content.decode()


def test_audit_log_filters_by_action_type_and_dates(client: Client, world: World) -> None:
    record_write(actor=world["operator"], action="accounts.role.grant", target=world["citizen_a"])
    record_write(actor=world["operator"], action="directory.unit.create", target=world.tuan_dao)
    client.force_login(world["auditor"])

    def actions(**params: Any) -> list[str]:
        page = client.get("/accounts/audit/", params).context["page"]
        return [entry.action for entry in page.object_list]

    assert actions(action="accounts.") == ["accounts.role.grant"]
    assert actions(object_type="directory.administrativeunit") == ["directory.unit.create"]
    assert actions(date_from="01/01/2000", date_to="31/12/2099") == [
        "directory.unit.create",
        "accounts.role.grant",
    ]
    assert actions(date_to="01/01/2000") == []


def _many_people(world: World, count: int) -> None:
    for _ in range(count):
        UserFactory.create(kind=UserKind.CITIZEN, home_unit=world.bac_giang)


def test_people_list_endpoint_query_count_does_not_grow(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    _many_people(world, 30)
    client.force_login(world["officer_a"])
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/people?limit=50")
    assert response.json()["count"] == 35


def test_staff_page_query_count_does_not_grow(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    _many_people(world, 30)
    client.force_login(world["officer_a"])
    with django_assert_max_num_queries(10):
        assert client.get("/accounts/staff/").status_code == 200


def test_audit_log_query_count_does_not_grow(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(60):
        record_write(actor=world["operator"], action="accounts.test", target=world["citizen_a"])
    client.force_login(world["auditor"])
    with django_assert_max_num_queries(6):
        assert client.get("/accounts/audit/?page=2").status_code == 200
