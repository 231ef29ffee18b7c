"""Scope resolution and the one permission check."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tinhso.accounts import permissions
from tinhso.accounts.choices import Role
from tinhso.accounts.models import RoleAssignment
from tinhso.accounts.permissions import (
    MATRIX,
    REACH_PERMS,
    Perm,
    can,
    locate,
    require,
    resolve,
    scope_queryset,
)
from tinhso.accounts.scopes import Location, Scope
from tinhso.accounts.tests.factories import World, grant
from tinhso.directory.models import Agency


def test_unit_scope_covers_the_subtree_valid_today_and_its_agencies(world: World) -> None:
    covered = resolve([Scope.of_unit(world.province.pk)])
    assert {world.bac_giang.pk, world.tuan_dao.pk, world.province.pk} <= covered.unit_ids
    assert world.old_commune.pk not in covered.unit_ids
    assert {world.ubnd_tinh.pk, world.trung_tam.pk, world.ubnd_tuan_dao.pk} <= covered.agency_ids


def test_unit_scope_as_of_an_earlier_day_includes_the_old_commune(world: World) -> None:
    covered = resolve([Scope.of_unit(world.bac_giang.pk)], on=date(2025, 6, 30))
    assert world.old_commune.pk in covered.unit_ids


def test_agency_scope_covers_the_agency_and_sub_agencies_only(world: World) -> None:
    covered = resolve([Scope.of_agency(world.so_khcn.pk)])
    assert covered.agency_ids == {world.so_khcn.pk, world.trung_tam.pk}
    assert not covered.unit_ids


def test_matrix_gives_every_role_a_row_and_operators_everything() -> None:
    assert set(MATRIX) == set(Role)
    assert MATRIX[Role.OPERATOR] == frozenset(Perm)
    assert Perm.PEOPLE_VIEW_PERSONAL not in MATRIX[Role.AUDITOR]
    assert Perm.ROLES_GRANT not in MATRIX[Role.OFFICER]


def test_can_checks_records_scopes_and_anywhere(world: World) -> None:
    officer = world["officer_a"]
    assert can(officer, Perm.DATA_CHANGE)
    assert not can(officer, Perm.DATA_APPROVE)
    assert can(officer, Perm.DATA_CHANGE, world.bac_giang)
    assert can(officer, Perm.DATA_CHANGE, world.ubnd_bac_giang)
    assert not can(officer, Perm.DATA_CHANGE, world.tuan_dao)
    assert can(officer, Perm.DATA_VIEW, Scope.of_unit(world.bac_giang.pk))
    assert not can(officer, Perm.DATA_VIEW, Scope.of_unit(world.province.pk))
    assert not can(officer, Perm.DATA_VIEW, Scope.province())
    assert can(world["operator"], Perm.DATA_VIEW, Scope.province())
    assert can(officer, Perm.DATA_VIEW, Location.of(units=[world.bac_giang.pk]))
    assert not can(officer, Perm.DATA_VIEW, Location())


def test_record_with_unit_and_agency_attributes_is_located_by_them(world: World) -> None:
    class Dossier:
        unit_id = world.tuan_dao.pk
        agency_id = None

    assert can(world["officer_b"], Perm.DATA_VIEW, Dossier())
    assert not can(world["officer_a"], Perm.DATA_VIEW, Dossier())


def test_anonymous_inactive_and_superuser_get_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not can(AnonymousUser(), Perm.DATA_VIEW)
    officer = world["officer_a"]
    officer.is_active = False
    assert not can(officer, Perm.DATA_VIEW, world.bac_giang)
    citizen = world["citizen_a"]
    citizen.is_superuser = True
    assert not can(citizen, Perm.DATA_VIEW)


def test_require_raises_permission_denied(world: World) -> None:
    require(world["officer_a"], Perm.DATA_VIEW, world.bac_giang)
    with pytest.raises(PermissionDenied):
        require(world["officer_a"], Perm.DATA_VIEW, world.tuan_dao)


def test_scope_queryset_filters_by_unit_or_agency_field(world: World) -> None:
    agencies = Agency.objects.all()
    officer_view = scope_queryset(world["officer_b"], Perm.DATA_VIEW, agencies, unit_field="unit")
    assert set(officer_view) == {world.ubnd_tuan_dao}
    leader_view = scope_queryset(
        world["leader_so"], Perm.DATA_VIEW, agencies, unit_field="unit", agency_field="id"
    )
    assert set(leader_view) == {world.so_khcn, world.trung_tam}
    assert scope_queryset(world["operator"], Perm.DATA_VIEW, agencies).count() == 5
    assert not scope_queryset(world["citizen_a"], Perm.DATA_VIEW, agencies).exists()


def test_expired_future_and_revoked_roles_grant_nothing(world: World) -> None:
    citizen = world["citizen_b"]
    unit = Scope.of_unit(world.tuan_dao.pk)
    grant(citizen, Role.OFFICER, unit, valid_from=date(2020, 1, 1), valid_to=date(2021, 1, 1))
    grant(citizen, Role.OFFICER, unit, valid_from=date(2099, 1, 1))
    revoked = grant(citizen, Role.OFFICER, unit)
    RoleAssignment.objects.filter(pk=revoked.pk).update(revoked_at="2025-08-01T00:00Z")
    assert not can(citizen, Perm.DATA_VIEW)


def test_grantable_roles_depend_on_role_and_stay_inside_own_scope(world: World) -> None:
    leader = world["leader_a"]
    inside = Scope.of_unit(world.bac_giang.pk)
    assert permissions.grantable_roles(leader, inside) == {Role.OFFICER, Role.DATA_OFFICER}
    assert permissions.grantable_roles(leader, Scope.of_unit(world.province.pk)) == set()
    assert permissions.grantable_roles(world["officer_a"], inside) == set()
    assert permissions.grantable_roles(world["operator"], Scope.province()) == set(Role)


def test_a_token_narrows_but_never_widens(world: World) -> None:
    from tinhso.accounts import actions

    operator = world["operator"]
    token, _ = actions.create_token(
        operator, actor=operator, name="b", scope=Scope.of_unit(world.tuan_dao.pk)
    )
    operator.active_token = token
    permissions.forget(operator)
    assert can(operator, Perm.DATA_VIEW, world.tuan_dao)
    assert not can(operator, Perm.DATA_VIEW, world.bac_giang)
    assert not can(operator, Perm.DATA_VIEW, Scope.province())
    assert permissions.grantable_roles(operator, Scope.province()) == set()


def test_province_wide_staff_living_in_a_commune_are_out_of_its_officers_reach(
    world: World,
) -> None:
    auditor = world["auditor"]
    auditor.home_unit, auditor.home_agency = world.bac_giang, world.ubnd_bac_giang
    auditor.save()
    assert locate(auditor, Perm.PEOPLE_CHANGE).everywhere
    for actor in ("officer_a", "leader_a"):
        assert can(world[actor], Perm.PEOPLE_VIEW, auditor)  # listed, masked
        for perm in REACH_PERMS:
            assert not can(world[actor], perm, auditor), (actor, perm)
    for perm in REACH_PERMS:
        assert can(world["operator"], perm, auditor)


def test_a_person_with_roles_is_reached_only_over_all_of_them(world: World) -> None:
    officer = world["citizen_b"]  # lives in Tuấn Đạo
    grant(officer, Role.OFFICER, Scope.of_unit(world.tuan_dao.pk))
    assert can(world["officer_b"], Perm.PEOPLE_CHANGE, officer)
    grant(officer, Role.OFFICER, Scope.of_unit(world.bac_giang.pk))
    permissions.forget(officer)
    for actor in ("officer_a", "officer_b"):
        assert can(world[actor], Perm.PEOPLE_VIEW, officer)
        assert not can(world[actor], Perm.PEOPLE_CHANGE, officer)
    assert can(world["operator"], Perm.PEOPLE_CHANGE, officer)
    assert can(officer, Perm.PEOPLE_CHANGE, officer)  # one's own record
    citizen = world["citizen_a"]  # no roles: placed by home as before
    assert can(world["officer_a"], Perm.PEOPLE_CHANGE, citizen)
    assert can(world["officer_a"], Perm.PEOPLE_VIEW_PERSONAL, citizen)


def test_location_within_needs_every_scope_inside_the_set(world: World) -> None:
    covered = resolve([Scope.of_unit(world.bac_giang.pk)])
    both = Location.of(
        units=[world.bac_giang.pk, world.tuan_dao.pk],
        within=[Scope.of_unit(world.bac_giang.pk), Scope.of_unit(world.tuan_dao.pk)],
    )
    assert not covered.covers(both)
    assert resolve([Scope.of_unit(world.province.pk)]).covers(both)
    assert not resolve([Scope.of_unit(world.province.pk)]).covers(Location.of(everywhere=True))
    assert resolve([Scope.province()]).covers(Location.of(everywhere=True))
