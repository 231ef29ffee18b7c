"""Personal data is masked unless a role needs it and a purpose is given; such reads are logged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tinhso.accounts import actions
from tinhso.accounts.choices import PersonalDataCategory
from tinhso.accounts.models import PersonalDataAccess, User
from tinhso.accounts.personal_data import mask, masked_values, personal_fields
from tinhso.accounts.tests.factories import World
from tinhso.core.models import AuditEntry

PURPOSE = "Xác minh hồ sơ đăng ký khai sinh"


@pytest.mark.parametrize(
    ("value", "category", "masked"),
    [
        ("001090012345", PersonalDataCategory.IDENTIFIER, "*********345"),
        ("2400123458", PersonalDataCategory.IDENTIFIER, "*******458"),
        ("Nguyễn Văn An", PersonalDataCategory.NAME, "N***** V** A*"),
        ("0912345678", PersonalDataCategory.CONTACT, "*******678"),
        ("an@example.vn", PersonalDataCategory.CONTACT, "a*@example.vn"),
        ("Số 12 Lê Lợi, Bắc Giang, Bắc Ninh", PersonalDataCategory.ADDRESS, "***, Bắc Ninh"),
        ("Thôn Đông", PersonalDataCategory.ADDRESS, "***"),
        (date(1990, 5, 17), PersonalDataCategory.BIRTH, "**/**/1990"),
        ("", PersonalDataCategory.IDENTIFIER, ""),
        (None, PersonalDataCategory.BIRTH, ""),
        ("12", PersonalDataCategory.IDENTIFIER, "*2"),
    ],
)
def test_mask_hides_all_but_a_recognisable_sliver(
    value: object, category: PersonalDataCategory, masked: str
) -> None:
    assert mask(value, category) == masked


def test_masked_citizen_id_hides_birth_province_sex_and_birth_year() -> None:
    number = "024190001234"  # born in Bắc Giang (024), a woman (1) born in 1990 (90)
    masked = mask(number, PersonalDataCategory.IDENTIFIER)
    assert masked == "*********234"
    assert len(masked) == len(number)
    assert masked[:9] == "*" * 9


def test_user_registry_tags_every_personal_field() -> None:
    registry = personal_fields(User)
    assert registry["citizen_id"] == PersonalDataCategory.IDENTIFIER
    assert registry["tax_code"] == PersonalDataCategory.IDENTIFIER
    assert registry["phone"] == PersonalDataCategory.CONTACT
    assert registry["address"] == PersonalDataCategory.ADDRESS
    assert registry["date_of_birth"] == PersonalDataCategory.BIRTH
    assert registry["full_name"] == PersonalDataCategory.NAME
    for name in registry:
        User._meta.get_field(name)


def test_registry_check_reports_a_field_that_does_not_exist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tinhso.accounts.personal_data import check_personal_data_registries

    assert check_personal_data_registries() == []
    monkeypatch.setattr(User, "personal_data", {"shoe_size": PersonalDataCategory.NAME})
    errors = check_personal_data_registries()
    assert [error.id for error in errors] == ["accounts.E001"]


def test_list_and_plain_detail_are_masked_even_for_operators(client: Client, world: World) -> None:
    client.force_login(world["operator"])
    listed = client.get("/api/v1/people?username=citizen_a").json()["items"][0]
    detail = client.get(f"/api/v1/people/{world['citizen_a'].pk}").json()
    for body in (listed, detail):
        assert body["masked"] is True
        assert body["citizen_id"] == "*********234"
        assert body["phone"] == "*******678"
        assert body["full_name"] == "N***** V** A*"
        assert body["date_of_birth"] == "**/**/1990"
    assert not PersonalDataAccess.objects.exists()


def unmask(client: Client, person: User, purpose: str = PURPOSE, **extra: Any) -> Any:
    """POST a purpose to the person's personal-data endpoint."""
    return client.post(
        f"/api/v1/people/{person.pk}/personal-data",
        {"purpose": purpose},
        content_type="application/json",
        **extra,
    )


@pytest.mark.parametrize("actor", ["operator", "officer_a", "leader_a"])
def test_unmasked_read_with_purpose_is_logged(client: Client, world: World, actor: str) -> None:
    client.force_login(world[actor])
    citizen = world["citizen_a"]
    response = unmask(client, citizen, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["masked"] is False
    assert body["citizen_id"] == "024090001234"
    assert body["date_of_birth"] == "17/05/1990"
    access = PersonalDataAccess.objects.get()
    assert access.actor == world[actor] and access.subject == citizen
    assert access.purpose == PURPOSE and access.ip_address == "10.1.2.3"
    assert "citizen_id" in access.fields and "phone" in access.fields
    assert "tax_code" not in access.fields  # empty fields were not shown
    entry = AuditEntry.objects.get(action="accounts.personal_data.read")
    assert entry.actor_id == world[actor].pk and entry.object_id == str(citizen.pk)
    assert entry.changes["purpose"] == PURPOSE
    assert "024090001234" not in str(entry.changes)


@pytest.mark.parametrize(
    ("actor", "person", "status"),
    [
        ("auditor", "citizen_a", 403),  # sees people masked, never unmasked
        ("officer_b", "citizen_a", 403),  # another commune
        ("leader_so", "citizen_a", 403),  # a department, not the commune
        ("leader_so", "staff_centre", 200),  # works in an agency under the department
    ],
)
def test_unmasked_read_follows_the_role_and_the_persons_home(
    client: Client, world: World, actor: str, person: str, status: int
) -> None:
    client.force_login(world[actor])
    response = unmask(client, world[person])
    assert response.status_code == status
    assert PersonalDataAccess.objects.count() == (1 if status == 200 else 0)


def test_officer_sees_unmasked_data_of_residents_not_of_staff_placed_by_role(
    client: Client, world: World
) -> None:
    """An officer whose role covers a unit sees its residents unmasked, but a person who is
    only in scope through a role (not their home) stays masked."""
    from tinhso.accounts.choices import Role
    from tinhso.accounts.scopes import Scope
    from tinhso.accounts.tests.factories import grant

    grant(world["citizen_b"], Role.OFFICER, Scope.of_unit(world.bac_giang.pk))
    client.force_login(world["officer_a"])
    assert client.get(f"/api/v1/people/{world['citizen_b'].pk}").status_code == 200
    assert unmask(client, world["citizen_b"]).status_code == 403


@pytest.mark.parametrize("body", [{"purpose": " "}, {"purpose": "abc"}, {}, {"reason": PURPOSE}])
def test_unmasked_read_needs_a_purpose(client: Client, world: World, body: dict[str, str]) -> None:
    client.force_login(world["officer_a"])
    response = client.post(
        f"/api/v1/people/{world['citizen_a'].pk}/personal-data",
        body,
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert not PersonalDataAccess.objects.exists()


def test_get_with_a_purpose_stays_masked_and_writes_nothing(client: Client, world: World) -> None:
    """Unmasking is a POST: a GET (a cross-site link or prefetch in an officer's browser) must
    neither show personal data nor create log rows in the officer's name."""
    client.force_login(world["officer_a"])
    response = client.get(f"/api/v1/people/{world['citizen_a'].pk}", {"purpose": PURPOSE})
    assert response.status_code == 200
    body = response.json()
    assert body["masked"] is True and body["citizen_id"] == "*********234"
    read_by_get = client.get(
        f"/api/v1/people/{world['citizen_a'].pk}/personal-data", {"purpose": PURPOSE}
    )
    assert read_by_get.status_code == 405
    assert not PersonalDataAccess.objects.exists()
    assert not AuditEntry.objects.filter(action="accounts.personal_data.read").exists()


def test_session_unmasking_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["officer_a"])
    citizen = world["citizen_a"]
    refused = unmask(client, citizen)
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    assert not PersonalDataAccess.objects.exists()
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = unmask(client, citizen, headers={"X-CSRFToken": secret})
    assert response.status_code == 200 and response.json()["masked"] is False
    assert PersonalDataAccess.objects.count() == 1


def test_bearer_unmasking_needs_no_csrf_token(world: World) -> None:
    officer = world["officer_a"]
    _, secret = actions.create_token(officer, actor=officer, name="t")
    client = Client(enforce_csrf_checks=True)
    response = unmask(client, world["citizen_a"], headers={"Authorization": "Bearer " + secret})
    assert response.status_code == 200 and response.json()["masked"] is False
    assert PersonalDataAccess.objects.get().client.startswith("token:t")


def test_own_record_is_masked_on_get_and_unmasked_by_post_without_a_log(
    client: Client, world: World
) -> None:
    citizen = world["citizen_a"]
    client.force_login(citizen)
    assert client.get(f"/api/v1/people/{citizen.pk}").json()["masked"] is True
    body = unmask(client, citizen, purpose="").json()
    assert body["masked"] is False and body["citizen_id"] == "024090001234"
    assert not PersonalDataAccess.objects.exists()


def test_contact_update_is_audited_with_masked_values(client: Client, world: World) -> None:
    client.force_login(world["officer_a"])
    citizen = world["citizen_a"]
    response = client.patch(
        f"/api/v1/people/{citizen.pk}",
        {"phone": "+84 911 111 111", "address": "Số 5 Nguyễn Văn Cừ, Bắc Giang, Bắc Ninh"},
        content_type="application/json",
    )
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert citizen.phone == "0911111111"
    entry = AuditEntry.objects.get(action="accounts.person.update_contact")
    assert entry.changes["phone"] == ["*******678", "*******111"]
    assert entry.changes["address"][1] == "***, Bắc Ninh"
    assert "0911111111" not in str(entry.changes)


def test_access_log_is_append_only(world: World) -> None:
    access = PersonalDataAccess.objects.create(
        actor=world["operator"], actor_label="operator", subject=world["citizen_a"], purpose="x"
    )
    with pytest.raises(TypeError):
        access.save()
    with pytest.raises(TypeError):
        access.delete()
    with pytest.raises(TypeError):
        PersonalDataAccess.objects.all().delete()
    with pytest.raises(TypeError):
        PersonalDataAccess.objects.update(purpose="y")


def test_masked_values_cover_every_registered_field(world: World) -> None:
    assert set(masked_values(world["citizen_a"])) == set(personal_fields(User))
