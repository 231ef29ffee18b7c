"""Demo data of the services app: the procedure catalogue, the province's declared days, the
one-stop demo accounts and nearly two years of dossiers (``tinhso demo``, step ``services``).

The dossiers are generated deterministically (``random.Random(2026)``) from 01/01/2025 to today
and written through :func:`tinhso.services.actions.history.import_history`, the migration path
for dossiers of a previous one-stop system. Until 30/06/2025 the demo's dossiers are decided by
the two demo district UBNDs and the former province of Bắc Giang; from 01/07/2025 by the
communes and the provincial departments (Decree 118/2025). Dossiers still open on 01/07/2025
are transferred (liên thông) to the successor commune or department. The online share, the
digitised results and the on-time share improve over the period; the last weeks leave dossiers
in every status in the officers' inboxes.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tinhso.accounts import actions as account_actions
from tinhso.accounts.choices import Role, UserKind
from tinhso.accounts.demo import DEMO_PASSWORD
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.scopes import Scope
from tinhso.directory.choices import AgencyKind, UnitLevel
from tinhso.directory.models import Agency
from tinhso.services import actions
from tinhso.services.actions.history import (
    HistoricalApology,
    HistoricalDossier,
    HistoricalEvent,
    import_history,
)
from tinhso.services.choices import ApplicantKind, Channel, StepAgency, StepRole
from tinhso.services.choices import Status as S
from tinhso.services.models import Dossier, Procedure
from tinhso.services.workdays import WorkingCalendar, calendar
from tinhso.services.workflow import step_due

DATA = Path(__file__).resolve().parent / "data"
PROCEDURES_JSON = DATA / "procedures.json"
CALENDAR_CSV = DATA / "calendar.csv"

SEED = 2026
FULL_SIZE = 18_000
START = datetime.date(2025, 1, 1)
REFORM = datetime.date(2025, 7, 1)
# The trends (online share, digitised results, punctuality) run from START to this day.
TREND_END = datetime.date(2026, 12, 31)
RECENT_DAYS = 21

CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"
UBND_TINH = "Ủy ban nhân dân tỉnh Bắc Ninh"
UBND_BAC_GIANG = "Ủy ban nhân dân phường Bắc Giang"
SO_XAY_DUNG = "Sở Xây dựng tỉnh Bắc Ninh"
OLD_PROVINCE = "Ủy ban nhân dân tỉnh Bắc Giang"
# The demo's two district UBNDs (until 30/06/2025), their share of district dossiers, and the
# commune that took over their open dossiers on 01/07/2025.
OLD_DISTRICTS = {
    "Ủy ban nhân dân thành phố Bắc Giang": (0.65, UBND_BAC_GIANG),
    "Ủy ban nhân dân huyện Lục Ngạn": (0.35, "Ủy ban nhân dân xã Lục Ngạn"),
}


@dataclass(frozen=True)
class OneStopAccount:
    """A demo account of the one-stop desks: who, which role, at which agency (exact name)."""

    username: str
    kind: UserKind
    role: Role
    agency: str
    full_name: str


ONE_STOP_ACCOUNTS: tuple[OneStopAccount, ...] = (
    OneStopAccount("motcua.tinh", UserKind.OFFICER, Role.OFFICER, CENTRE, "Trịnh Thị Mai"),
    OneStopAccount(
        "motcua.bacgiang", UserKind.OFFICER, Role.OFFICER, UBND_BAC_GIANG, "Ngô Văn Hải"
    ),
    OneStopAccount(
        "lanhdao.bacgiang", UserKind.LEADER, Role.LEADER, UBND_BAC_GIANG, "Vũ Đức Thắng"
    ),
    OneStopAccount(
        "chuyenvien.xaydung", UserKind.OFFICER, Role.OFFICER, SO_XAY_DUNG, "Phạm Thu Trang"
    ),
    OneStopAccount("lanhdao.xaydung", UserKind.LEADER, Role.LEADER, SO_XAY_DUNG, "Đặng Quốc Việt"),
)

# How often each procedure is asked for, relative to the others (demo guesses: civil status
# and certification are everyday business, permits are rare). Others: DEFAULT_WEIGHT.
WEIGHTS: dict[str, float] = {
    "1.001193": 14,
    "1.000656": 4,
    "1.000894": 4,
    "1.004873": 9,
    "2.000635": 7,
    "1.004859": 2,
    "2.000815": 16,
    "2.000884": 9,
    "1.001612": 3,
    "1.001570": 1.5,
    "1.014034": 1.5,
    "1.013225": 2,
    "1.013978": 3,
    "1.001776": 2,
    "1.014027": 1.5,
    "3.000333": 6,
    "3.000347": 6,
    "2.001610": 2,
    "2.000720": 5,
    "1.001266": 2.5,
    "1.009994": 1.5,
    "2.000748": 2,
    "1.013229": 1.5,
    "1.013227": 1,
    "2.000806": 1,
}
DEFAULT_WEIGHT: dict[int, float] = {
    UnitLevel.COMMUNE: 0.6,
    UnitLevel.PROVINCE: 0.25,
    UnitLevel.DISTRICT: 0.5,
}
BUSINESS_FIELDS = {
    "Thành lập và hoạt động doanh nghiệp",
    "Môi trường",
    "Việc làm",
    "Dầu khí",
    "Vận chuyển hàng hóa nguy hiểm",
    "Kinh doanh khí",
    "Giáo dục trung học",
    "Báo chí",
    "An toàn bức xạ và hạt nhân",
}

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Thị Thu"]
GIVEN = [
    *("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh"),
    *("Lan", "Linh", "Long", "Mai", "Nam", "Ngọc", "Phong", "Phương", "Quân", "Sơn", "Tâm"),
    *("Thảo", "Trang", "Tuấn", "Vân", "Yến", "Giang", "Huy", "Thắng"),
]
FIRMS = ["Hưng Thịnh", "Minh Phát", "Kinh Bắc", "Sông Cầu", "Đồi Vải", "An Khang", "Thành Công"]
TRADES = ["Xây dựng", "Thương mại", "Cơ khí", "Nông sản", "Vận tải", "Điện tử", "Dịch vụ"]
REJECT_REASONS = [
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận.",
    "Tờ khai không đúng mẫu quy định.",
    "Hồ sơ trùng với hồ sơ đã nộp trước đó.",
]
SUPPLEMENT_REASONS = [
    "Đề nghị bổ sung bản sao giấy tờ tùy thân còn hiệu lực.",
    "Tờ khai còn thiếu chữ ký của người yêu cầu.",
    "Đề nghị bổ sung giấy tờ chứng minh nơi cư trú.",
    "Bản chụp giấy tờ không rõ nét, đề nghị gửi lại.",
]
APOLOGY_REASONS = [
    "Cần xác minh thêm thông tin với cơ quan liên quan.",
    "Chờ ý kiến phối hợp của cơ quan chuyên môn.",
    "Số lượng hồ sơ tăng đột biến trong kỳ.",
]
RATING_COMMENTS = ["Cán bộ hướng dẫn nhiệt tình.", "Nhanh, gọn.", "Trả kết quả đúng hẹn."]


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


# --- catalogue, calendar, accounts ----------------------------------------------------------


def load_catalogue(stdout: TextIO | None = None, path: Path = PROCEDURES_JSON) -> list[Procedure]:
    """Load the procedure catalogue, skipping (with a message) procedures whose deciding agency
    is missing from the directory; idempotent."""
    if not path.exists():
        _say(stdout, f"  procedures: {path.name} not found, catalogue not loaded")
        return []
    items = json.loads(path.read_text(encoding="utf-8"))
    known = set(Agency.objects.values_list("name", flat=True))
    missing = [item for item in items if item.get("agency") and item["agency"] not in known]
    for item in missing:
        _say(stdout, f"  procedure {item['code']} skipped: no agency {item['agency']!r}")
    usable = [item for item in items if item not in missing]
    with transaction.atomic():
        loaded = [actions.save_procedure(item, actor=None) for item in usable]
    _say(stdout, f"  procedures: {len(loaded)} loaded, {len(missing)} skipped")
    return loaded


def load_calendar(stdout: TextIO | None = None, path: Path = CALENDAR_CSV) -> int:
    """Declare the province's days off and make-up working days of ``data/calendar.csv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        actions.declare_day(
            datetime.date.fromisoformat(row["date"]),
            actor=None,
            kind=row["kind"],
            reason=row["reason"],
            source=row["source"],
        )
    _say(stdout, f"  calendar: {len(rows)} declared days")
    return len(rows)


def _current_agency(name: str) -> Agency | None:
    return Agency.objects.select_related("unit").filter(name=name).order_by("-valid_from").first()


def ensure_one_stop_accounts(stdout: TextIO | None = None) -> dict[str, User]:
    """Create (or bring back) the one-stop desks' demo accounts; idempotent.

    Only in demo mode; an account whose agency is missing, or whose name a real account holds,
    is skipped with a message.
    """
    if not settings.TINHSO_DEMO:
        _say(stdout, "  one-stop accounts skipped: not in demo mode")
        return {}
    ready: dict[str, User] = {}
    for account in ONE_STOP_ACCOUNTS:
        agency = _current_agency(account.agency)
        if agency is None:
            _say(stdout, f"  demo account {account.username} skipped: no agency {account.agency!r}")
            continue
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = account_actions.create_account(
                actor=None,
                username=account.username,
                kind=account.kind,
                password=DEMO_PASSWORD,
                is_demo=True,
                full_name=account.full_name,
                home_unit=agency.unit,
                home_agency=agency,
            )
        elif not user.is_demo:
            _say(stdout, f"  demo account {account.username} skipped: a real account has the name")
            continue
        scope = Scope.of_agency(agency.pk)
        held = RoleAssignment.objects.current().filter(user=user, role=account.role)
        if not any(assignment.scope == scope for assignment in held):
            account_actions.grant_role(user, actor=None, role=account.role, scope=scope)
        ready[account.username] = user
        _say(stdout, f"  {account.username:<18} {DEMO_PASSWORD}  {account.agency}")
    return ready


# --- a fast working calendar ----------------------------------------------------------------


class FastCalendar(WorkingCalendar):
    """The working calendar with every working day of a span listed once, so that adding
    working days is a lookup; outside the span it falls back to the day-by-day rules."""

    def __init__(self, base: WorkingCalendar, first: datetime.date, last: datetime.date) -> None:
        super().__init__(base.declared)
        self.first, self.last = first, last
        span = (last - first).days + 1
        days = (first + datetime.timedelta(days=n) for n in range(span))
        self.days = [day for day in days if base.is_working(day)]
        self.working = set(self.days)

    def _inside(self, *days: datetime.date) -> bool:
        return all(self.first <= day <= self.last for day in days)

    def is_working(self, day: datetime.date) -> bool:
        """Whether officers work on ``day``."""
        return day in self.working if self._inside(day) else super().is_working(day)

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (see :class:`WorkingCalendar`)."""
        if days == 0 and self.is_working(start):
            return start
        index = bisect.bisect_right(self.days, start) + max(days, 1) - 1
        if self._inside(start) and index < len(self.days):
            return self.days[index]
        return super().add(start, days)

    def previous(self, day: datetime.date) -> datetime.date:
        """The last working day before ``day``."""
        index = bisect.bisect_left(self.days, day) - 1
        if self._inside(day) and index >= 0:
            return self.days[index]
        return super().previous(day)

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        if end <= start:
            return 0
        if self._inside(start, end):
            return bisect.bisect_right(self.days, end) - bisect.bisect_right(self.days, start)
        return super().between(start, end)


# --- the generator --------------------------------------------------------------------------


@dataclass
class _Place:
    """Where a dossier is received and decided, and who works there."""

    receiving: Agency
    deciding: Agency
    unit_id: int | None
    successor: Agency | None = None


@dataclass
class _Plan:
    """One planned event: its day, its order among the dossier's events, what happens."""

    day: datetime.date
    order: float
    action: str
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    any_hour: bool = False
    hours: float | None = None


def _share(day: datetime.date, early: float, late: float) -> float:
    """A value moving linearly from ``early`` on START to ``late`` on TREND_END."""
    ratio = (day - START).days / (TREND_END - START).days
    return early + (late - early) * min(max(ratio, 0.0), 1.0)


class Generator:
    """Makes the demo's historical dossiers, deterministically for a given seed and today."""

    def __init__(
        self,
        *,
        procedures: Sequence[Procedure],
        cal: FastCalendar,
        now: datetime.datetime,
        people: dict[str, User],
        seed: int = SEED,
    ) -> None:
        self.rng = random.Random(seed)
        self.cal = cal
        self.now = now
        self.today = timezone.localtime(now).date()
        self.tz = timezone.get_current_timezone()
        self.procedures = list(procedures)
        self.people = people
        self.by_name = {
            a.name: a for a in Agency.objects.select_related("unit").order_by("valid_from")
        }
        self.centre = self.by_name.get(CENTRE)
        self.old_province = self.by_name.get(OLD_PROVINCE)
        self.communes = [
            a
            for a in self.by_name.values()
            if a.kind == AgencyKind.UBND_XA and a.is_valid_on(self.today)
        ]
        self.districts = [
            (self.by_name[name], share, self.by_name.get(successor))
            for name, (share, successor) in OLD_DISTRICTS.items()
            if name in self.by_name
        ]
        self.staff = self._staff()
        self._available: dict[bool, list[Procedure]] = {}
        # The directory's former agencies start on their own date (04/01/2025 in the demo).
        old = [self.old_province] if self.old_province else []
        old += [district for district, _share, _successor in self.districts]
        self.first_day = max([START, *(agency.valid_from for agency in old)]) if old else REFORM
        self._choices: dict[tuple[bool, bool], tuple[list[Procedure], list[float]]] = {}

    # - who works where -

    def _staff(self) -> dict[int, dict[str, int]]:
        """Agency → role → the demo account that acts there (officer, leader)."""
        staff: dict[int, dict[str, int]] = {}
        for account in ONE_STOP_ACCOUNTS:
            user = self.people.get(account.username)
            agency = self.by_name.get(account.agency)
            if user is not None and agency is not None:
                staff.setdefault(agency.pk, {})[account.role.value] = user.pk
        return staff

    def _actor(self, agency_id: int | None, role: str) -> int | None:
        return self.staff.get(agency_id or 0, {}).get(role)

    # - what is asked for, where -

    def available(self, day: datetime.date) -> list[Procedure]:
        """The procedures the demo's dossiers of ``day`` can be for."""
        key = day < REFORM
        if key not in self._available:
            self._available[key] = self._procedures_of(day)
        return self._available[key]

    def _procedures_of(self, day: datetime.date) -> list[Procedure]:
        if day < REFORM:
            return [
                p
                for p in self.procedures
                if (p.level == UnitLevel.DISTRICT and self.districts)
                or (p.level == UnitLevel.PROVINCE and self.old_province is not None)
            ]
        return [
            p
            for p in self.procedures
            if p.valid_to is None
            and (p.level == UnitLevel.PROVINCE or (p.level == UnitLevel.COMMUNE and self.communes))
        ]

    @staticmethod
    def weight(procedure: Procedure) -> float:
        """How often ``procedure`` is asked for, relative to the others."""
        return WEIGHTS.get(procedure.code, DEFAULT_WEIGHT.get(procedure.level, 0.5))

    def place(self, procedure: Procedure, day: datetime.date) -> _Place | None:
        """Where a dossier of ``procedure`` submitted on ``day`` is received and decided."""
        rng = self.rng
        if day < REFORM:
            if procedure.level == UnitLevel.DISTRICT:
                district = rng.choices(self.districts, [d[1] for d in self.districts])[0]
                return _Place(district[0], district[0], district[0].unit_id, district[2])
            assert self.old_province is not None
            unit = rng.choice(self.districts)[0].unit_id if self.districts else None
            return _Place(self.old_province, self.old_province, unit, procedure.agency)
        commune = self._commune()
        if procedure.level == UnitLevel.COMMUNE:
            receiving = commune
            if rng.random() < 0.03:  # received elsewhere in the province (Decree 118/2025)
                receiving = rng.choice(self.communes)
            return _Place(receiving, commune, commune.unit_id)
        deciding = procedure.agency
        if deciding is None:
            return None
        receiving = self.centre if self.centre and rng.random() < 0.9 else deciding
        return _Place(receiving, deciding, commune.unit_id)

    def _commune(self) -> Agency:
        weights = [6.0 if a.name == UBND_BAC_GIANG else 1.0 for a in self.communes]
        return self.rng.choices(self.communes, weights)[0]

    # - who applies -

    def applicant(self, procedure: Procedure, place: _Place, online: bool, recent: bool) -> dict:
        """The applicant's details: a generated person or firm, now and then a demo account."""
        rng = self.rng
        business = procedure.field in BUSINESS_FIELDS
        account = self.people.get("doanhnghiep" if business else "congdan")
        chance = (0.05 if recent else 0.004) * (5 if business else 1)
        if account is not None and online and rng.random() < chance:
            return {
                "applicant_id": account.pk,
                "applicant_kind": ApplicantKind.BUSINESS if business else ApplicantKind.CITIZEN,
                "applicant_name": account.full_name or account.username,
                "applicant_id_number": account.citizen_id or account.tax_code,
                "applicant_phone": account.phone,
                "applicant_email": account.email,
                "applicant_address": account.address,
            }
        unit = place.deciding.unit.name if place.deciding.unit_id else ""
        phone = f"09{rng.randrange(10**8):08d}"
        if business:
            return {
                "applicant_kind": ApplicantKind.BUSINESS,
                "applicant_name": f"Công ty TNHH {rng.choice(TRADES)} {rng.choice(FIRMS)}",
                "applicant_id_number": f"24{rng.randrange(10**8):08d}",
                "applicant_phone": phone,
                "applicant_address": f"Lô {rng.randint(1, 60)}, khu công nghiệp, {unit}",
            }
        return {
            "applicant_name": " ".join((rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN))),
            "applicant_id_number": f"024{rng.randint(0, 3)}{rng.randrange(10**8):08d}",
            "applicant_phone": phone,
            "applicant_address": f"Số {rng.randint(1, 200)}, tổ {rng.randint(1, 30)}, {unit}",
        }

    def form_data(self, procedure: Procedure, day: datetime.date) -> dict[str, Any]:
        """Plausible answers to the procedure's form."""
        rng = self.rng
        data: dict[str, Any] = {}
        for item in procedure.fields:
            kind = item.get("type")
            if kind == "select" and item.get("choices"):
                data[item["name"]] = rng.choice(item["choices"])
            elif kind == "date":
                data[item["name"]] = (day - datetime.timedelta(days=rng.randint(1, 60))).isoformat()
            elif kind == "number":
                data[item["name"]] = rng.randint(1, 120)
            else:
                data[item["name"]] = "Nội dung minh hoạ (dữ liệu demo)"
        return data

    # - times -

    def _moment(self, day: datetime.date, hours: float) -> datetime.datetime:
        base = datetime.datetime(day.year, day.month, day.day, tzinfo=self.tz)
        return base + datetime.timedelta(hours=hours)

    def _office_hours(self) -> float:
        rng = self.rng
        return rng.uniform(7.5, 11.5) if rng.random() < 0.6 else rng.uniform(13.5, 16.75)

    # - one dossier -

    def dossier(self, day: datetime.date) -> HistoricalDossier | None:
        """A dossier submitted on ``day``, as it stands now."""
        rng = self.rng
        working = self.cal.is_working(day)
        key = (day < REFORM, working)
        if key not in self._choices:
            choices = [p for p in self.available(day) if working or p.online]
            self._choices[key] = (choices, [self.weight(p) for p in choices])
        choices, weights = self._choices[key]
        if not choices:
            return None
        procedure = rng.choices(choices, weights)[0]
        place = self.place(procedure, day)
        if place is None:
            return None
        recent = (self.today - day).days <= RECENT_DAYS
        online_share = min(0.98, _share(day, 0.52, 1.0))
        if not working or (procedure.online and rng.random() < online_share):
            channel = Channel.ONLINE
        else:
            channel = Channel.POSTAL if rng.random() < 0.05 else Channel.DIRECT
        online = channel == Channel.ONLINE
        item = HistoricalDossier(
            procedure=procedure,
            level=procedure.level,
            channel=channel,
            status=S.DRAFT if online else "",
            receiving_agency_id=place.receiving.pk,
            deciding_agency_id=place.deciding.pk,
            handling_agency_id=place.receiving.pk,
            unit_id=place.unit_id,
            submitted_at=None,
            form_data=self.form_data(procedure, day),
            fee_amount=procedure.fee_amount,
            **self.applicant(procedure, place, online, recent),
        )
        plans, received_day = self._plan(item, procedure, place, day, recent)
        _Replay(self, item, procedure, place).run(plans, day, received_day)
        return item

    def _plan(
        self,
        item: HistoricalDossier,
        procedure: Procedure,
        place: _Place,
        day: datetime.date,
        recent: bool,
    ) -> tuple[list[_Plan], datetime.date]:
        """Plan the dossier's whole life; the replay stops at the present moment."""
        rng, cal = self.rng, self.cal
        online = item.channel == Channel.ONLINE
        plans: list[_Plan] = []
        if online:
            hours = rng.uniform(6.0, 22.5)
            plans.append(_Plan(day, 0, "submit", hours=hours))
            received = cal.add(day, 0 if hours < 16 and rng.random() < 0.6 else 1)
            if recent and (self.today - day).days <= 4 and rng.random() < 0.5:
                received = cal.add(received, rng.randint(1, 3))
            if rng.random() < 0.012:
                plans.append(_Plan(received, 1, "reject", rng.choice(REJECT_REASONS)))
                return plans, received
        else:
            received = day
        plans.append(_Plan(received, 1, "receive", data={} if online else {"counter": True}))
        paid = received
        if (
            online
            and procedure.fee_amount
            and procedure.online_payment
            and rng.random() < _share(day, 0.6, 0.9)
        ):
            amount = procedure.fee_amount
            plans.append(_Plan(received, 2, "request_payment", data={"amount": amount}))
            paid = cal.add(received, rng.choice([0, 0, 0, 1]))
            plans.append(_Plan(paid, 3, "pay", data={"online": True}, any_hour=True))
        days = procedure.processing_days
        promised = cal.add(received, days)
        if rng.random() < _share(day, 0.13, 0.06):  # late
            span = cal.between(received, promised) + rng.randint(1, 6)
        elif days and rng.random() < 0.6:  # early
            span = rng.randint(math.ceil(days * 0.4), days - 1) if days > 1 else 0
        else:  # on the appointment day
            span = cal.between(received, promised)
        steps = procedure.steps
        # Working days after reception at which each step but the last ends.
        shares = [float(step["share"]) for step in steps[:-1]]
        offsets = [
            round(span * sum(shares[: i + 1]) / (sum(shares) or 1)) for i in range(len(shares))
        ]
        offsets[-1] = span
        # Supplement requests come after reception, during processing: (offset, days waited).
        waits: list[tuple[int, int]] = []
        if rng.random() < 0.055:
            first = rng.randint(offsets[0], max(offsets[0], span // 2))
            waits.append((first, rng.randint(1, 12 if recent else 6)))
            if rng.random() < 0.2 and first < span:
                waits.append((first + 1, rng.randint(1, 5)))
        waited = sum(w for _, w in waits)

        def shifted(index: int) -> datetime.date:
            extra = sum(w for start, w in waits if index and start <= offsets[index])
            return max(cal.add(received, offsets[index] + extra), paid)

        withdraw_at = len(steps) - 2 if rng.random() < 0.01 else None
        for index in range(len(offsets)):
            if withdraw_at == index:
                reason = "Người nộp đề nghị rút hồ sơ."
                plans.append(_Plan(shifted(index), 5 + 10 * index, "withdraw", reason))
                return plans, received
            plans.append(_Plan(shifted(index), 10 + 10 * index, "advance"))
        for count, (start, wait) in enumerate(waits):
            asked = max(cal.add(received, start + sum(w for _, w in waits[:count])), paid)
            plans.append(_Plan(asked, 15 + 2 * count, "request_supplement"))
            plans.append(_Plan(cal.add(asked, wait), 16 + 2 * count, "supplement", any_hour=True))
        finished = shifted(len(offsets) - 1)
        final_promise = cal.add(promised, waited) if waited else promised
        apology_chance = 0.5 if recent else 0.75
        if finished > final_promise and rng.random() < apology_chance:
            issue = max(cal.previous(final_promise), received)
            new_due = cal.add(finished, rng.choice([0, 0, 1]))
            plans.append(_Plan(issue, 200, "apologise", data={"new_due_date": new_due}))
        digital = rng.random() < _share(day, 0.7, 0.9)
        returned = finished if digital and online else cal.add(finished, rng.choice([0, 0, 1, 2]))
        plans.append(_Plan(returned, 300, "return", data={"digital": digital}))
        if online and rng.random() < 0.4:
            rated = returned + datetime.timedelta(days=rng.choice([0, 0, 1, 3]))
            plans.append(_Plan(rated, 301, "rate", any_hour=True))
        if day < REFORM <= finished:
            plans.append(_Plan(REFORM, -1, "transfer"))
        return plans, received


class _Replay:
    """Plays a dossier's planned events in time order up to now, keeping its state in step
    with the one-stop actions."""

    def __init__(
        self, gen: Generator, item: HistoricalDossier, procedure: Procedure, place: _Place
    ) -> None:
        self.gen, self.item, self.procedure, self.place = gen, item, procedure, place
        self.steps = procedure.steps
        self.moved = False

    def _agency(self, index: int) -> int:
        step = self.steps[min(index, len(self.steps) - 1)]
        if self.moved and self.place.successor is not None:
            return self.place.successor.pk
        if step["agency"] == StepAgency.RECEIVING:
            return self.item.receiving_agency_id
        return self.item.deciding_agency_id

    def run(self, plans: list[_Plan], day: datetime.date, received: datetime.date) -> None:
        gen = self.gen
        plans.sort(key=lambda plan: (plan.day, plan.order))
        moment = gen._moment(day, 0)
        for plan in plans:
            if plan.hours is not None:
                hours = plan.hours
            else:
                hours = gen.rng.uniform(6.0, 22.5) if plan.any_hour else gen._office_hours()
            moment = max(
                moment + datetime.timedelta(minutes=gen.rng.randint(2, 30)),
                gen._moment(plan.day, hours),
            )
            if moment > gen.now:
                break
            self.apply(plan, moment, received)
        self.settle()

    def apply(self, plan: _Plan, at: datetime.datetime, received: datetime.date) -> None:
        item, gen = self.item, self.gen
        before = item.status
        handler: dict[str, Callable[[_Plan, datetime.datetime, datetime.date], str | None]] = {
            "submit": self._submit,
            "reject": self._reject,
            "receive": self._receive,
            "request_payment": self._request_payment,
            "pay": self._pay,
            "advance": self._advance,
            "request_supplement": self._request_supplement,
            "supplement": self._supplement,
            "apologise": self._apologise,
            "transfer": self._transfer,
            "withdraw": self._withdraw,
            "return": self._return,
            "rate": self._rate,
        }
        role = handler[plan.action](plan, at, received)
        if role is None:
            return
        agency = item.handling_agency_id = self._agency(item.step_index)
        actor = item.applicant_id if role == "applicant" else gen._actor(agency, role)
        step = self.steps[min(item.step_index, len(self.steps) - 1)]
        item.events.append(
            HistoricalEvent(
                at=at,
                action=plan.action,
                from_status=before,
                to_status=item.status,
                step_code=str(step["code"]),
                agency_id=agency,
                actor_id=actor,
                comment=plan.comment,
                data=plan.data,
            )
        )

    # Each handler changes the dossier and returns who acted (None: nothing happened).

    def _submit(self, plan: _Plan, at: datetime.datetime, received: datetime.date) -> str:
        self.item.status = S.SUBMITTED
        self.item.submitted_at = at
        return "applicant"

    def _reject(self, plan: _Plan, at: datetime.datetime, received: datetime.date) -> str:
        self.item.status = S.REJECTED
        return StepRole.OFFICER

    def _receive(self, plan: _Plan, at: datetime.datetime, received: datetime.date) -> str:
        item, cal = self.item, self.gen.cal
        if item.submitted_at is None:
            item.submitted_at = at
        item.status = S.RECEIVED
        item.received_at = at
        item.due_date = item.promised_date = cal.add(received, self.procedure.processing_days)
        return StepRole.OFFICER

    def _request_payment(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str:
        self.item.status = S.PAYMENT
        return StepRole.OFFICER

    def _pay(self, plan: _Plan, at: datetime.datetime, received: datetime.date) -> str:
        self.item.paid_online = True
        self.item.status = S.PROCESSING if self.item.step_index else S.RECEIVED
        return "applicant"

    def _advance(self, plan: _Plan, at: datetime.datetime, received: datetime.date) -> str | None:
        item = self.item
        if item.status not in {S.RECEIVED, S.PROCESSING}:
            return None  # a payment or supplement still pending: the plan ends here
        role = str(self.steps[item.step_index]["role"])
        item.step_index += 1
        if item.step_index >= len(self.steps) - 1:
            item.status = S.RESOLVED
            item.finished_at = at
        else:
            item.status = S.PROCESSING
        return role

    def _request_supplement(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str:
        item = self.item
        if item.status not in {S.RECEIVED, S.PROCESSING}:
            return None  # type: ignore[return-value]
        plan.comment = self.gen.rng.choice(SUPPLEMENT_REASONS)
        item.status = S.SUPPLEMENT
        item.paused_since = at
        item.supplement_count += 1
        return StepRole.OFFICER

    def _supplement(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str | None:
        item, cal = self.item, self.gen.cal
        if item.status != S.SUPPLEMENT or item.paused_since is None:
            return None
        assert item.due_date and item.promised_date
        waited = cal.between(timezone.localtime(item.paused_since).date(), at.date())
        item.paused_days += waited
        item.due_date = cal.add(item.due_date, waited) if waited else item.due_date
        item.promised_date = cal.add(item.promised_date, waited) if waited else item.promised_date
        item.paused_since = None
        item.status = S.PROCESSING if item.step_index else S.RECEIVED
        return "applicant"

    def _apologise(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str | None:
        item = self.item
        new_due: datetime.date = plan.data["new_due_date"]
        if item.status not in {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT}:
            return None
        if item.due_date is None or new_due <= item.due_date:
            return None
        plan.comment = self.gen.rng.choice(APOLOGY_REASONS)
        plan.data = {"new_due_date": new_due.isoformat()}
        agency = self._agency(item.step_index)
        item.apologies.append(
            HistoricalApology(
                issued_at=at,
                reason=plan.comment,
                old_due_date=item.due_date,
                new_due_date=new_due,
                issued_by_id=self.gen._actor(agency, StepRole.OFFICER),
            )
        )
        item.due_date = new_due
        return StepRole.OFFICER

    def _transfer(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str | None:
        item, successor = self.item, self.place.successor
        if successor is None or item.status in {S.REJECTED, S.WITHDRAWN, S.RETURNED}:
            return None
        self.moved = True
        if item.status not in {S.RECEIVED, S.PROCESSING}:
            item.deciding_agency_id = successor.pk
            return None
        plan.comment = "Chuyển hồ sơ đang giải quyết sang cơ quan kế thừa từ 01/07/2025."
        plan.data = {"from_agency": item.handling_agency_id, "to_agency": successor.pk}
        item.deciding_agency_id = successor.pk
        item.status = S.PROCESSING
        return StepRole.OFFICER

    def _withdraw(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str | None:
        item = self.item
        if item.status not in {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT}:
            return None
        item.status = S.WITHDRAWN
        item.finished_at = at
        item.paused_since = None
        return "applicant"

    def _return(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str | None:
        item = self.item
        if item.status != S.RESOLVED:
            return None
        item.digital_result = bool(plan.data.pop("digital"))
        item.status = S.RETURNED
        item.returned_at = at
        return StepRole.OFFICER

    def _rate(self, plan: _Plan, at: datetime.datetime, _r: datetime.date) -> str | None:
        item, rng = self.item, self.gen.rng
        if item.status != S.RETURNED:
            return None
        item.rating = rng.choices([3, 2, 1], [55, 40, 5])[0]
        item.rating_comment = rng.choice(RATING_COMMENTS) if rng.random() < 0.2 else ""
        item.rated_at = at
        plan.data = {"rating": item.rating}
        return "applicant"

    def settle(self) -> None:
        """Fix the fields that follow from the state reached: handling agency, step deadline."""
        item, cal = self.item, self.gen.cal
        item.handling_agency_id = (
            self._agency(item.step_index) if item.received_at else item.receiving_agency_id
        )
        if item.received_at and item.due_date:
            received = timezone.localtime(item.received_at).date()
            item.step_due = step_due(
                cal,
                self.steps,
                min(item.step_index, len(self.steps) - 1),
                received,
                self.procedure.processing_days + item.paused_days,
                item.due_date,
            )


def _volumes(gen: Generator, size: int) -> list[tuple[datetime.date, int]]:
    """How many dossiers are submitted each day: about ``size`` in all, spread by the demand of
    the procedures available that day (weekends and holidays: online only, a tenth). The last
    weeks keep the full demo's rate whatever ``size``, so officers' inboxes look the same."""
    rng = gen.rng
    first = gen.first_day
    days = [first + datetime.timedelta(days=n) for n in range((gen.today - first).days + 1)]
    weights: list[float] = []
    for day in days:
        demand = sum(gen.weight(p) for p in gen.available(day))
        weights.append(demand * (1.0 if gen.cal.is_working(day) else 0.1))
    total = sum(weights) or 1.0
    volumes = []
    for day, weight in zip(days, weights, strict=True):
        recent = (gen.today - day).days <= RECENT_DAYS
        expected = (max(size, FULL_SIZE) if recent else size) * weight / total
        count = int(expected) + (rng.random() < expected - int(expected))
        volumes.append((day, count))
    return volumes


def generate(
    size: int, *, now: datetime.datetime, people: dict[str, User], seed: int = SEED
) -> list[HistoricalDossier]:
    """About ``size`` historical dossiers from 01/01/2025 to ``now`` (see the module docstring)."""
    procedures = list(Procedure.objects.select_related("agency").order_by("code"))
    today = timezone.localtime(now).date()
    cal = FastCalendar(
        calendar(), START - datetime.timedelta(days=31), today + datetime.timedelta(days=800)
    )
    gen = Generator(procedures=procedures, cal=cal, now=now, people=people, seed=seed)
    items: list[HistoricalDossier] = []
    for day, count in _volumes(gen, size):
        for _ in range(count):
            item = gen.dossier(day)
            if item is not None and item.status in S.values and item.status != S.DRAFT:
                items.append(item)
    items.sort(key=lambda item: item.submitted_at or now)
    return items


def _refresh_indicators(today: datetime.date, stdout: TextIO | None) -> None:
    """Register the services' computed indicators and compute them for every demo month."""
    from tinhso.indicators.actions import refresh_computed
    from tinhso.indicators.periods import PeriodType, periods_between
    from tinhso.services import computed

    computed.ensure_catalogue(actor=None)
    stored = 0
    for kind in (
        PeriodType.MONTHLY,
        PeriodType.QUARTERLY,
        PeriodType.SIX_MONTHLY,
        PeriodType.YEARLY,
    ):
        for period in periods_between(kind, START, today):
            stored += refresh_computed(period, actor=None)
    _say(stdout, f"  computed indicator values: {stored}")


def load_demo(stdout: TextIO | None = None, *, size: int = FULL_SIZE) -> None:
    """Load the catalogue, the declared days, the one-stop accounts and about ``size``
    dossiers from 01/01/2025 to today. Does nothing if dossiers already exist."""
    if Dossier.objects.exists():
        _say(stdout, "  dossiers already loaded: nothing to do")
        return
    started = time.monotonic()
    load_catalogue(stdout)
    load_calendar(stdout)
    people = ensure_one_stop_accounts(stdout)
    people.update(
        {u.username: u for u in User.objects.filter(username__in=["congdan", "doanhnghiep"])}
    )
    now = timezone.now()
    items = generate(size, now=now, people=people)
    generated = time.monotonic()
    _say(stdout, f"  dossiers generated: {len(items)} ({generated - started:.1f} s)")
    written = import_history(items, actor=None)
    _say(stdout, f"  dossiers imported: {written} ({time.monotonic() - generated:.1f} s)")
    _refresh_indicators(timezone.localtime(now).date(), stdout)
    _say(stdout, f"  services demo ready ({time.monotonic() - started:.1f} s)")
