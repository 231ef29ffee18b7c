"""The datasets of the open-data demo: who publishes what, described in Vietnamese, and how
each file is made (:mod:`tinhso.opendata.demo_tables`).

Two datasets are read from the reporting app rather than generated: the one-stop dossier
statistics (the ``DOSSIERS_*`` values the services app computed) and the procedure catalogue
counts (``PROCEDURES_*``). The administrative units come from the directory.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from tinhso.directory import queries as directory
from tinhso.directory.choices import UnitLevel
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import DataValue
from tinhso.opendata.choices import Frequency
from tinhso.opendata.demo_tables import (
    AIR_STATIONS,
    Commune,
    Table,
    air_quality,
    budget_execution,
    budget_revenue,
    health_facilities,
    monthly_series,
    places,
    population,
    schools,
)
from tinhso.opendata.forms import slug_for

__all__ = ["SPECS", "Builder", "Spec", "Upload"]

MIMETYPES = {
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
}
LEVEL_NAMES = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
ILLUSTRATIVE = (
    " Số liệu minh hoạ, sinh tự động cho bản trình diễn: chưa có số liệu tính từ hệ thống "
    "một cửa trong phân hệ báo cáo."
)
SEASON_TET = (0.8, 0.65, 1.0, 1.0, 1.02, 1.0, 0.98, 0.98, 1.02, 1.05, 1.08, 1.25)


@dataclass(frozen=True)
class Upload:
    """A file to attach to a dataset."""

    name: str
    format: str
    filename: str
    data: bytes
    description: str = ""

    @property
    def mimetype(self) -> str:
        return MIMETYPES.get(self.format, "application/octet-stream")


@dataclass
class Builder:
    """What the files are made from: a seeded generator, the demo's today and places."""

    rng: random.Random
    today: datetime.date
    now: datetime.datetime
    province: AdministrativeUnit
    communes: list[Commune]
    air_days: int
    notes: dict[str, str] = field(default_factory=dict)

    def csv(self, name: str, filename: str, table: Table, description: str = "") -> Upload:
        return Upload(name, "CSV", f"{filename}.csv", table.csv(), description)

    def xlsx(self, name: str, filename: str, table: Table, description: str = "") -> Upload:
        return Upload(name, "XLSX", f"{filename}.xlsx", table.xlsx(), description)

    def json(self, name: str, filename: str, table: Table, description: str = "") -> Upload:
        return Upload(name, "JSON", f"{filename}.json", table.json(), description)

    def geojson(self, name: str, filename: str, table: Table, description: str = "") -> Upload:
        return Upload(name, "GEOJSON", f"{filename}.geojson", table.geojson(), description)

    def months(self, first: datetime.date) -> tuple[datetime.date, datetime.date]:
        """From ``first`` to the end of last month."""
        return first, self.today.replace(day=1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Spec:
    """One demo dataset. ``workflow``: ``active``, ``private``, ``draft`` or ``pending``."""

    agency: str
    title: str
    notes: str
    themes: tuple[str, ...]
    tags: tuple[str, ...]
    frequency: str
    files: Callable[[Builder], list[Upload]]
    slug: str = ""
    title_en: str = ""
    license: str = "cc-by"
    workflow: str = "active"
    temporal: Callable[[Builder], tuple[datetime.date, datetime.date]] | None = None
    popularity: float = 1.0

    @property
    def name(self) -> str:
        return self.slug or slug_for(self.title)


def _since(year: int, month: int = 1) -> Callable[[Builder], tuple[datetime.date, datetime.date]]:
    return lambda b: (datetime.date(year, month, 1), b.today)


def _year(year: int) -> Callable[[Builder], tuple[datetime.date, datetime.date]]:
    return lambda _b: (datetime.date(year, 1, 1), datetime.date(year, 12, 31))


# --- tables read from the directory and the reporting app -------------------------------------


def units_table(b: Builder) -> Table:
    """The province and the units below it today, from the directory."""
    units = [b.province, *directory.descendants(b.province, b.today)]
    by_pk = {unit.pk: unit for unit in units}
    table = Table(["ma", "ten", "loai", "cap", "ma_cap_tren", "ten_cap_tren", "hieu_luc_tu"], [])
    for unit in units:
        parent = by_pk.get(unit.parent_id) if unit.parent_id else None
        table.rows.append(
            [
                unit.code,
                unit.name,
                str(unit.get_type_display()),
                str(UnitLevel(unit.level).label),
                parent.code if parent else None,
                parent.name if parent else None,
                unit.valid_from.strftime("%d/%m/%Y"),
            ]
        )
    return table


DOSSIER_COLUMNS = {
    "DOSSIERS_RECEIVED": "tiep_nhan",
    "DOSSIERS_ONLINE": "tiep_nhan_truc_tuyen",
    "DOSSIERS_RESOLVED": "da_giai_quyet",
    "DOSSIERS_ON_TIME": "truoc_han_va_dung_han",
    "DOSSIERS_DIGITAL_RESULT": "ket_qua_dien_tu",
    "DOSSIERS_RATED": "duoc_danh_gia",
    "DOSSIERS_SATISFIED": "hai_long",
}
CATALOGUE_COLUMNS = {
    "PROCEDURES_TOTAL": "thu_tuc_dang_ap_dung",
    "PROCEDURES_ONLINE": "thu_tuc_truc_tuyen",
}


def _province_values(codes: dict[str, str], period_length: int) -> Table | None:
    """The computed values of ``codes`` on the province, by period (codes of
    ``period_length`` characters) and level; None when the reporting app has none."""
    cells: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    values = DataValue.objects.filter(
        data_element__code__in=codes,
        source=ValueSource.COMPUTED,
        unit__code=settings.TINHSO_PROVINCE_CODE,
        unit__level=UnitLevel.PROVINCE,
    ).values_list("data_element__code", "period", "dimensions", "value")
    for code, period, dimensions, value in values:
        if len(period) == period_length:
            cells[period, dimensions.get("level", "")][codes[code]] = value
    if not cells:
        return None
    table = Table(["ky", "cap", *codes.values()], [])
    for (period, level), row in sorted(cells.items()):
        label = f"{period[4:]}/{period[:4]}" if period_length == 6 else period
        table.rows.append(
            [label, LEVEL_NAMES.get(level, level)]
            + [int(row.get(column, 0)) for column in codes.values()]
        )
    return table


def dossier_files(b: Builder) -> list[Upload]:
    """The one-stop dossier statistics by month and level, from the reporting app."""
    table = _province_values(DOSSIER_COLUMNS, 6)
    if table is None:
        b.notes["thong-ke-ho-so-thu-tuc-hanh-chinh"] = ILLUSTRATIVE
        table = monthly_series(
            b.rng,
            *b.months(datetime.date(2025, 7, 1)),
            category="cap",
            categories=[("Cấp tỉnh", 1.0), ("Cấp xã", 2.6)],
            measures=[
                ("tiep_nhan", 1500),
                ("tiep_nhan_truc_tuyen", 1100),
                ("da_giai_quyet", 1450),
                ("truoc_han_va_dung_han", 1380),
            ],
            season=SEASON_TET,
        )
    return [
        b.csv("Hồ sơ theo tháng và cấp", "ho-so-theo-thang", table),
        b.xlsx("Hồ sơ theo tháng và cấp (Excel)", "ho-so-theo-thang", table),
    ]


def catalogue_files(b: Builder) -> list[Upload]:
    """The procedure catalogue counts by half-year and level, from the reporting app."""
    table = _province_values(CATALOGUE_COLUMNS, 6)
    if table is None:
        b.notes["so-luong-thu-tuc-hanh-chinh-va-dich-vu-cong-truc-tuyen"] = ILLUSTRATIVE
        table = Table(
            ["ky", "cap", *CATALOGUE_COLUMNS.values()],
            [
                ["2025S2", "Cấp tỉnh", 1460, 1180],
                ["2025S2", "Cấp xã", 410, 352],
                ["2026S1", "Cấp tỉnh", 1472, 1236],
                ["2026S1", "Cấp xã", 418, 371],
            ],
        )
    return [b.csv("Số thủ tục theo kỳ và cấp", "thu-tuc-theo-ky", table)]


# --- generic shapes -------------------------------------------------------------------------


def _monthly(
    filename: str,
    label: str,
    first: datetime.date,
    category: str,
    categories: list[tuple[str, float]],
    measures: list[tuple[str, float]],
    *,
    trend: float = 0.05,
    season: tuple[float, ...] | None = None,
    decimals: int = 0,
    xlsx: bool = False,
) -> Callable[[Builder], list[Upload]]:
    def files(b: Builder) -> list[Upload]:
        table = monthly_series(
            b.rng,
            *b.months(first),
            category=category,
            categories=categories,
            measures=measures,
            trend=trend,
            season=season,
            decimals=decimals,
        )
        uploads = [b.csv(label, filename, table)]
        if xlsx:
            uploads.append(b.xlsx(f"{label} (Excel)", filename, table))
        return uploads

    return files


def _places(
    filename: str,
    label: str,
    names: list[str],
    kind_column: str,
    kinds: list[str],
    *,
    extra: tuple[str, int, int] | None = None,
    every: int = 1,
) -> Callable[[Builder], list[Upload]]:
    def files(b: Builder) -> list[Upload]:
        table = places(
            b.rng,
            b.communes,
            names=names,
            kind_column=kind_column,
            kinds=kinds,
            extra=extra,
            every=every,
        )
        return [b.csv(label, filename, table), b.geojson(f"{label} (bản đồ)", filename, table)]

    return files


def _fixed(
    filename: str, label: str, columns: list[str], rows: list[list[object]]
) -> Callable[[Builder], list[Upload]]:
    def files(b: Builder) -> list[Upload]:
        return [b.csv(label, filename, Table(columns, [list(row) for row in rows]))]

    return files


# --- the datasets ---------------------------------------------------------------------------

UBND = "Ủy ban nhân dân tỉnh Bắc Ninh"
VP = "Văn phòng Ủy ban nhân dân tỉnh Bắc Ninh"
KHCN = "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"
NNMT = "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh"
TC = "Sở Tài chính tỉnh Bắc Ninh"
NV = "Sở Nội vụ tỉnh Bắc Ninh"
YT = "Sở Y tế tỉnh Bắc Ninh"
GD = "Sở Giáo dục và Đào tạo tỉnh Bắc Ninh"
XD = "Sở Xây dựng tỉnh Bắc Ninh"
CT = "Sở Công Thương tỉnh Bắc Ninh"
VH = "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Ninh"
TTHC = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"
CA = "Công an tỉnh Bắc Ninh"
P_BG = "Ủy ban nhân dân phường Bắc Giang"
P_DM = "Ủy ban nhân dân phường Đa Mai"
P_YD = "Ủy ban nhân dân phường Yên Dũng"
X_TD = "Ủy ban nhân dân xã Tuấn Đạo"
X_ND = "Ủy ban nhân dân xã Nam Dương"
X_LN = "Ủy ban nhân dân xã Lục Ngạn"

M = Frequency.MONTHLY
Q = Frequency.QUARTERLY
Y = Frequency.ANNUAL
D = datetime.date


def _budget_files(b: Builder) -> list[Upload]:
    last_quarter = max(1, (b.today.month - 1) // 3)
    table = budget_execution(b.rng, (2025, b.today.year), last_quarter)
    return [
        b.csv("Thực hiện chi theo quý và lĩnh vực", "thuc-hien-chi-ngan-sach", table),
        b.xlsx("Thực hiện chi theo quý và lĩnh vực (Excel)", "thuc-hien-chi-ngan-sach", table),
    ]


def _estimate_files(b: Builder) -> list[Upload]:
    table = budget_execution(b.rng, (b.today.year,), 1)
    table.columns = table.columns[:5]
    table.rows = [row[:5] for row in table.rows]
    return [b.csv("Dự toán chi theo lĩnh vực", "du-toan-chi", table)]


def _revenue_files(b: Builder) -> list[Upload]:
    table = budget_revenue(b.rng, b.today.year, b.today.month - 1)
    return [b.csv("Thu ngân sách theo tháng và nguồn thu", "thu-ngan-sach", table)]


def _air_files(b: Builder) -> list[Upload]:
    last = b.now.replace(minute=0, second=0, microsecond=0, tzinfo=None)
    table = air_quality(b.rng, last - datetime.timedelta(hours=1), b.air_days)
    return [
        b.csv(
            "Số liệu quan trắc theo giờ",
            "chat-luong-khong-khi-theo-gio",
            table,
            "PM2.5, PM10 (µg/m³) trung bình giờ và chỉ số VN_AQI theo PM2.5.",
        )
    ]


def _stations_files(b: Builder) -> list[Upload]:
    table = Table(
        ["ma_tram", "ten_tram", "xa_phuong", "vi_do", "kinh_do"],
        [[code, name, ward, lat, lon] for code, name, ward, lat, lon, _f in AIR_STATIONS],
    )
    return [
        b.csv("Danh sách trạm", "tram-quan-trac", table),
        b.geojson("Vị trí trạm (bản đồ)", "tram-quan-trac", table),
    ]


def _school_files(b: Builder) -> list[Upload]:
    table = schools(b.rng, b.communes)
    return [
        b.csv("Danh sách trường", "truong-hoc", table),
        b.xlsx("Danh sách trường (Excel)", "truong-hoc", table),
        b.geojson("Vị trí trường (bản đồ)", "truong-hoc", table),
    ]


def _health_files(b: Builder) -> list[Upload]:
    table = health_facilities(b.rng, b.communes)
    return [
        b.csv("Danh sách cơ sở", "co-so-kham-chua-benh", table),
        b.geojson("Vị trí cơ sở (bản đồ)", "co-so-kham-chua-benh", table),
    ]


def _units_files(b: Builder) -> list[Upload]:
    table = units_table(b)
    return [
        b.csv("Danh mục đơn vị hành chính", "don-vi-hanh-chinh", table),
        b.json("Danh mục đơn vị hành chính (JSON)", "don-vi-hanh-chinh", table),
    ]


def _population_files(b: Builder) -> list[Upload]:
    table = population(b.rng, b.communes, 2025)
    return [
        b.csv("Dân số theo xã, phường", "dan-so-theo-xa", table),
        b.xlsx("Dân số theo xã, phường (Excel)", "dan-so-theo-xa", table),
    ]


SECTORS_TTHC = [
    ("Hộ tịch", 3.0),
    ("Chứng thực", 2.5),
    ("Đất đai", 1.6),
    ("Đăng ký kinh doanh", 0.9),
    ("Xây dựng", 0.5),
    ("Lao động - việc làm", 0.6),
]

SPECS: tuple[Spec, ...] = (
    # Sở Tài chính: budget, investment, enterprises.
    Spec(
        TC,
        "Tình hình thực hiện chi ngân sách địa phương theo quý và lĩnh vực",
        "Dự toán năm, số thực hiện trong quý và luỹ kế chi thường xuyên ngân sách địa phương theo "
        "lĩnh vực chi (mã lĩnh vực theo mục lục ngân sách nhà nước), đơn vị triệu đồng.",
        ("kinh-te-tai-chinh", "chinh-quyen"),
        ("ngân sách", "chi ngân sách", "công khai ngân sách", "tài chính"),
        Q,
        _budget_files,
        slug="thuc-hien-chi-ngan-sach",
        title_en="Local budget spending by quarter and sector",
        temporal=_since(2025),
        popularity=2.4,
    ),
    Spec(
        TC,
        "Dự toán chi ngân sách địa phương năm hiện hành theo lĩnh vực",
        "Dự toán chi thường xuyên được Hội đồng nhân dân tỉnh quyết định, theo lĩnh vực chi.",
        ("kinh-te-tai-chinh",),
        ("ngân sách", "dự toán", "công khai ngân sách"),
        Y,
        _estimate_files,
        temporal=_year(2026),
        popularity=1.2,
    ),
    Spec(
        TC,
        "Thu ngân sách nhà nước trên địa bàn theo tháng",
        "Số thu ngân sách nhà nước trên địa bàn theo nguồn thu và tháng, triệu đồng.",
        ("kinh-te-tai-chinh",),
        ("ngân sách", "thu ngân sách", "thuế"),
        M,
        _revenue_files,
        title_en="State budget revenue by month",
        temporal=_since(2026),
        popularity=1.5,
    ),
    Spec(
        TC,
        "Doanh nghiệp đăng ký thành lập mới theo tháng",
        "Số doanh nghiệp thành lập mới và vốn đăng ký (tỷ đồng) theo loại hình, theo tháng.",
        ("kinh-te-tai-chinh",),
        ("doanh nghiệp", "đăng ký kinh doanh"),
        M,
        _monthly(
            "doanh-nghiep-thanh-lap-moi",
            "Doanh nghiệp thành lập mới",
            D(2025, 1, 1),
            "loai_hinh",
            [
                ("Công ty TNHH", 1.0),
                ("Công ty cổ phần", 0.35),
                ("Doanh nghiệp tư nhân", 0.08),
            ],
            [("so_doanh_nghiep", 260), ("von_dang_ky_ty_dong", 1900)],
            season=SEASON_TET,
        ),
        title_en="New enterprises registered by month",
        temporal=_since(2025),
        popularity=1.4,
    ),
    Spec(
        TC,
        "Kế hoạch đầu tư công năm 2026",
        "Danh mục dự án đầu tư công và kế hoạch vốn năm 2026 (bản dự thảo đang hoàn thiện).",
        ("kinh-te-tai-chinh",),
        ("đầu tư công", "dự án"),
        Y,
        _fixed(
            "ke-hoach-dau-tu-cong-2026",
            "Kế hoạch vốn",
            ["du_an", "chu_dau_tu", "von_ke_hoach_trieu_dong"],
            [
                ["Đường vành đai IV đoạn qua tỉnh", "Ban QLDA giao thông", 1_250_000],
                ["Bệnh viện Sản Nhi - cơ sở 2", "Sở Y tế", 320_000],
                ["Trường THPT chuyên - nhà đa năng", "Sở GD&ĐT", 85_000],
            ],
        ),
        workflow="draft",
    ),
    Spec(
        TC,
        "Giá bán lẻ một số mặt hàng thiết yếu",
        "Giá bình quân tháng (đồng) tại các chợ trung tâm của tỉnh.",
        ("kinh-te-tai-chinh",),
        ("giá cả", "thị trường"),
        M,
        _monthly(
            "gia-mat-hang-thiet-yeu",
            "Giá theo tháng",
            D(2025, 7, 1),
            "mat_hang",
            [
                ("Gạo tẻ thường (kg)", 15.5),
                ("Thịt lợn hơi (kg)", 62),
                ("Trứng gà (chục)", 33),
                ("Xăng RON95 (lít)", 21.5),
            ],
            [("gia_binh_quan_dong", 1000)],
            trend=0.03,
        ),
        title_en="Retail prices of essential goods",
        temporal=_since(2025, 7),
    ),
    # Sở Y tế.
    Spec(
        YT,
        "Danh sách cơ sở khám bệnh, chữa bệnh",
        "Bệnh viện tuyến tỉnh, trung tâm y tế khu vực và trạm y tế xã, phường: loại hình, số "
        "giường kế hoạch, vị trí (tọa độ WGS84, cũng có dạng GeoJSON).",
        ("y-te",),
        ("y tế", "bệnh viện", "trạm y tế", "bản đồ"),
        Y,
        _health_files,
        slug="danh-sach-co-so-kham-benh-chua-benh",
        title_en="Health facilities",
        temporal=_year(2026),
        popularity=2.0,
    ),
    Spec(
        YT,
        "Ca mắc sốt xuất huyết theo tháng và xã, phường",
        "Số ca mắc sốt xuất huyết Dengue được ghi nhận theo tháng (giám sát dịch tễ).",
        ("y-te",),
        ("dịch bệnh", "sốt xuất huyết", "y tế dự phòng"),
        M,
        _monthly(
            "sot-xuat-huyet",
            "Ca mắc theo tháng",
            D(2025, 1, 1),
            "khu_vuc",
            [("Phường Bắc Giang", 1.0), ("Phường Đa Mai", 0.6), ("Phường Nếnh", 0.9)],
            [("so_ca_mac", 6)],
            trend=-0.1,
            season=(0.2, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 2.2, 2.6, 2.0, 1.0, 0.4),
        ),
        temporal=_since(2025),
    ),
    Spec(
        YT,
        "Tiêm chủng mở rộng cho trẻ em dưới 1 tuổi theo tháng",
        "Số trẻ được tiêm đủ các mũi vắc xin trong chương trình tiêm chủng mở rộng.",
        ("y-te", "dan-so-xa-hoi"),
        ("tiêm chủng", "trẻ em", "vắc xin"),
        M,
        _monthly(
            "tiem-chung-mo-rong",
            "Tiêm chủng theo tháng",
            D(2025, 1, 1),
            "vac_xin",
            [("Viêm gan B sơ sinh", 1.0), ("Sởi mũi 1", 0.95), ("5 trong 1 mũi 3", 0.93)],
            [("so_tre_duoc_tiem", 2300)],
            trend=0.0,
        ),
        title_en="Routine immunisation of infants",
        temporal=_since(2025),
    ),
    Spec(
        YT,
        "Nhà thuốc, quầy thuốc đã được cấp giấy chứng nhận đủ điều kiện kinh doanh dược",
        "Danh sách nhà thuốc và quầy thuốc theo xã, phường.",
        ("y-te",),
        ("dược", "nhà thuốc"),
        Frequency.IRREGULAR,
        _places(
            "nha-thuoc",
            "Nhà thuốc, quầy thuốc",
            ["Nhà thuốc {xa}", "Quầy thuốc Minh Châu {xa}"],
            "loai_hinh",
            ["Nhà thuốc", "Quầy thuốc"],
            every=2,
        ),
    ),
    Spec(
        YT,
        "Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng",
        "Số người hưởng trợ cấp xã hội hằng tháng theo nhóm đối tượng (Nghị định 20/2021/NĐ-CP).",
        ("dan-so-xa-hoi",),
        ("bảo trợ xã hội", "an sinh xã hội"),
        M,
        _monthly(
            "bao-tro-xa-hoi",
            "Đối tượng theo tháng",
            D(2025, 7, 1),
            "nhom_doi_tuong",
            [("Người cao tuổi", 1.0), ("Người khuyết tật", 0.7), ("Trẻ em mồ côi", 0.05)],
            [("so_nguoi", 41000)],
            trend=0.02,
        ),
        temporal=_since(2025, 7),
    ),
    # Sở Giáo dục và Đào tạo.
    Spec(
        GD,
        "Danh sách trường học",
        "Trường mầm non, tiểu học, trung học cơ sở và trung học phổ thông: xã, phường, cấp học, "
        "loại hình, số học sinh, số lớp, số giáo viên năm học 2025–2026.",
        ("giao-duc-van-hoa",),
        ("giáo dục", "trường học", "học sinh", "bản đồ"),
        Y,
        _school_files,
        slug="danh-sach-truong-hoc",
        title_en="Schools",
        temporal=lambda _b: (D(2025, 9, 1), D(2026, 5, 31)),
        popularity=2.2,
    ),
    Spec(
        GD,
        "Kết quả thi tốt nghiệp trung học phổ thông năm 2025",
        "Số thí sinh dự thi, tỷ lệ tốt nghiệp và điểm trung bình các môn theo khu vực.",
        ("giao-duc-van-hoa",),
        ("giáo dục", "thi tốt nghiệp"),
        Y,
        _fixed(
            "thi-tot-nghiep-2025",
            "Kết quả theo khu vực",
            ["khu_vuc", "thi_sinh", "ty_le_tot_nghiep", "diem_toan", "diem_van", "diem_anh"],
            [
                ["Bắc Giang (cũ)", 24810, 99.1, 4.92, 7.21, 5.37],
                ["Bắc Ninh (cũ)", 19460, 99.5, 5.15, 7.34, 6.02],
            ],
        ),
        title_en="Upper-secondary graduation exam results 2025",
        temporal=_year(2025),
    ),
    Spec(
        GD,
        "Số học sinh, giáo viên theo cấp học",
        "Tổng hợp đầu năm học theo cấp học.",
        ("giao-duc-van-hoa",),
        ("giáo dục", "học sinh", "giáo viên"),
        Y,
        _fixed(
            "hoc-sinh-giao-vien",
            "Tổng hợp theo cấp học",
            ["nam_hoc", "cap_hoc", "so_truong", "so_hoc_sinh", "so_giao_vien"],
            [
                ["2025-2026", "Mầm non", 612, 178_400, 13_120],
                ["2025-2026", "Tiểu học", 498, 302_900, 13_870],
                ["2025-2026", "Trung học cơ sở", 455, 236_100, 11_450],
                ["2025-2026", "Trung học phổ thông", 98, 128_300, 6_020],
            ],
        ),
    ),
    # Sở Nông nghiệp và Môi trường.
    Spec(
        NNMT,
        "Chất lượng không khí tại các trạm quan trắc tự động Bắc Giang, Việt Yên",
        "Nồng độ bụi PM2.5 và PM10 trung bình giờ (µg/m³) tại các trạm quan trắc tự động, liên "
        "tục ở khu vực phường Bắc Giang và các khu công nghiệp Việt Yên, kèm chỉ số chất lượng "
        "không khí VN_AQI tính theo PM2.5. Giờ trống là giờ trạm không đo được.",
        ("moi-truong",),
        ("không khí", "bụi mịn", "PM2.5", "quan trắc", "môi trường"),
        Frequency.CONTINUOUS,
        _air_files,
        slug="chat-luong-khong-khi",
        title_en="Air quality at automatic monitoring stations (Bắc Giang, Việt Yên)",
        temporal=lambda b: (b.today - datetime.timedelta(days=b.air_days), b.today),
        popularity=3.0,
    ),
    Spec(
        NNMT,
        "Trạm quan trắc môi trường tự động",
        "Vị trí các trạm quan trắc không khí tự động, liên tục.",
        ("moi-truong",),
        ("quan trắc", "môi trường", "bản đồ"),
        Frequency.IRREGULAR,
        _stations_files,
        title_en="Automatic environmental monitoring stations",
    ),
    Spec(
        NNMT,
        "Chất lượng nước mặt sông Thương, sông Cầu",
        "Kết quả quan trắc định kỳ hằng tháng: DO, BOD5, COD, amoni (mg/l).",
        ("moi-truong",),
        ("nước mặt", "quan trắc", "sông Thương", "sông Cầu"),
        M,
        _monthly(
            "nuoc-mat",
            "Kết quả quan trắc",
            D(2025, 1, 1),
            "diem_quan_trac",
            [("Sông Thương - cầu Bắc Giang", 1.0), ("Sông Cầu - Đáp Cầu", 1.1)],
            [("do_mg_l", 5.6), ("bod5_mg_l", 5.0), ("cod_mg_l", 12.0), ("amoni_mg_l", 0.35)],
            trend=0.0,
            decimals=2,
        ),
        temporal=_since(2025),
    ),
    Spec(
        NNMT,
        "Diện tích, sản lượng vải thiều",
        "Diện tích cho thu hoạch (ha), năng suất (tạ/ha), sản lượng (tấn) vải thiều theo vùng.",
        ("nong-nghiep",),
        ("vải thiều", "nông nghiệp", "Lục Ngạn"),
        Y,
        _fixed(
            "vai-thieu",
            "Vải thiều theo vùng",
            ["nam", "vung", "dien_tich_ha", "nang_suat_ta_ha", "san_luong_tan"],
            [
                [2024, "Lục Ngạn", 15_800, 62.1, 98_100],
                [2024, "Tân Yên", 3_200, 58.4, 18_700],
                [2025, "Lục Ngạn", 15_650, 76.4, 119_600],
                [2025, "Tân Yên", 3_150, 71.2, 22_430],
            ],
        ),
        title_en="Lychee area and output",
        popularity=1.3,
    ),
    Spec(
        NNMT,
        "Lượng mưa tháng tại các trạm khí tượng",
        "Tổng lượng mưa tháng (mm) và số ngày mưa.",
        ("moi-truong", "nong-nghiep"),
        ("khí tượng", "lượng mưa"),
        M,
        _monthly(
            "luong-mua",
            "Lượng mưa theo tháng",
            D(2025, 1, 1),
            "tram",
            [("Bắc Giang", 1.0), ("Lục Ngạn", 0.9), ("Sơn Động", 1.15)],
            [("luong_mua_mm", 120), ("so_ngay_mua", 11)],
            trend=0.0,
            season=(0.2, 0.25, 0.4, 0.8, 1.6, 2.1, 2.3, 2.5, 1.7, 1.0, 0.4, 0.2),
        ),
        temporal=_since(2025),
    ),
    Spec(
        NNMT,
        "Điểm tập kết chất thải rắn sinh hoạt",
        "Vị trí điểm tập kết và tần suất thu gom chất thải rắn sinh hoạt.",
        ("moi-truong", "vung-do-thi"),
        ("rác thải", "môi trường", "bản đồ"),
        Frequency.IRREGULAR,
        _places(
            "diem-tap-ket-rac",
            "Điểm tập kết",
            ["Điểm tập kết {xa} số 1", "Điểm tập kết {xa} số 2"],
            "tan_suat_thu_gom",
            ["Hằng ngày", "2 ngày/lần"],
            every=3,
        ),
    ),
    Spec(
        NNMT,
        "Giá đất ở trong bảng giá đất giai đoạn 2026",
        "Bản dự thảo bảng giá đất ở tại một số tuyến đường chính (đồng/m²), chờ lãnh đạo duyệt.",
        ("kinh-te-tai-chinh", "vung-do-thi"),
        ("giá đất", "đất đai"),
        Y,
        _fixed(
            "bang-gia-dat",
            "Giá đất ở",
            ["tuyen_duong", "doan", "gia_dong_m2"],
            [
                ["Đường Hùng Vương", "Ngã tư Xương Giang - cầu Sông Thương", 42_000_000],
                ["Đường Nguyễn Văn Cừ", "Toàn tuyến", 35_000_000],
            ],
        ),
        workflow="pending",
    ),
    # Sở Khoa học và Công nghệ.
    Spec(
        KHCN,
        "Danh mục đơn vị hành chính cấp tỉnh, cấp xã từ ngày 01/07/2025",
        "Tỉnh Bắc Ninh và các xã, phường sau sắp xếp đơn vị hành chính (Nghị quyết "
        "1658/NQ-UBTVQH15): mã, tên, loại, cấp, đơn vị cấp trên, ngày hiệu lực. Lấy từ danh mục "
        "đơn vị hành chính của hệ thống.",
        ("chinh-quyen", "vung-do-thi"),
        ("đơn vị hành chính", "xã phường", "sáp nhập", "danh mục"),
        Frequency.IRREGULAR,
        _units_files,
        slug="don-vi-hanh-chinh",
        title_en="Administrative units from 1 July 2025",
        temporal=lambda b: (D(2025, 7, 1), b.today),
        popularity=1.8,
    ),
    Spec(
        KHCN,
        "Doanh nghiệp khoa học và công nghệ",
        "Doanh nghiệp được cấp giấy chứng nhận doanh nghiệp khoa học và công nghệ.",
        ("khoa-hoc-cong-nghe",),
        ("khoa học công nghệ", "doanh nghiệp", "đổi mới sáng tạo"),
        Frequency.IRREGULAR,
        _fixed(
            "doanh-nghiep-khcn",
            "Danh sách doanh nghiệp",
            ["ten_doanh_nghiep", "linh_vuc", "nam_cap"],
            [
                ["Công ty CP Công nghệ Nông nghiệp Lục Ngạn", "Công nghệ sinh học", 2023],
                ["Công ty TNHH Điện tử Quang Châu", "Điện tử", 2024],
                ["Công ty CP Phần mềm Kinh Bắc", "Công nghệ thông tin", 2025],
            ],
        ),
    ),
    Spec(
        KHCN,
        "Điểm truy cập Wi-Fi công cộng miễn phí",
        "Vị trí các điểm Wi-Fi công cộng do tỉnh triển khai.",
        ("khoa-hoc-cong-nghe", "vung-do-thi"),
        ("wifi", "chuyển đổi số", "bản đồ"),
        Frequency.IRREGULAR,
        _places(
            "wifi-cong-cong",
            "Điểm Wi-Fi",
            ["Wi-Fi Nhà văn hoá {xa}", "Wi-Fi UBND {xa}"],
            "toc_do",
            ["100 Mbps", "200 Mbps"],
            every=2,
        ),
        title_en="Free public Wi-Fi hotspots",
    ),
    Spec(
        KHCN,
        "Đề tài, dự án khoa học và công nghệ cấp tỉnh",
        "Đề tài, dự án đang thực hiện và đã nghiệm thu.",
        ("khoa-hoc-cong-nghe",),
        ("khoa học công nghệ", "đề tài"),
        Y,
        _fixed(
            "de-tai-khcn",
            "Danh mục đề tài",
            ["ten_de_tai", "chu_nhiem", "kinh_phi_trieu_dong", "trang_thai"],
            [
                ["Ứng dụng IoT giám sát vườn vải", "TS. Nguyễn Văn An", 1_450, "Đang thực hiện"],
                ["Bản đồ số du lịch tỉnh", "ThS. Lê Thu Hà", 980, "Đã nghiệm thu"],
            ],
        ),
    ),
    # Sở Nội vụ.
    Spec(
        NV,
        "Biên chế công chức được giao theo cơ quan",
        "Số biên chế công chức và số có mặt theo cơ quan hành chính cấp tỉnh.",
        ("chinh-quyen",),
        ("biên chế", "công chức"),
        Y,
        _fixed(
            "bien-che",
            "Biên chế theo cơ quan",
            ["co_quan", "bien_che_giao", "co_mat"],
            [
                ["Văn phòng UBND tỉnh", 92, 88],
                ["Sở Tài chính", 128, 121],
                ["Sở Y tế", 64, 60],
                ["Sở Nông nghiệp và Môi trường", 156, 149],
            ],
        ),
    ),
    Spec(
        NV,
        "Lao động được giải quyết việc làm theo quý",
        "Lao động có việc làm mới, đi làm việc ở nước ngoài theo hợp đồng.",
        ("dan-so-xa-hoi",),
        ("việc làm", "lao động"),
        Q,
        _monthly(
            "viec-lam",
            "Lao động theo tháng",
            D(2025, 1, 1),
            "hinh_thuc",
            [("Việc làm trong nước", 1.0), ("Xuất khẩu lao động", 0.12)],
            [("so_lao_dong", 3900)],
        ),
        title_en="Jobs created",
    ),
    Spec(
        NV,
        "Kết quả chỉ số cải cách hành chính của các sở, ngành",
        "Điểm chỉ số cải cách hành chính năm 2025 (bản nháp).",
        ("chinh-quyen",),
        ("cải cách hành chính", "PAR Index"),
        Y,
        _fixed(
            "par-index-so-nganh",
            "Điểm theo sở, ngành",
            ["co_quan", "diem"],
            [["Sở Tài chính", 89.4], ["Sở Y tế", 86.1]],
        ),
        workflow="draft",
    ),
    # Sở Xây dựng (also transport since 2025).
    Spec(
        XD,
        "Giấy phép xây dựng đã cấp theo tháng",
        "Số giấy phép xây dựng nhà ở riêng lẻ và công trình đã cấp.",
        ("vung-do-thi",),
        ("xây dựng", "giấy phép"),
        M,
        _monthly(
            "giay-phep-xay-dung",
            "Giấy phép theo tháng",
            D(2025, 1, 1),
            "loai_cong_trinh",
            [("Nhà ở riêng lẻ", 1.0), ("Công trình công nghiệp", 0.08)],
            [("so_giay_phep", 310)],
            season=SEASON_TET,
        ),
    ),
    Spec(
        XD,
        "Tuyến xe buýt",
        "Các tuyến xe buýt: số hiệu, điểm đầu, điểm cuối, cự ly, giá vé.",
        ("giao-thong",),
        ("xe buýt", "giao thông công cộng"),
        Frequency.IRREGULAR,
        _fixed(
            "tuyen-xe-buyt",
            "Danh sách tuyến",
            ["so_hieu", "diem_dau", "diem_cuoi", "cu_ly_km", "gia_ve_dong"],
            [
                ["01", "Bến xe Bắc Giang", "Bến xe Lục Ngạn", 42, 30_000],
                ["02", "Bến xe Bắc Giang", "KCN Quang Châu", 22, 20_000],
                ["03", "Bến xe Bắc Giang", "TP Bắc Ninh", 28, 25_000],
            ],
        ),
        title_en="Bus routes",
        popularity=1.3,
    ),
    Spec(
        XD,
        "Bến xe khách, bãi đỗ xe",
        "Vị trí bến xe khách và bãi đỗ xe công cộng.",
        ("giao-thong",),
        ("bến xe", "bãi đỗ xe", "bản đồ"),
        Frequency.IRREGULAR,
        _places(
            "ben-xe",
            "Bến xe, bãi đỗ",
            ["Bãi đỗ xe {xa}"],
            "loai_hinh",
            ["Bãi đỗ xe", "Bến xe khách"],
            extra=("suc_chua_xe", 40, 300),
            every=4,
        ),
    ),
    # Sở Công Thương.
    Spec(
        CT,
        "Chợ, siêu thị, trung tâm thương mại",
        "Hạ tầng thương mại: chợ (hạng), siêu thị, trung tâm thương mại theo xã, phường.",
        ("kinh-te-tai-chinh",),
        ("chợ", "siêu thị", "thương mại", "bản đồ"),
        Frequency.IRREGULAR,
        _places(
            "cho-sieu-thi",
            "Chợ, siêu thị",
            ["Chợ {xa}"],
            "loai_hinh",
            ["Chợ hạng 2", "Chợ hạng 3", "Siêu thị"],
            extra=("so_ho_kinh_doanh", 30, 400),
        ),
        title_en="Markets, supermarkets and shopping centres",
    ),
    Spec(
        CT,
        "Kim ngạch xuất khẩu, nhập khẩu theo tháng",
        "Kim ngạch xuất khẩu và nhập khẩu hàng hoá (triệu USD) theo nhóm hàng.",
        ("kinh-te-tai-chinh",),
        ("xuất khẩu", "nhập khẩu", "thương mại"),
        M,
        _monthly(
            "xuat-nhap-khau",
            "Kim ngạch theo tháng",
            D(2025, 1, 1),
            "nhom_hang",
            [("Điện tử, máy tính và linh kiện", 1.0), ("Dệt may", 0.08), ("Nông sản", 0.02)],
            [("xuat_khau_trieu_usd", 3600), ("nhap_khau_trieu_usd", 3100)],
            trend=0.12,
            decimals=1,
            xlsx=True,
        ),
        title_en="Exports and imports by month",
        popularity=1.6,
    ),
    Spec(
        CT,
        "Sản lượng điện thương phẩm theo tháng",
        "Điện thương phẩm (triệu kWh) theo thành phần phụ tải.",
        ("nang-luong",),
        ("điện", "năng lượng"),
        M,
        _monthly(
            "dien-thuong-pham",
            "Điện thương phẩm",
            D(2025, 1, 1),
            "thanh_phan",
            [("Công nghiệp, xây dựng", 1.0), ("Quản lý, tiêu dùng dân cư", 0.3)],
            [("trieu_kwh", 1450)],
            trend=0.09,
            decimals=1,
        ),
        title_en="Electricity sold by month",
    ),
    # Sở Văn hoá, Thể thao và Du lịch.
    Spec(
        VH,
        "Di tích lịch sử - văn hoá được xếp hạng",
        "Di tích cấp quốc gia đặc biệt, cấp quốc gia và cấp tỉnh.",
        ("giao-duc-van-hoa",),
        ("di tích", "văn hoá", "du lịch", "bản đồ"),
        Frequency.IRREGULAR,
        _places(
            "di-tich",
            "Di tích",
            ["Đình {xa}", "Chùa {xa}"],
            "cap_xep_hang",
            ["Cấp tỉnh", "Cấp quốc gia"],
            every=2,
        ),
        title_en="Listed historical and cultural sites",
        popularity=1.2,
    ),
    Spec(
        VH,
        "Lượt khách du lịch theo tháng",
        "Lượt khách (nội địa, quốc tế) và doanh thu du lịch (tỷ đồng).",
        ("giao-duc-van-hoa",),
        ("du lịch", "khách du lịch"),
        M,
        _monthly(
            "khach-du-lich",
            "Khách theo tháng",
            D(2025, 1, 1),
            "loai_khach",
            [("Nội địa", 1.0), ("Quốc tế", 0.06)],
            [("luot_khach", 210_000), ("doanh_thu_ty_dong", 190)],
            trend=0.1,
            season=(1.8, 2.2, 1.3, 0.8, 0.8, 1.0, 1.0, 0.8, 0.7, 0.7, 0.8, 0.9),
        ),
        title_en="Tourist arrivals by month",
    ),
    Spec(
        VH,
        "Lễ hội truyền thống",
        "Lễ hội truyền thống tiêu biểu: thời gian tổ chức (âm lịch), địa điểm.",
        ("giao-duc-van-hoa",),
        ("lễ hội", "văn hoá"),
        Y,
        _fixed(
            "le-hoi",
            "Danh sách lễ hội",
            ["ten_le_hoi", "thoi_gian_am_lich", "dia_diem"],
            [
                ["Lễ hội Tây Yên Tử", "Tháng Giêng", "Xã Tây Yên Tử"],
                ["Hội Lim", "13/1", "Xã Liên Bão"],
                ["Lễ hội Xương Giang", "16-17/1", "Phường Bắc Giang"],
            ],
        ),
        title_en="Traditional festivals",
    ),
    # UBND tỉnh, Văn phòng UBND tỉnh.
    Spec(
        UBND,
        "Dân số, số hộ và diện tích theo xã, phường",
        "Dân số trung bình năm 2025, số hộ và diện tích tự nhiên của các xã, phường sau sắp xếp. "
        "Số liệu minh hoạ, sinh tự động cho bản trình diễn.",
        ("dan-so-xa-hoi", "vung-do-thi"),
        ("dân số", "xã phường", "thống kê"),
        Y,
        _population_files,
        title_en="Population, households and area by commune",
        temporal=_year(2025),
        popularity=2.0,
    ),
    Spec(
        UBND,
        "Văn bản quy phạm pháp luật do UBND tỉnh ban hành",
        "Số hiệu, ngày ban hành, trích yếu, hiệu lực.",
        ("tu-phap-an-ninh", "chinh-quyen"),
        ("văn bản", "pháp luật"),
        M,
        _fixed(
            "van-ban-qppl",
            "Danh mục văn bản",
            ["so_hieu", "ngay_ban_hanh", "trich_yeu"],
            [
                ["12/2025/QĐ-UBND", "15/07/2025", "Quy định phân cấp quản lý đường bộ"],
                ["25/2025/QĐ-UBND", "02/10/2025", "Bảng giá dịch vụ xe buýt"],
                ["03/2026/QĐ-UBND", "20/01/2026", "Quy chế quản lý dữ liệu mở của tỉnh"],
            ],
        ),
        license="cc-zero",
    ),
    Spec(
        VP,
        "Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của người dân, doanh nghiệp",
        "Số phản ánh, kiến nghị tiếp nhận và đã xử lý theo lĩnh vực, theo tháng.",
        ("chinh-quyen",),
        ("phản ánh kiến nghị", "chính quyền số"),
        M,
        _monthly(
            "phan-anh-kien-nghi",
            "Phản ánh theo tháng",
            D(2025, 7, 1),
            "linh_vuc",
            [("Đất đai", 1.0), ("Môi trường", 0.7), ("Giao thông", 0.6), ("Trật tự đô thị", 0.8)],
            [("tiep_nhan", 140), ("da_xu_ly", 128)],
        ),
        title_en="Citizens' feedback received and handled",
    ),
    # Trung tâm Phục vụ hành chính công: read from the reporting app.
    Spec(
        TTHC,
        "Thống kê hồ sơ thủ tục hành chính theo tháng",
        "Hồ sơ thủ tục hành chính tiếp nhận, tiếp nhận trực tuyến, đã giải quyết, giải quyết "
        "trước hạn và đúng hạn, có kết quả điện tử, được đánh giá và hài lòng, theo tháng và cấp "
        "giải quyết. Tính tự động từ hệ thống một cửa điện tử của tỉnh.",
        ("chinh-quyen",),
        ("thủ tục hành chính", "một cửa", "dịch vụ công", "hồ sơ"),
        M,
        dossier_files,
        slug="thong-ke-ho-so-thu-tuc-hanh-chinh",
        title_en="Administrative procedure dossiers by month",
        temporal=_since(2025),
        popularity=1.7,
    ),
    Spec(
        TTHC,
        "Số lượng thủ tục hành chính và dịch vụ công trực tuyến",
        "Số thủ tục hành chính đang áp dụng và số thủ tục cung cấp dịch vụ công trực tuyến, theo "
        "kỳ sáu tháng và cấp. Tính tự động từ danh mục thủ tục của hệ thống.",
        ("chinh-quyen",),
        ("thủ tục hành chính", "dịch vụ công trực tuyến"),
        Frequency.ANNUAL_2,
        catalogue_files,
        slug="so-luong-thu-tuc-hanh-chinh-va-dich-vu-cong-truc-tuyen",
        temporal=_since(2025, 7),
    ),
    Spec(
        TTHC,
        "Hồ sơ tiếp nhận tại Trung tâm theo lĩnh vực",
        "Hồ sơ tiếp nhận trực tiếp và trực tuyến tại Trung tâm Phục vụ hành chính công, "
        "theo lĩnh vực.",
        ("chinh-quyen",),
        ("một cửa", "hồ sơ"),
        M,
        _monthly(
            "ho-so-theo-linh-vuc",
            "Hồ sơ theo lĩnh vực",
            D(2025, 7, 1),
            "linh_vuc",
            SECTORS_TTHC,
            [("truc_tiep", 160), ("truc_tuyen", 340)],
            season=SEASON_TET,
        ),
    ),
    Spec(
        KHCN,
        "Thuê bao internet băng rộng cố định và di động theo tháng",
        "Số thuê bao internet băng rộng cố định (cáp quang) và di động (4G/5G) trên địa bàn.",
        ("khoa-hoc-cong-nghe",),
        ("internet", "viễn thông", "chuyển đổi số", "5G"),
        M,
        _monthly(
            "thue-bao-internet",
            "Thuê bao theo tháng",
            D(2025, 7, 1),
            "loai_thue_bao",
            [("Băng rộng cố định", 0.35), ("Băng rộng di động", 1.0)],
            [("so_thue_bao", 2_900_000)],
            trend=0.06,
        ),
        title_en="Broadband subscriptions by month",
    ),
    Spec(
        XD,
        "Công trình giao thông đang thi công",
        "Công trình giao thông trọng điểm đang thi công: chủ đầu tư, tiến độ (%).",
        ("giao-thong",),
        ("công trình", "giao thông", "đầu tư công"),
        M,
        _fixed(
            "cong-trinh-giao-thong",
            "Công trình đang thi công",
            ["cong_trinh", "chu_dau_tu", "tien_do_phan_tram"],
            [
                ["Cầu Đồng Việt", "Ban QLDA giao thông", 74],
                ["Đường tỉnh 293 kéo dài", "Ban QLDA giao thông", 58],
                ["Nút giao QL1A - vành đai IV", "Ban QLDA giao thông", 31],
            ],
        ),
    ),
    Spec(
        VP,
        "Danh bạ điện thoại, thư điện tử công vụ của các cơ quan",
        "Đầu mối liên hệ của các sở, ban, ngành và UBND xã, phường.",
        ("chinh-quyen",),
        ("danh bạ", "liên hệ", "cơ quan nhà nước"),
        Frequency.IRREGULAR,
        _fixed(
            "danh-ba-co-quan",
            "Danh bạ",
            ["co_quan", "dien_thoai", "thu_dien_tu"],
            [
                ["Văn phòng UBND tỉnh", "0204 3854 000", "vpubnd@bacninh.gov.vn"],
                ["Sở Tài chính", "0204 3854 100", "stc@bacninh.gov.vn"],
                ["Sở Y tế", "0204 3854 200", "syt@bacninh.gov.vn"],
            ],
        ),
        license="cc-zero",
    ),
    # Công an tỉnh: internal only.
    Spec(
        CA,
        "Điểm đen tai nạn giao thông (nội bộ)",
        "Danh sách điểm đen, điểm tiềm ẩn tai nạn giao thông phục vụ điều hành; chỉ dùng trong "
        "nội bộ cơ quan.",
        ("tu-phap-an-ninh", "giao-thong"),
        ("an toàn giao thông", "tai nạn"),
        M,
        _fixed(
            "diem-den-tai-nan",
            "Điểm đen",
            ["tuyen", "km", "so_vu_12_thang"],
            [["QL1A", "Km 118+300", 7], ["QL31", "Km 42+100", 5]],
        ),
        license="other-closed",
        workflow="private",
    ),
    # Communes and wards.
    Spec(
        P_BG,
        "Dân số theo tổ dân phố phường Bắc Giang",
        "Số hộ, số nhân khẩu theo tổ dân phố.",
        ("dan-so-xa-hoi",),
        ("dân số", "tổ dân phố", "Bắc Giang"),
        Y,
        _fixed(
            "dan-so-to-dan-pho",
            "Dân số theo tổ dân phố",
            ["to_dan_pho", "so_ho", "nhan_khau"],
            [[f"Tổ dân phố số {n}", 180 + 7 * n, 640 + 23 * n] for n in range(1, 25)],
        ),
        temporal=_year(2025),
    ),
    Spec(
        P_BG,
        "Điểm trông giữ xe phường Bắc Giang",
        "Điểm trông giữ xe được cấp phép trên vỉa hè, lòng đường.",
        ("giao-thong", "vung-do-thi"),
        ("trông giữ xe", "Bắc Giang", "bản đồ"),
        Frequency.IRREGULAR,
        _fixed(
            "trong-giu-xe",
            "Điểm trông giữ xe",
            ["dia_diem", "loai_xe", "suc_chua", "vi_do", "kinh_do"],
            [
                ["Đường Nguyễn Văn Cừ", "Ô tô", 40, 21.2745, 106.1921],
                ["Quảng trường 3/2", "Xe máy", 300, 21.2731, 106.1946],
            ],
        ),
    ),
    Spec(
        P_BG,
        "Kết quả thu gom rác thải sinh hoạt phường Bắc Giang",
        "Khối lượng rác thải sinh hoạt thu gom (tấn) theo tháng.",
        ("moi-truong",),
        ("rác thải", "Bắc Giang"),
        M,
        _monthly(
            "thu-gom-rac-bac-giang",
            "Khối lượng theo tháng",
            D(2025, 7, 1),
            "loai_rac",
            [("Rác sinh hoạt", 1.0), ("Rác tái chế", 0.12)],
            [("khoi_luong_tan", 2100)],
            decimals=1,
        ),
    ),
    Spec(
        P_DM,
        "Hộ kinh doanh đăng ký mới phường Đa Mai",
        "Số hộ kinh doanh đăng ký mới theo ngành nghề, theo tháng.",
        ("kinh-te-tai-chinh",),
        ("hộ kinh doanh", "Đa Mai"),
        M,
        _monthly(
            "ho-kinh-doanh-da-mai",
            "Hộ kinh doanh theo tháng",
            D(2025, 7, 1),
            "nganh_nghe",
            [("Bán lẻ", 1.0), ("Ăn uống", 0.7), ("Dịch vụ", 0.5)],
            [("so_ho", 14)],
        ),
    ),
    Spec(
        P_DM,
        "Nhà văn hoá tổ dân phố phường Đa Mai",
        "Danh sách nhà văn hoá, diện tích, sức chứa.",
        ("giao-duc-van-hoa",),
        ("nhà văn hoá", "Đa Mai"),
        Frequency.IRREGULAR,
        _fixed(
            "nha-van-hoa-da-mai",
            "Nhà văn hoá",
            ["ten", "dien_tich_m2", "suc_chua"],
            [[f"Nhà văn hoá tổ dân phố {n}", 120 + 5 * n, 80 + 4 * n] for n in range(1, 13)],
        ),
    ),
    Spec(
        P_YD,
        "Hộ nghèo, hộ cận nghèo phường Yên Dũng",
        "Số hộ nghèo, cận nghèo theo tổ dân phố (chuẩn nghèo đa chiều 2022–2025).",
        ("dan-so-xa-hoi",),
        ("hộ nghèo", "an sinh xã hội", "Yên Dũng"),
        Y,
        _fixed(
            "ho-ngheo-yen-dung",
            "Hộ nghèo theo tổ dân phố",
            ["to_dan_pho", "ho_ngheo", "ho_can_ngheo"],
            [[f"Tổ dân phố {n}", n % 4, 2 + n % 5] for n in range(1, 19)],
        ),
        temporal=_year(2025),
    ),
    Spec(
        P_YD,
        "Lịch tiếp công dân phường Yên Dũng",
        "Lịch tiếp công dân định kỳ của lãnh đạo phường năm 2026.",
        ("chinh-quyen",),
        ("tiếp công dân", "Yên Dũng"),
        M,
        _fixed(
            "tiep-cong-dan-yen-dung",
            "Lịch tiếp công dân",
            ["ngay", "nguoi_tiep", "dia_diem"],
            [
                [f"{day:02d}/{month:02d}/2026", "Chủ tịch UBND phường", "Trụ sở UBND phường"]
                for month in range(1, 13)
                for day in (10, 25)
            ],
        ),
    ),
    Spec(
        X_TD,
        "Diện tích cây ăn quả xã Tuấn Đạo",
        "Diện tích (ha) các loại cây ăn quả chính theo thôn.",
        ("nong-nghiep",),
        ("cây ăn quả", "nông nghiệp", "Tuấn Đạo"),
        Y,
        _fixed(
            "cay-an-qua-tuan-dao",
            "Diện tích theo thôn",
            ["thon", "cay_trong", "dien_tich_ha"],
            [
                [f"Thôn {name}", crop, area]
                for name, crop, area in (
                    ("Đồng Băm", "Vải thiều", 42.5),
                    ("Đồng Băm", "Na", 12.0),
                    ("Hạ", "Cam", 18.3),
                    ("Trung", "Bưởi", 9.7),
                )
            ],
        ),
    ),
    Spec(
        X_TD,
        "Đường giao thông nông thôn xã Tuấn Đạo",
        "Chiều dài (km) đường trục xã, trục thôn đã cứng hoá.",
        ("giao-thong",),
        ("nông thôn mới", "giao thông nông thôn"),
        Y,
        _fixed(
            "duong-nong-thon-tuan-dao",
            "Đường giao thông",
            ["loai_duong", "chieu_dai_km", "da_cung_hoa_km"],
            [["Trục xã", 18.4, 18.4], ["Trục thôn", 42.1, 39.6], ["Ngõ xóm", 61.0, 52.3]],
        ),
    ),
    Spec(
        X_ND,
        "Kế hoạch sử dụng đất năm 2026 xã Nam Dương",
        "Bản nháp kế hoạch sử dụng đất.",
        ("vung-do-thi",),
        ("đất đai", "quy hoạch", "Nam Dương"),
        Y,
        _fixed(
            "ke-hoach-su-dung-dat-nam-duong",
            "Chỉ tiêu sử dụng đất",
            ["loai_dat", "dien_tich_ha"],
            [["Đất trồng lúa", 620.4], ["Đất ở nông thôn", 210.8], ["Đất cụm công nghiệp", 45.0]],
        ),
        workflow="draft",
    ),
    Spec(
        X_LN,
        "Sản lượng vải thiều theo thôn xã Lục Ngạn năm 2025",
        "Diện tích và sản lượng vải thiều theo thôn, vụ 2025.",
        ("nong-nghiep",),
        ("vải thiều", "Lục Ngạn", "nông nghiệp"),
        Y,
        _fixed(
            "vai-thieu-luc-ngan",
            "Sản lượng theo thôn",
            ["thon", "dien_tich_ha", "san_luong_tan"],
            [[f"Thôn {n}", 80 + 3 * n, 600 + 25 * n] for n in range(1, 16)],
        ),
        title_en="Lychee output by village, Lục Ngạn 2025",
        temporal=_year(2025),
        popularity=1.5,
    ),
    Spec(
        X_LN,
        "Cơ sở thu mua, sơ chế vải thiều xã Lục Ngạn",
        "Điểm thu mua, sơ chế, đóng gói vải thiều (mã số vùng trồng, cơ sở đóng gói).",
        ("nong-nghiep",),
        ("vải thiều", "truy xuất nguồn gốc", "Lục Ngạn", "bản đồ"),
        Y,
        _fixed(
            "co-so-thu-mua-vai",
            "Cơ sở thu mua",
            ["ten_co_so", "ma_co_so_dong_goi", "vi_do", "kinh_do"],
            [
                ["HTX Vải thiều Phì Điền", "VN-BGPH-001", 21.3705, 106.5820],
                ["Cơ sở Hồng Giang", "VN-BGPH-014", 21.3982, 106.6123],
            ],
        ),
    ),
    Spec(
        X_LN,
        "Kết quả xây dựng nông thôn mới xã Lục Ngạn",
        "Các tiêu chí nông thôn mới nâng cao và kết quả đạt (đang chờ lãnh đạo duyệt).",
        ("nong-nghiep", "chinh-quyen"),
        ("nông thôn mới",),
        Y,
        _fixed(
            "nong-thon-moi-luc-ngan",
            "Tiêu chí",
            ["tieu_chi", "ket_qua"],
            [["Giao thông", "Đạt"], ["Thu nhập", "Đạt"], ["Môi trường", "Chưa đạt"]],
        ),
        workflow="pending",
    ),
)
