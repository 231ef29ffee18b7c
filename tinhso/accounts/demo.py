"""Demo accounts, one per role, for the demo province (``tinhso demo``).

Created after the directory demo data is loaded; agencies are found by their exact names and the
province is the current unit with code ``24``. Every account has the password ``tinhso-demo``,
is flagged ``is_demo`` and can sign in only while ``TINHSO_DEMO`` is on. The table for people is
in ``docs/demo-accounts.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tinhso.accounts import actions
from tinhso.accounts.choices import Role, ScopeKind, UserKind
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.scopes import Scope
from tinhso.directory.models import AdministrativeUnit, Agency

DEMO_PASSWORD = "tinhso-demo"  # noqa: S105 -- published on the demo login page on purpose
UBND_TINH = "Ủy ban nhân dân tỉnh Bắc Ninh"
SO_KHCN = "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"
VP_UBND = "Văn phòng Ủy ban nhân dân tỉnh Bắc Ninh"
UBND_BAC_GIANG = "Ủy ban nhân dân phường Bắc Giang"
UBND_TUAN_DAO = "Ủy ban nhân dân xã Tuấn Đạo"


class DemoModeRequired(RuntimeError):
    """Demo accounts are created only when ``TINHSO_DEMO`` is on."""


@dataclass(frozen=True)
class DemoAccount:
    """One demo account: who it is, where it belongs and which role it holds where.

    ``agency`` is the home agency (by exact name); ``home_of_agency`` places the person in that
    agency's unit; ``scope`` is ``province``, ``agency`` (the home agency) or ``unit`` (the home
    agency's unit).
    """

    username: str
    kind: UserKind
    description: str | Promise
    full_name: str
    role: Role | None = None
    scope: ScopeKind | None = None
    agency: str | None = None
    in_province: bool = False
    staff: bool = False
    personal: dict[str, Any] = field(default_factory=dict)


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "admin",
        UserKind.OPERATOR,
        _("Quản trị vận hành toàn tỉnh"),
        "Quản trị hệ thống",
        Role.OPERATOR,
        ScopeKind.PROVINCE,
        UBND_TINH,
        in_province=True,
        staff=True,
    ),
    DemoAccount(
        "lanhdao.khcn",
        UserKind.LEADER,
        _("Lãnh đạo Sở Khoa học và Công nghệ"),
        "Trần Minh Đức",
        Role.LEADER,
        ScopeKind.AGENCY,
        SO_KHCN,
    ),
    DemoAccount(
        "lanhdao.vpubnd",
        UserKind.LEADER,
        _("Lãnh đạo Văn phòng UBND tỉnh"),
        "Đỗ Thị Hương",
        Role.LEADER,
        ScopeKind.AGENCY,
        VP_UBND,
    ),
    DemoAccount(
        "dulieu.khcn",
        UserKind.OFFICER,
        _("Cán bộ dữ liệu Sở Khoa học và Công nghệ"),
        "Lê Thu Hà",
        Role.DATA_OFFICER,
        ScopeKind.AGENCY,
        SO_KHCN,
    ),
    DemoAccount(
        "canbo.bacgiang",
        UserKind.OFFICER,
        _("Cán bộ phường Bắc Giang"),
        "Nguyễn Thị Lan",
        Role.OFFICER,
        ScopeKind.UNIT,
        UBND_BAC_GIANG,
    ),
    DemoAccount(
        "canbo.tuandao",
        UserKind.OFFICER,
        _("Cán bộ xã Tuấn Đạo"),
        "Hoàng Văn Nam",
        Role.OFFICER,
        ScopeKind.UNIT,
        UBND_TUAN_DAO,
    ),
    DemoAccount(
        "kiemtoan",
        UserKind.AUDITOR,
        _("Kiểm toán viên toàn tỉnh"),
        "Phạm Quốc Bảo",
        Role.AUDITOR,
        ScopeKind.PROVINCE,
        in_province=True,
    ),
    DemoAccount(
        "congdan",
        UserKind.CITIZEN,
        _("Công dân cư trú tại phường Bắc Giang"),
        "Nguyễn Văn An",
        agency=UBND_BAC_GIANG,
        personal={
            "citizen_id": "024090004567",
            "date_of_birth": date(1990, 5, 17),
            "phone": "0912345678",
            "email": "congdan@example.vn",
            "address": "Số 12 đường Hoàng Văn Thụ, phường Bắc Giang, tỉnh Bắc Ninh",
        },
    ),
    DemoAccount(
        "doanhnghiep",
        UserKind.BUSINESS,
        _("Doanh nghiệp đặt trụ sở tại xã Tuấn Đạo"),
        "Công ty TNHH Vải thiều Tuấn Đạo",
        agency=UBND_TUAN_DAO,
        personal={
            "tax_code": "2400567894",
            "phone": "02043812345",
            "email": "lienhe@vaithieu.example.vn",
            "address": "Thôn Đồng Mậm, xã Tuấn Đạo, tỉnh Bắc Ninh",
        },
    ),
)


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _province() -> AdministrativeUnit | None:
    today = timezone.localdate()
    return (
        AdministrativeUnit.objects.filter(code=settings.TINHSO_PROVINCE_CODE, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .first()
    )


def _scope(account: DemoAccount, agency: Agency | None) -> Scope | None:
    if account.scope == ScopeKind.PROVINCE:
        return Scope.province()
    if agency is None:
        return None
    if account.scope == ScopeKind.AGENCY:
        return Scope.of_agency(agency.pk)
    if account.scope == ScopeKind.UNIT:
        return Scope.of_unit(agency.unit_id)
    return None


def _ensure_account(
    account: DemoAccount, agency: Agency | None, province: AdministrativeUnit | None
) -> User | None:
    home_unit = province if account.in_province else (agency.unit if agency else None)
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = actions.create_account(
            actor=None,
            username=account.username,
            kind=account.kind,
            password=DEMO_PASSWORD,
            is_demo=True,
            full_name=account.full_name,
            home_unit=home_unit,
            home_agency=agency
            if account.kind not in (UserKind.CITIZEN, UserKind.BUSINESS)
            else None,
            is_staff=account.staff,
            is_superuser=account.staff,
            **account.personal,
        )
    elif not user.is_demo:
        return None
    elif not user.check_password(DEMO_PASSWORD):
        actions.set_password(user, actor=None, password=DEMO_PASSWORD)
    scope = _scope(account, agency)
    if account.role is not None and scope is not None:
        held = RoleAssignment.objects.current().filter(user=user, role=account.role)
        if not any(assignment.scope == scope for assignment in held):
            actions.grant_role(user, actor=None, role=account.role, scope=scope)
    return user


def create_demo_accounts(stdout: TextIO | None = None) -> list[tuple[str, str, str]]:
    """Create (or bring back to their demo state) one account per role; idempotent.

    Returns ``(username, password, role description)`` for every account ready to use. An
    account whose agency or province is missing from the directory is skipped with a message.

    Raises:
        DemoModeRequired: ``settings.TINHSO_DEMO`` is off.
    """
    if not settings.TINHSO_DEMO:
        raise DemoModeRequired("demo accounts are created only in demo mode (TINHSO_MODE=demo)")
    province = _province()
    agencies = {
        agency.name: agency
        for agency in Agency.objects.select_related("unit")
        .filter(name__in={a.agency for a in DEMO_ACCOUNTS if a.agency})
        .order_by("valid_from")  # the latest of same-named agencies wins
    }
    ready: list[tuple[str, str, str]] = []
    for account in DEMO_ACCOUNTS:
        agency = agencies.get(account.agency) if account.agency else None
        if account.agency and agency is None:
            _say(stdout, f"demo account {account.username} skipped: no agency {account.agency!r}")
            continue
        if account.in_province and province is None:
            _say(
                stdout,
                f"demo account {account.username} skipped: "
                f"no current unit {settings.TINHSO_PROVINCE_CODE}",
            )
            continue
        if _ensure_account(account, agency, province) is None:
            _say(stdout, f"demo account {account.username} skipped: a real account has the name")
            continue
        ready.append((account.username, DEMO_PASSWORD, str(account.description)))
        _say(stdout, f"  {account.username:<16} {DEMO_PASSWORD}  {account.description}")
    return ready
