"""Every write goes through an action that records one audit entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tinhso.accounts import actions
from tinhso.accounts.choices import Role, UserKind
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import AgencyFactory, World
from tinhso.core.models import AuditEntry


def _grant(world: World) -> Any:
    return actions.grant_role(
        world["citizen_a"],
        actor=world["leader_a"],
        role=Role.OFFICER,
        scope=Scope.of_unit(world.bac_giang.pk),
    )


WRITES: list[tuple[str, Callable[[World], Any]]] = [
    ("accounts.role.grant", _grant),
    (
        "accounts.role.revoke",
        lambda w: actions.revoke_role(w["officer_a"].role_assignments.get(), actor=w["leader_a"]),
    ),
    (
        "accounts.person.update_contact",
        lambda w: actions.update_contact(
            w["citizen_a"], actor=w["officer_a"], changes={"phone": "0911111111"}
        ),
    ),
    (
        "accounts.token.create",
        lambda w: actions.create_token(w["officer_a"], actor=w["officer_a"], name="x"),
    ),
    (
        "accounts.personal_data.read",
        lambda w: actions.read_personal_data(
            w["citizen_a"], actor=w["officer_a"], purpose="Giải quyết hồ sơ"
        ),
    ),
    (
        "accounts.user.create",
        lambda w: actions.create_account(
            actor=w["operator"], username="moi", kind=UserKind.CITIZEN, password="x" * 12
        ),
    ),
    (
        "accounts.user.set_password",
        lambda w: actions.set_password(w["citizen_a"], actor=w["citizen_a"], password="y" * 12),
    ),
]


@pytest.mark.parametrize(("action", "write"), WRITES, ids=[a for a, _ in WRITES])
def test_each_write_records_one_audit_entry(
    world: World, action: str, write: Callable[[World], Any]
) -> None:
    write(world)
    entries = AuditEntry.objects.filter(action=action)
    assert entries.count() == 1
    assert entries.get().actor_label != ""


def test_grant_records_who_what_and_where(world: World) -> None:
    assignment = _grant(world)
    entry = AuditEntry.objects.get(action="accounts.role.grant")
    assert entry.actor_id == world["leader_a"].pk
    assert entry.object_id == str(assignment.pk)
    assert entry.changes["role"] == [None, "officer"]
    assert entry.changes["scope"] == [None, "Phường Bắc Giang"]
    assert assignment.granted_by == world["leader_a"]


def test_nobody_grants_a_role_to_themself(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.grant_role(
            world["operator"], actor=world["operator"], role=Role.AUDITOR, scope=Scope.province()
        )


def test_revoked_role_is_kept_as_history_and_stops_counting(world: World) -> None:
    from tinhso.accounts.permissions import Perm, can

    officer = world["officer_a"]
    assignment = officer.role_assignments.get()
    actions.revoke_role(assignment, actor=world["leader_a"])
    actions.revoke_role(assignment, actor=world["leader_a"])  # twice: no second entry
    assert RoleAssignment.objects.filter(pk=assignment.pk, revoked_by=world["leader_a"]).exists()
    assert AuditEntry.objects.filter(action="accounts.role.revoke").count() == 1
    officer = User.objects.get(pk=officer.pk)
    assert not can(officer, Perm.DATA_VIEW)


def test_contact_update_rejects_other_fields_and_bad_values(world: World) -> None:
    with pytest.raises(ValidationError):
        actions.update_contact(
            world["citizen_a"], actor=world["officer_a"], changes={"citizen_id": "001090012345"}
        )
    with pytest.raises(ValidationError):
        actions.update_contact(
            world["citizen_a"], actor=world["officer_a"], changes={"email": "not-an-email"}
        )
    assert not AuditEntry.objects.exists()


def test_unchanged_contact_writes_no_entry(world: World) -> None:
    citizen = world["citizen_a"]
    actions.update_contact(citizen, actor=world["officer_a"], changes={"phone": citizen.phone})
    assert not AuditEntry.objects.exists()


def test_only_a_provincial_operator_creates_accounts(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_account(actor=world["leader_a"], username="moi", kind=UserKind.CITIZEN)


def test_account_with_invalid_cccd_is_rejected(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        actions.create_account(
            actor=None, username="moi", kind=UserKind.CITIZEN, citizen_id="097090001234"
        )
    assert "citizen_id" in info.value.message_dict


@pytest.mark.parametrize(
    ("place", "valid_from"),
    [
        ("old_commune", None),  # abolished on 30/06/2025, granted from today
        ("old_commune", date(2025, 7, 1)),  # the day after it ended
        ("bac_giang", date(2025, 6, 30)),  # the day before the new phường began
        ("ended_agency", None),
    ],
)
def test_grant_over_a_unit_or_agency_not_in_force_on_its_first_day_is_refused(
    world: World, place: str, valid_from: date | None
) -> None:
    if place == "ended_agency":
        agency = AgencyFactory.create(
            name="Ủy ban nhân dân phường Ngô Quyền",
            unit=world.old_commune,
            valid_from=date(2000, 1, 1),
            valid_to=date(2025, 6, 30),
        )
        scope, field = Scope.of_agency(agency.pk), "agency"
    else:
        scope, field = Scope.of_unit(getattr(world, place).pk), "unit"
    with pytest.raises(ValidationError) as info:
        actions.grant_role(
            world["citizen_a"],
            actor=world["operator"],
            role=Role.OFFICER,
            scope=scope,
            valid_from=valid_from,
        )
    assert "không có hiệu lực" in info.value.message_dict[field][0]
    assert not world["citizen_a"].role_assignments.exists()
    assert not AuditEntry.objects.exists()


def test_grant_over_a_unit_in_force_on_its_first_day_is_accepted(world: World) -> None:
    assignment = actions.grant_role(
        world["citizen_a"],
        actor=None,
        role=Role.OFFICER,
        scope=Scope.of_unit(world.old_commune.pk),
        valid_from=date(2025, 6, 1),
        valid_to=date(2025, 6, 30),
    )
    assert assignment.unit == world.old_commune
