"""The tables of the open-data demo: real-shaped, generated from a seeded ``random.Random``.

Each generator returns a :class:`Table` (column names and rows); :mod:`tinhso.opendata.demo`
writes it out as CSV, XLSX, JSON or GeoJSON and uploads it through the actions. Names of
places come from the directory (the province's communes on the demo's today); figures are made
up (budget, pupils, beds, readings…) unless a generator says where it reads them from.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

__all__ = [
    "AIR_STATIONS",
    "BUDGET_SECTORS",
    "Commune",
    "Table",
    "air_quality",
    "budget_execution",
    "budget_revenue",
    "health_facilities",
    "monthly_series",
    "places",
    "population",
    "schools",
]


@dataclass(frozen=True)
class Commune:
    """A commune or ward of the province, as the tables name and place it."""

    code: str
    name: str
    latitude: float
    longitude: float


@dataclass
class Table:
    """A table to publish: column names and rows of plain values (str, int, float, None)."""

    columns: list[str]
    rows: list[list[Any]]

    def csv(self) -> bytes:
        """The table as UTF-8 CSV with a header row."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(["" if value is None else value for value in row] for row in self.rows)
        return buffer.getvalue().encode("utf-8")

    def xlsx(self, sheet: str = "Dữ liệu") -> bytes:
        """The table as an Excel workbook with one sheet."""
        workbook = Workbook()
        worksheet = workbook.active
        assert worksheet is not None
        worksheet.title = sheet[:31]
        worksheet.append(self.columns)
        for row in self.rows:
            worksheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def json(self) -> bytes:
        """The table as a JSON array of objects."""
        records = [dict(zip(self.columns, row, strict=True)) for row in self.rows]
        return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")

    def geojson(self, latitude: str = "vi_do", longitude: str = "kinh_do") -> bytes:
        """The table as a GeoJSON FeatureCollection of points (the coordinates' columns
        become the geometry, the others the properties)."""
        features = []
        lat_at, lon_at = self.columns.index(latitude), self.columns.index(longitude)
        for row in self.rows:
            properties = {
                column: value
                for index, (column, value) in enumerate(zip(self.columns, row, strict=True))
                if index not in (lat_at, lon_at)
            }
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [row[lon_at], row[lat_at]]},
                    "properties": properties,
                }
            )
        collection = {"type": "FeatureCollection", "features": features}
        return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def _near(rng: random.Random, commune: Commune, spread: float = 0.012) -> tuple[float, float]:
    return (
        round(commune.latitude + rng.uniform(-spread, spread), 6),
        round(commune.longitude + rng.uniform(-spread, spread), 6),
    )


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


# --- budget ------------------------------------------------------------------------------------

BUDGET_SECTORS: tuple[tuple[str, str, int], ...] = (
    ("010", "Chi quốc phòng", 310_000),
    ("040", "Chi an ninh và trật tự an toàn xã hội", 240_000),
    ("070", "Chi giáo dục - đào tạo và dạy nghề", 6_850_000),
    ("100", "Chi khoa học và công nghệ", 185_000),
    ("130", "Chi y tế, dân số và gia đình", 1_920_000),
    ("160", "Chi văn hoá thông tin", 245_000),
    ("190", "Chi phát thanh, truyền hình, thông tấn", 98_000),
    ("220", "Chi thể dục thể thao", 112_000),
    ("250", "Chi bảo vệ môi trường", 640_000),
    ("280", "Chi các hoạt động kinh tế", 3_760_000),
    ("340", "Chi hoạt động của cơ quan quản lý nhà nước, đảng, đoàn thể", 2_480_000),
    ("370", "Chi bảo đảm xã hội", 1_150_000),
)
"""Recurrent spending sectors (lĩnh vực chi) with their codes and a yearly estimate (triệu đồng)."""

REVENUE_SOURCES: tuple[tuple[str, int], ...] = (
    ("Thu từ khu vực doanh nghiệp nhà nước", 820_000),
    ("Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài", 6_400_000),
    ("Thu từ khu vực công thương nghiệp, dịch vụ ngoài quốc doanh", 3_150_000),
    ("Thuế thu nhập cá nhân", 2_050_000),
    ("Lệ phí trước bạ", 980_000),
    ("Thu tiền sử dụng đất", 14_500_000),
    ("Thuế bảo vệ môi trường", 1_100_000),
    ("Thu phí, lệ phí", 420_000),
    ("Thu từ hoạt động xuất nhập khẩu", 5_300_000),
)
"""Budget revenue sources (nguồn thu) and a yearly estimate (triệu đồng)."""

QUARTER_SHARE = (0.19, 0.24, 0.25, 0.32)


def budget_execution(rng: random.Random, years: Sequence[int], last_quarter: int) -> Table:
    """Recurrent spending by quarter and sector: estimate, spent in the quarter, year to date."""
    table = Table(
        [
            "nam",
            "quy",
            "ma_linh_vuc",
            "linh_vuc_chi",
            "du_toan_nam_trieu_dong",
            "thuc_hien_quy_trieu_dong",
            "luy_ke_trieu_dong",
            "ty_le_so_du_toan_phan_tram",
        ],
        [],
    )
    for year in years:
        growth = 1.0 + 0.08 * (year - 2025)
        for code, name, estimate in BUDGET_SECTORS:
            planned = round(estimate * growth * rng.uniform(0.97, 1.03))
            so_far = 0
            quarters = 4 if year < max(years) else last_quarter
            for quarter in range(1, quarters + 1):
                spent = round(planned * QUARTER_SHARE[quarter - 1] * rng.uniform(0.85, 1.1))
                so_far += spent
                table.rows.append(
                    [
                        year,
                        quarter,
                        code,
                        name,
                        planned,
                        spent,
                        so_far,
                        round(100 * so_far / planned, 1),
                    ]
                )
    return table


def budget_revenue(rng: random.Random, year: int, months: int) -> Table:
    """Budget revenue by source and month of ``year`` (triệu đồng)."""
    table = Table(["thang", "nguon_thu", "du_toan_nam_trieu_dong", "thuc_hien_trieu_dong"], [])
    for source, estimate in REVENUE_SOURCES:
        for month in range(1, months + 1):
            lumpy = 2.4 if "đất" in source and month in (6, 12) else 1.0
            amount = round(estimate / 12 * lumpy * rng.uniform(0.7, 1.25))
            table.rows.append([f"{month:02d}/{year}", source, estimate, amount])
    return table


# --- environment -------------------------------------------------------------------------------

AIR_STATIONS: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("BG01", "Trạm Quảng trường 3/2", "Phường Bắc Giang", 21.2731, 106.1946, 1.0),
    ("BG02", "Trạm Đa Mai", "Phường Đa Mai", 21.2863, 106.2180, 0.85),
    ("BG03", "Trạm Dĩnh Kế", "Phường Bắc Giang", 21.2625, 106.2201, 0.9),
    ("VY01", "Trạm KCN Quang Châu", "Phường Nếnh", 21.2186, 106.0871, 1.3),
    ("VY02", "Trạm KCN Đình Trám", "Phường Nếnh", 21.2380, 106.0740, 1.25),
    ("VY03", "Trạm Bích Động", "Phường Việt Yên", 21.2700, 106.1100, 1.05),
)
"""Automatic air monitoring stations: code, name, ward, latitude, longitude, pollution factor."""

# VN_AQI breakpoints for PM2.5 (Decision 1459/QĐ-TCMT): concentration → index.
PM25_BREAKS = (
    (0, 0),
    (25, 50),
    (50, 100),
    (80, 150),
    (150, 200),
    (250, 300),
    (350, 400),
    (500, 500),
)


def vn_aqi_pm25(value: float) -> int:
    """The VN_AQI sub-index of a PM2.5 concentration (µg/m³), linear between breakpoints."""
    for (low_c, low_i), (high_c, high_i) in itertools.pairwise(PM25_BREAKS):
        if value <= high_c:
            return round(low_i + (high_i - low_i) * (value - low_c) / (high_c - low_c))
    return 500


def air_quality(rng: random.Random, last_hour: datetime.datetime, days: int) -> Table:
    """Hourly PM2.5 and PM10 (µg/m³) of each station for ``days`` days up to ``last_hour``:
    higher in winter and at the morning and evening rush, a few hours missing."""
    table = Table(
        ["ma_tram", "ten_tram", "xa_phuong", "thoi_gian", "pm25", "pm10", "vn_aqi_pm25"], []
    )
    hours = days * 24
    first = last_hour - datetime.timedelta(hours=hours - 1)
    weather = [rng.gauss(0, 0.25) for _ in range(days + 2)]
    for code, name, ward, _lat, _lon, factor in AIR_STATIONS:
        for step in range(hours):
            at = first + datetime.timedelta(hours=step)
            season = 1.0 + 0.45 * math.cos(2 * math.pi * (at.timetuple().tm_yday - 15) / 365)
            rush = (
                1.0
                + 0.35 * math.exp(-((at.hour - 8) ** 2) / 4)
                + 0.45 * math.exp(-((at.hour - 20) ** 2) / 6)
            )
            day_effect = math.exp(weather[(at - first).days])
            if rng.random() < 0.004:
                table.rows.append(
                    [code, name, ward, at.strftime("%Y-%m-%d %H:%M"), None, None, None]
                )
                continue
            pm25 = max(3.0, 24.0 * factor * season * rush * day_effect * rng.uniform(0.85, 1.15))
            pm10 = pm25 * rng.uniform(1.45, 1.9)
            table.rows.append(
                [
                    code,
                    name,
                    ward,
                    at.strftime("%Y-%m-%d %H:%M"),
                    round(pm25, 1),
                    round(pm10, 1),
                    vn_aqi_pm25(pm25),
                ]
            )
    return table


# --- people and places -------------------------------------------------------------------------

SCHOOL_LEVELS = (
    ("Mầm non", "Trường Mầm non", 180, 420),
    ("Tiểu học", "Trường Tiểu học", 450, 1250),
    ("Trung học cơ sở", "Trường THCS", 380, 1100),
)


def schools(rng: random.Random, communes: Sequence[Commune]) -> Table:
    """Schools of every commune (a nursery, primary and lower-secondary school each; upper-
    secondary schools in one commune of four): name, commune, level, pupils, classes, teachers."""
    table = Table(
        [
            "ten_truong",
            "cap_hoc",
            "loai_hinh",
            "xa_phuong",
            "ma_xa",
            "so_hoc_sinh",
            "so_lop",
            "so_giao_vien",
            "vi_do",
            "kinh_do",
        ],
        [],
    )
    for index, commune in enumerate(communes):
        levels = list(SCHOOL_LEVELS)
        if index % 4 == 0:
            levels.append(("Trung học phổ thông", "Trường THPT", 900, 1600))
        for level, prefix, low, high in levels:
            pupils = rng.randint(low, high)
            per_class = 28 if level == "Mầm non" else 38
            classes = max(4, round(pupils / per_class))
            lat, lon = _near(rng, commune)
            table.rows.append(
                [
                    f"{prefix} {commune.name.split(' ', 1)[-1]}",
                    level,
                    "Công lập",
                    commune.name,
                    commune.code,
                    pupils,
                    classes,
                    round(classes * rng.uniform(1.4, 2.0)),
                    lat,
                    lon,
                ]
            )
        if index % 9 == 4:
            lat, lon = _near(rng, commune)
            pupils = rng.randint(120, 300)
            table.rows.append(
                [
                    f"Trường Mầm non tư thục Hoa Sen {commune.name.split(' ', 1)[-1]}",
                    "Mầm non",
                    "Tư thục",
                    commune.name,
                    commune.code,
                    pupils,
                    max(4, round(pupils / 25)),
                    rng.randint(10, 20),
                    lat,
                    lon,
                ]
            )
    return table


HOSPITALS: tuple[tuple[str, str, int, int], ...] = (
    ("Bệnh viện Đa khoa tỉnh Bắc Giang", "Bệnh viện đa khoa tuyến tỉnh", 1200, 0),
    ("Bệnh viện Sản Nhi Bắc Giang", "Bệnh viện chuyên khoa tuyến tỉnh", 700, 0),
    ("Bệnh viện Y học cổ truyền Bắc Giang", "Bệnh viện chuyên khoa tuyến tỉnh", 250, 1),
    ("Bệnh viện Phổi Bắc Giang", "Bệnh viện chuyên khoa tuyến tỉnh", 200, 1),
    ("Bệnh viện Tâm thần Bắc Giang", "Bệnh viện chuyên khoa tuyến tỉnh", 150, 2),
    ("Bệnh viện Ung bướu Bắc Giang", "Bệnh viện chuyên khoa tuyến tỉnh", 300, 0),
    ("Bệnh viện Đa khoa tỉnh Bắc Ninh", "Bệnh viện đa khoa tuyến tỉnh", 1300, 3),
)
"""Provincial hospitals: name, type, beds, index of the commune they sit in (of the first few)."""


def health_facilities(rng: random.Random, communes: Sequence[Commune]) -> Table:
    """Hospitals, regional health centres (one commune in six) and a health station in every
    commune: name, type, beds, commune, coordinates."""
    table = Table(
        ["ten_co_so", "loai_hinh", "so_giuong", "xa_phuong", "ma_xa", "vi_do", "kinh_do"], []
    )
    for name, kind, beds, at in HOSPITALS:
        commune = communes[min(at, len(communes) - 1)]
        table.rows.append([name, kind, beds, commune.name, commune.code, *_near(rng, commune)])
    for index, commune in enumerate(communes):
        short = commune.name.split(" ", 1)[-1]
        if index % 6 == 1:
            table.rows.append(
                [
                    f"Trung tâm Y tế khu vực {short}",
                    "Trung tâm y tế khu vực",
                    rng.choice((100, 120, 150, 180, 200)),
                    commune.name,
                    commune.code,
                    *_near(rng, commune),
                ]
            )
        table.rows.append(
            [
                f"Trạm Y tế {commune.name}",
                "Trạm y tế xã, phường",
                rng.choice((5, 5, 6, 8, 10)),
                commune.name,
                commune.code,
                *_near(rng, commune, 0.006),
            ]
        )
    return table


def population(rng: random.Random, communes: Sequence[Commune], year: int) -> Table:
    """Mid-year population, households and area by commune (generated, illustrative)."""
    table = Table(
        ["ma_xa", "xa_phuong", "nam", "dan_so", "nam_gioi", "nu_gioi", "so_ho", "dien_tich_km2"], []
    )
    for commune in communes:
        urban = commune.name.startswith("Phường")
        people = rng.randint(38_000, 95_000) if urban else rng.randint(14_000, 42_000)
        men = round(people * rng.uniform(0.485, 0.505))
        area = round(rng.uniform(8, 30) if urban else rng.uniform(25, 120), 2)
        households = round(people / rng.uniform(3.3, 3.9))
        table.rows.append(
            [commune.code, commune.name, year, people, men, people - men, households, area]
        )
    return table


def places(
    rng: random.Random,
    communes: Sequence[Commune],
    *,
    names: Sequence[str],
    kind_column: str,
    kinds: Sequence[str],
    extra: tuple[str, int, int] | None = None,
    every: int = 1,
) -> Table:
    """Points of interest: for every ``every``-th commune, one place per name template
    (``{xa}`` is the commune's short name), its kind, an optional measure and coordinates."""
    columns = ["ten", kind_column, "xa_phuong", "ma_xa"]
    if extra is not None:
        columns.append(extra[0])
    table = Table([*columns, "vi_do", "kinh_do"], [])
    for commune in communes[::every]:
        short = commune.name.split(" ", 1)[-1]
        for template in names:
            row: list[Any] = [
                template.format(xa=short),
                rng.choice(kinds),
                commune.name,
                commune.code,
            ]
            if extra is not None:
                row.append(rng.randint(extra[1], extra[2]))
            table.rows.append([*row, *_near(rng, commune)])
    return table


def monthly_series(
    rng: random.Random,
    first: datetime.date,
    last: datetime.date,
    *,
    category: str,
    categories: Sequence[tuple[str, float]],
    measures: Sequence[tuple[str, float]],
    trend: float = 0.0,
    season: Sequence[float] | None = None,
    decimals: int = 0,
) -> Table:
    """A monthly series per category: each measure is ``base × category weight`` grown by
    ``trend`` a year, times the month's ``season`` factor and some noise."""
    table = Table(["thang", category, *(name for name, _base in measures)], [])
    for month in _months(first, last):
        years = (month - first).days / 365.25
        factor = (1 + trend) ** years * (season[month.month - 1] if season else 1.0)
        for label, weight in categories:
            values = []
            for _name, base in measures:
                value = base * weight * factor * rng.uniform(0.85, 1.15)
                values.append(round(value, decimals) if decimals else round(value))
            table.rows.append([month.strftime("%m/%Y"), label, *values])
    return table
