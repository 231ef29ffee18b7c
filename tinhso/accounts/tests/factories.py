"""Test data for the accounts app: a small province with two communes, agencies and people.

``build_world()`` makes, with explicit names:

* units: province ``24``; phường Bắc Giang (``07210``) and xã Tuấn Đạo (``07663``) under it; an
  old commune (``07207``) under Bắc Giang that ended on 30/06/2025;
* agencies: UBND tỉnh, Sở KH&CN under it with a Trung tâm under the Sở, UBND of each commune;
* people with roles: ``officer_a``/``leader_a`` (unit Bắc Giang), ``officer_b`` (unit Tuấn Đạo),
  ``leader_so`` (agency Sở KH&CN), ``operator`` and ``auditor`` (province),
  ``data_officer_so`` (agency Sở KH&CN), ``staff_centre`` (works at the Trung tâm, no role);
  ``auditor_a`` (province-wide auditor whose home is phường Bắc Giang) and ``officer_ab``
  (officer of both communes, working at UBND Bắc Giang): reachable only by actors whose scope
  holds all their roles;
* citizens ``citizen_a`` (lives in Bắc Giang) and ``citizen_b`` (Tuấn Đạo), a business
  ``business_b`` (Tuấn Đạo) and ``citizen_old`` (home in the ended commune).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import factory
from factory.django import DjangoModelFactory

from tinhso.accounts.choices import Role, ScopeKind, UserKind
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.scopes import Scope
from tinhso.directory.models import AdministrativeUnit, Agency

PASSWORD = "correct horse battery staple"
MERGER_DAY = date(2025, 7, 1)


class UnitFactory(DjangoModelFactory[AdministrativeUnit]):
    """An administrative unit valid from the 2025 reorganisation."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    type = "xa"
    level = 3
    valid_from = MERGER_DAY


class AgencyFactory(DjangoModelFactory[Agency]):
    """A state agency sitting in a unit."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    kind = "khac"
    unit = factory.SubFactory(UnitFactory)
    valid_from = MERGER_DAY


class UserFactory(DjangoModelFactory[User]):
    """A person with a usable password (``PASSWORD``)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoi{n}")
    kind = UserKind.CITIZEN
    password = factory.django.Password(PASSWORD)


def grant(user: User, role: Role, scope: Scope, **extra: Any) -> RoleAssignment:
    """Give ``user`` a role directly (test set-up; the code under test uses actions)."""
    return RoleAssignment.objects.create(
        user=user,
        role=role,
        scope_kind=scope.kind,
        unit_id=scope.unit_id,
        agency_id=scope.agency_id,
        valid_from=extra.pop("valid_from", MERGER_DAY),
        **extra,
    )


@dataclass
class World:
    """The province, its places and its people, by name."""

    province: AdministrativeUnit
    bac_giang: AdministrativeUnit
    tuan_dao: AdministrativeUnit
    old_commune: AdministrativeUnit
    ubnd_tinh: Agency
    so_khcn: Agency
    trung_tam: Agency
    ubnd_bac_giang: Agency
    ubnd_tuan_dao: Agency
    people: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.people[name]


def build_world() -> World:
    """Create the test province described in the module docstring."""
    province = UnitFactory.create(code="24", name="Tỉnh Bắc Ninh", type="tinh", level=1)
    bac_giang = UnitFactory.create(
        code="07210", name="Phường Bắc Giang", type="phuong", parent=province
    )
    tuan_dao = UnitFactory.create(code="07663", name="Xã Tuấn Đạo", parent=province)
    old_commune = UnitFactory.create(
        code="07207",
        name="Phường Ngô Quyền",
        type="phuong",
        parent=bac_giang,
        valid_from=date(2000, 1, 1),
        valid_to=date(2025, 6, 30),
    )
    ubnd_tinh = AgencyFactory.create(
        name="Ủy ban nhân dân tỉnh Bắc Ninh", kind="ubnd_tinh", unit=province
    )
    so_khcn = AgencyFactory.create(
        name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh", kind="so", unit=province, parent=ubnd_tinh
    )
    trung_tam = AgencyFactory.create(
        name="Trung tâm Đổi mới sáng tạo", kind="su_nghiep", unit=province, parent=so_khcn
    )
    ubnd_bac_giang = AgencyFactory.create(
        name="Ủy ban nhân dân phường Bắc Giang", kind="ubnd_xa", unit=bac_giang
    )
    ubnd_tuan_dao = AgencyFactory.create(
        name="Ủy ban nhân dân xã Tuấn Đạo", kind="ubnd_xa", unit=tuan_dao
    )

    def staff(name: str, kind: UserKind, agency: Agency) -> User:
        return UserFactory.create(
            username=name, kind=kind, home_agency=agency, home_unit=agency.unit
        )

    people = {
        "officer_a": staff("officer_a", UserKind.OFFICER, ubnd_bac_giang),
        "leader_a": staff("leader_a", UserKind.LEADER, ubnd_bac_giang),
        "officer_b": staff("officer_b", UserKind.OFFICER, ubnd_tuan_dao),
        "leader_so": staff("leader_so", UserKind.LEADER, so_khcn),
        "data_officer_so": staff("data_officer_so", UserKind.OFFICER, so_khcn),
        "staff_centre": staff("staff_centre", UserKind.OFFICER, trung_tam),
        "operator": staff("operator", UserKind.OPERATOR, ubnd_tinh),
        "auditor": staff("auditor", UserKind.AUDITOR, ubnd_tinh),
        "auditor_a": UserFactory.create(
            username="auditor_a", kind=UserKind.AUDITOR, home_unit=bac_giang
        ),
        "officer_ab": staff("officer_ab", UserKind.OFFICER, ubnd_bac_giang),
        "citizen_a": UserFactory.create(
            username="citizen_a",
            full_name="Nguyễn Văn An",
            citizen_id="024090001234",
            date_of_birth=date(1990, 5, 17),
            phone="0912345678",
            address="Số 12 Hoàng Văn Thụ, phường Bắc Giang, tỉnh Bắc Ninh",
            home_unit=bac_giang,
        ),
        "citizen_b": UserFactory.create(
            username="citizen_b",
            full_name="Trần Thị Bình",
            citizen_id="024185004321",
            phone="0987654321",
            home_unit=tuan_dao,
        ),
        "business_b": UserFactory.create(
            username="business_b",
            kind=UserKind.BUSINESS,
            full_name="Công ty TNHH Vải thiều",
            tax_code="2400123458",
            home_unit=tuan_dao,
        ),
        "citizen_old": UserFactory.create(username="citizen_old", home_unit=old_commune),
    }
    grant(people["officer_a"], Role.OFFICER, Scope.of_unit(bac_giang.pk))
    grant(people["leader_a"], Role.LEADER, Scope.of_unit(bac_giang.pk))
    grant(people["officer_b"], Role.OFFICER, Scope.of_unit(tuan_dao.pk))
    grant(people["leader_so"], Role.LEADER, Scope.of_agency(so_khcn.pk))
    grant(people["data_officer_so"], Role.DATA_OFFICER, Scope.of_agency(so_khcn.pk))
    grant(people["operator"], Role.OPERATOR, Scope.province())
    grant(people["auditor"], Role.AUDITOR, Scope(kind=ScopeKind.PROVINCE))
    grant(people["auditor_a"], Role.AUDITOR, Scope.province())
    grant(people["officer_ab"], Role.OFFICER, Scope.of_unit(bac_giang.pk))
    grant(people["officer_ab"], Role.OFFICER, Scope.of_unit(tuan_dao.pk))
    return World(
        province=province,
        bac_giang=bac_giang,
        tuan_dao=tuan_dao,
        old_commune=old_commune,
        ubnd_tinh=ubnd_tinh,
        so_khcn=so_khcn,
        trung_tam=trung_tam,
        ubnd_bac_giang=ubnd_bac_giang,
        ubnd_tuan_dao=ubnd_tuan_dao,
        people=people,
    )
