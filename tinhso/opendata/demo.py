"""Demo data of the open data portal (``tinhso demo``, step ``opendata``).

Through :mod:`tinhso.opendata.actions` only (actor None, the system), on top of the directory's
demo agencies: the licences and themes, a publishing organisation for each of the 19 agencies
of the new Bắc Ninh, about 60 datasets (:data:`tinhso.opendata.demo_specs.SPECS`) with
CSV/XLSX/JSON/GeoJSON files generated from a fixed seed (:mod:`tinhso.opendata.demo_tables`),
a few drafts, datasets awaiting approval and one private dataset so the workflow shows, citizens'
problem reports, requests and ratings, and six months of daily usage counts.

Tabular files are queued for the datastore when their resource is created
(``actions.create_resource``); the task worker that ``tinhso demo`` starts with the server
loads them. The dossier statistics and the procedure catalogue counts are read from the
reporting app (the values the services app computed into it, step ``services``); without them
the dataset says it is illustrative and carries a generated table instead. Finally the
portal's computed indicators (:mod:`tinhso.opendata.computed`) are stored for every period the
usage covers, so the scorecard's open-data target shows the portal's own figures.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable
from typing import Any, TextIO

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.directory import queries as directory
from tinhso.directory.choices import UnitLevel
from tinhso.directory.models import AdministrativeUnit, Agency
from tinhso.opendata import actions, computed
from tinhso.opendata.choices import DatasetState, TicketKind, UsageKind
from tinhso.opendata.demo_specs import SPECS, Builder, Spec
from tinhso.opendata.demo_tables import Commune
from tinhso.opendata.forms import DatasetForm
from tinhso.opendata.models import Dataset, Organization

__all__ = ["SEED", "USAGE_DAYS", "load_demo"]

SEED = 5
"""The seed of every generated table and count (issue 5, the open data portal)."""

USAGE_DAYS = 183
"""How many days of usage counts the demo spreads over (about six months)."""

AIR_DAYS = 60
"""How many days of hourly air readings the air-quality dataset holds."""

# Fallback centre of the province when the directory carries no coordinates.
CENTRE = (21.2731, 106.1946)

ORGANIZATION_NAMES = {
    "Ủy ban nhân dân tỉnh Bắc Ninh": "ubnd-tinh-bac-ninh",
    "Văn phòng Ủy ban nhân dân tỉnh Bắc Ninh": "van-phong-ubnd-tinh",
    "Sở Khoa học và Công nghệ tỉnh Bắc Ninh": "so-khoa-hoc-cong-nghe",
    "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh": "so-nong-nghiep-moi-truong",
    "Sở Tài chính tỉnh Bắc Ninh": "so-tai-chinh",
    "Sở Nội vụ tỉnh Bắc Ninh": "so-noi-vu",
    "Sở Y tế tỉnh Bắc Ninh": "so-y-te",
    "Sở Giáo dục và Đào tạo tỉnh Bắc Ninh": "so-giao-duc-dao-tao",
    "Sở Xây dựng tỉnh Bắc Ninh": "so-xay-dung",
    "Sở Công Thương tỉnh Bắc Ninh": "so-cong-thuong",
    "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Ninh": "so-van-hoa-the-thao-du-lich",
    "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh": "trung-tam-phuc-vu-hanh-chinh-cong",
    "Công an tỉnh Bắc Ninh": "cong-an-tinh",
    "Ủy ban nhân dân phường Bắc Giang": "ubnd-phuong-bac-giang",
    "Ủy ban nhân dân phường Đa Mai": "ubnd-phuong-da-mai",
    "Ủy ban nhân dân phường Yên Dũng": "ubnd-phuong-yen-dung",
    "Ủy ban nhân dân xã Tuấn Đạo": "ubnd-xa-tuan-dao",
    "Ủy ban nhân dân xã Nam Dương": "ubnd-xa-nam-duong",
    "Ủy ban nhân dân xã Lục Ngạn": "ubnd-xa-luc-ngan",
}
"""The demo agencies that publish, and their organisation's URL name."""

TICKETS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        TicketKind.PROBLEM,
        "chat-luong-khong-khi",
        "Thiếu số liệu một số giờ tại trạm KCN Quang Châu",
        "Tệp CSV có các dòng trống PM2.5 và PM10 vào ban đêm. Đề nghị bổ sung hoặc ghi chú lý do.",
        "Nguyễn Thị Hoa",
    ),
    (
        TicketKind.PROBLEM,
        "danh-sach-co-so-kham-benh-chua-benh",
        "Tọa độ Trạm Y tế bị lệch",
        "Điểm của một trạm y tế trên bản đồ nằm giữa cánh đồng, cách trạm thật khoảng 1 km.",
        "Trần Văn Nam",
    ),
    (
        TicketKind.REQUEST,
        "",
        "Đề nghị công bố dữ liệu điểm ngập úng mùa mưa",
        "Xin công bố danh sách điểm thường ngập khi mưa lớn ở phường Bắc Giang "
        "để người dân chủ động.",
        "Lê Minh Tuấn",
    ),
    (
        TicketKind.REQUEST,
        "",
        "Request: bus timetable in GTFS",
        "Could the bus routes be published in GTFS so that map apps can show them?",
        "Anna Schmidt",
    ),
)
"""Citizens' tickets: kind, dataset name (for a problem), title, body, sender."""


def _say(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def _communes(province: AdministrativeUnit, today: datetime.date) -> list[Commune]:
    """The communes and wards of the province today, with coordinates (or near its centre)."""
    rng = random.Random(SEED)
    communes = []
    for unit in directory.descendants(province, today):
        if unit.level != UnitLevel.COMMUNE:
            continue
        if unit.latitude is not None and unit.longitude is not None:
            where = (unit.latitude, unit.longitude)
        else:
            where = (CENTRE[0] + rng.uniform(-0.3, 0.3), CENTRE[1] + rng.uniform(-0.4, 0.4))
        communes.append(Commune(unit.code, unit.name, round(where[0], 6), round(where[1], 6)))
    return communes


def _organizations(today: datetime.date, stdout: TextIO | None) -> dict[str, Organization]:
    """An organisation for each demo agency that exists today, by agency name."""
    agencies = Agency.objects.filter(directory.valid_on(today), name__in=ORGANIZATION_NAMES)
    organizations = {
        agency.name: actions.ensure_organization(
            agency,
            actor=None,
            name=ORGANIZATION_NAMES[agency.name],
            description=f"Dữ liệu mở do {agency.name} công bố.",
        )
        for agency in agencies
    }
    _say(stdout, f"  organisations: {len(organizations)}")
    return organizations


def _create(spec: Spec, organization: Organization, builder: Builder) -> Dataset:
    """Create one dataset of ``spec`` through the form and the actions, with its files."""
    temporal = spec.temporal(builder) if spec.temporal else None
    uploads = spec.files(builder)
    data: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title,
        "title_en": spec.title_en,
        "notes": spec.notes + builder.notes.get(spec.name, ""),
        "organization": organization.name,
        "license": spec.license,
        "themes": list(spec.themes),
        "tags": list(spec.tags),
        "frequency": spec.frequency,
        "contact_name": f"Bộ phận dữ liệu, {organization.title}",
        "contact_email": f"dulieumo.{organization.name.replace('-', '')[:20]}@bacninh.gov.vn",
        "version": "1.0",
        "private": spec.workflow == "private",
        "spatial_unit": builder.province.pk,
        "extras": "{}",
    }
    if temporal is not None:
        data["temporal_start"], data["temporal_end"] = temporal
    form = DatasetForm(data=data)
    if not form.is_valid():
        raise ValueError(f"{spec.name}: {form.errors.as_json()}")
    state = DatasetState.DRAFT if spec.workflow in ("draft", "pending") else DatasetState.ACTIVE
    dataset = actions.create_dataset(form.cleaned_data, actor=None, state=state)
    for upload in uploads:
        actions.create_resource(
            dataset,
            {"name": upload.name, "description": upload.description, "format": upload.format},
            actor=None,
            upload=SimpleUploadedFile(upload.filename, upload.data, upload.mimetype),
        )
    if spec.workflow == "pending":
        dataset = actions.submit_dataset(
            dataset, actor=None, comment="Đề nghị lãnh đạo duyệt công bố."
        )
    return dataset


def _usage(
    datasets: Iterable[Dataset], popularity: dict[str, float], today: datetime.date, days: int
) -> dict[tuple[Any, datetime.date, str], int]:
    """Daily views, downloads and API calls of the public datasets over ``days`` days: more on
    working days, growing as the portal becomes known, scaled by each dataset's popularity."""
    rng = random.Random(SEED + 1)
    counts: dict[tuple[Any, datetime.date, str], int] = {}
    first = today - datetime.timedelta(days=days - 1)
    for dataset in datasets:
        weight = popularity.get(dataset.name, 1.0)
        for offset in range(days):
            day = first + datetime.timedelta(days=offset)
            growth = 0.5 + offset / days
            workday = 1.0 if day.weekday() < 5 else 0.45
            views = round(rng.expovariate(1 / (9 * weight * growth * workday)))
            if views:
                counts[dataset.pk, day, UsageKind.VIEW] = views
            downloads = sum(rng.random() < 0.28 for _ in range(views))
            if downloads:
                counts[dataset.pk, day, UsageKind.DOWNLOAD] = downloads
            calls = round(rng.expovariate(1 / (4 * weight * growth))) if offset > days // 3 else 0
            if calls:
                counts[dataset.pk, day, UsageKind.API] = calls
    return counts


def _citizens(datasets: dict[str, Dataset], organizations: dict[str, Organization]) -> int:
    """Open the demo tickets, answer the first, and rate popular datasets; return tickets."""
    fallback = organizations["Ủy ban nhân dân tỉnh Bắc Ninh"]
    opened = []
    for kind, name, title, body, sender in TICKETS:
        dataset = datasets.get(name)
        opened.append(
            actions.open_ticket(
                kind,
                organization=dataset.organization if dataset else fallback,
                dataset=dataset,
                title=title,
                body=body,
                requester_name=sender,
            )
        )
    actions.answer_ticket(
        opened[0],
        actor=None,
        answer="Trạm mất điện trong đêm 12/10; các giờ trống được giữ nguyên "
        "để không làm sai số liệu.",
    )
    raters = list(User.objects.filter(username__in=["congdan", "doanhnghiep"]).order_by("username"))
    rng = random.Random(SEED + 2)
    for user in raters:
        for name in ("chat-luong-khong-khi", "danh-sach-truong-hoc", "thuc-hien-chi-ngan-sach"):
            dataset = datasets.get(name)
            if dataset is not None and dataset.is_public:
                actions.rate_dataset(dataset, user=user, stars=rng.choice((4, 5, 5)))
    return len(opened)


def _refresh_indicators(first: datetime.date, today: datetime.date, stdout: TextIO | None) -> None:
    """Store the portal's computed indicators for every period from ``first`` to today."""
    from tinhso.indicators.actions import refresh_computed
    from tinhso.indicators.periods import PeriodType, periods_between

    computed.ensure_catalogue(actor=None)
    stored = 0
    for kind in PeriodType:
        for period in periods_between(kind, first, today):
            stored += refresh_computed(period, actor=None)
    _say(stdout, f"  computed indicator values: {stored}")


def load_demo(
    stdout: TextIO | None = None,
    *,
    air_days: int = AIR_DAYS,
    usage_days: int = USAGE_DAYS,
    refresh: bool = True,
) -> None:
    """Load the portal's demo (module docstring). Does nothing if its datasets exist already.

    ``air_days`` and ``usage_days`` shorten the generated history (tests); ``refresh=False``
    skips storing the computed indicators.
    """
    names = [spec.name for spec in SPECS]
    if Dataset.objects.filter(name__in=names).exists():
        _say(stdout, "  open data demo already loaded: nothing to do")
        return
    started = time.monotonic()
    today = timezone.localdate()
    province = (
        directory.units_on(today)
        .filter(code=settings.TINHSO_PROVINCE_CODE, level=UnitLevel.PROVINCE)
        .first()
    )
    if province is None:
        _say(stdout, "  no province in the directory: load the directory demo first")
        return
    actions.load_licenses()
    actions.load_themes()
    organizations = _organizations(today, stdout)
    builder = Builder(
        rng=random.Random(SEED),
        today=today,
        now=timezone.localtime(),
        province=province,
        communes=_communes(province, today),
        air_days=air_days,
    )
    datasets: dict[str, Dataset] = {}
    for spec in SPECS:
        organization = organizations.get(spec.agency)
        if organization is None:
            continue
        builder.rng = random.Random(f"{SEED}:{spec.name}")
        datasets[spec.name] = _create(spec, organization, builder)
    created = time.monotonic()
    resources = sum(dataset.resources.count() for dataset in datasets.values())
    _say(
        stdout,
        f"  datasets: {len(datasets)} with {resources} files ({created - started:.1f} s); "
        "tabular files are loaded into the datastore by the task worker",
    )
    public = [dataset for dataset in datasets.values() if dataset.is_public]
    popularity = {spec.name: spec.popularity for spec in SPECS}
    written = actions.import_usage(
        _usage(public, popularity, today, usage_days), actor=None, source="demo"
    )
    tickets = _citizens(datasets, organizations)
    _say(stdout, f"  usage days: {written}; citizens' tickets: {tickets}")
    if refresh:
        _refresh_indicators(today - datetime.timedelta(days=usage_days - 1), today, stdout)
    _say(stdout, f"  open data demo ready ({time.monotonic() - started:.1f} s)")
