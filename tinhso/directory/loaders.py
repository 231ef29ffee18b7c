"""Build and apply unit load plans: current country-wide units, and the Bắc Giang transition.

A plan is the full list of rows to upsert; applying it twice changes nothing the second time.
Sources and caveats are in ``data/units-2025/README.md``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import importlib.metadata
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from tinhso.core.text import fold
from tinhso.directory import actions
from tinhso.directory.actions import LoadStats, Progress, SuccessionRow, UnitKey, UnitRow
from tinhso.directory.choices import SuccessionKind, UnitLevel, UnitType
from tinhso.directory.corrections import corrected_code, corrected_name

DATA_DIR = Path(__file__).resolve().parent / "data" / "units-2025"

REFORM_DATE = datetime.date(2025, 7, 1)
"""The new two-tier units began work on 01/07/2025 (NQ 202/2025/QH15, NQ 1658, Điều 2)."""
OLD_FROM = datetime.date(2025, 1, 4)
"""Data version of ``vietnam-provinces`` 0.6.0: the earliest day our old-unit source vouches for."""
OLD_TO = REFORM_DATE - datetime.timedelta(days=1)
PROVINCE_FROM = datetime.date(1997, 1, 1)
"""Bắc Giang and Bắc Ninh, re-established from Hà Bắc by a 1996 resolution of the National
Assembly, began work on 01/01/1997 [S: press, ngoisao.vn 18/02/2025]. The provinces (not their
districts and communes, which changed in 2019-2024) are valid from then, so that figures reported
for 2021-2024 resolve to the province that carried Resolution 111-NQ/TU."""
PROVINCE_SOURCE = "Tái lập từ tỉnh Hà Bắc, hoạt động từ 01/01/1997 [S]"
STALE_FROM = datetime.date(2019, 7, 11)
"""HĐND Bắc Giang NQ 20/NQ-HĐND (11/07/2019), the earliest text found naming the stale units."""
STALE_TO = datetime.date(2019, 12, 31)
"""Assumes NQ 813/NQ-UBTVQH14 (2019) took effect on 01/01/2020; only the year is sourced."""

PROVINCE_MERGER_BASIS = "NQ 202/2025/QH15 (12/06/2025)"
STALE_MARK = "INFERRED-STALE"

_OLD_SOURCE = "vietnam-provinces 0.6.0 (dữ liệu 2025-01-04), data/units-2025/old_units.csv"
_TYPES_BY_LABEL = {
    "tỉnh": UnitType.TINH,
    "thành phố trung ương": UnitType.THANH_PHO_TW,
    "thành phố": UnitType.THANH_PHO,
    "thị xã": UnitType.THI_XA,
    "huyện": UnitType.HUYEN,
    "quận": UnitType.QUAN,
    "xã": UnitType.XA,
    "phường": UnitType.PHUONG,
    "thị trấn": UnitType.THI_TRAN,
    "đặc khu": UnitType.DAC_KHU,
}
_LEVELS = {
    "province": UnitLevel.PROVINCE,
    "district": UnitLevel.DISTRICT,
    "commune": UnitLevel.COMMUNE,
}
# Tables of vietnamadminunits' bundled SQLite file and the levels that carry coordinates.
_POINT_LEVELS = {
    "admin_units": ("province", "ward"),
    "admin_units_legacy": ("province", "district", "ward"),
}
_MERGED_VIA = re.compile(r"merged via [^(]*\((\d{5})\)")


@dataclass
class Plan:
    """Rows to upsert, and the corrections applied while reading the sources."""

    units: dict[UnitKey, UnitRow] = field(default_factory=dict)
    links: list[SuccessionRow] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.units) + len(self.links)

    def merge(self, other: Plan) -> Plan:
        """Return a plan with both plans' rows; a unit in both is taken from ``other``."""
        merged = Plan(dict(self.units), list(self.links), list(self.corrections))
        merged.units.update(other.units)
        merged.links.extend(other.links)
        merged.corrections.extend(c for c in other.corrections if c not in merged.corrections)
        return merged


@dataclass
class LoadReport:
    """What applying a plan did."""

    units: LoadStats
    links: LoadStats
    corrections: list[str]


def unit_type(label: str) -> UnitType:
    """Map a Vietnamese type label (``"Thị trấn"``, ``"thành phố trung ương"``) to a UnitType."""
    return _TYPES_BY_LABEL[label.strip().lower()]


def _read_csv(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _coordinates(table: str) -> dict[str, tuple[str, float, float]]:
    """Map code → (folded name, latitude, longitude) from ``vietnamadminunits``.

    Both packages are keyed on codes that sometimes disagree, so callers use a point only when
    the names agree as well.
    """
    from vietnamadminunits.database import query

    points: dict[str, tuple[str, float, float]] = {}
    for level in _POINT_LEVELS[table]:
        rows = query(
            f"SELECT DISTINCT {level}Code AS code, {level} AS name, {level}Lat AS lat, "  # noqa: S608 (constants only)
            f"{level}Lon AS lon FROM {table}"
        )
        for row in rows:
            if row["code"] and row["lat"] is not None and row["lon"] is not None:
                points[row["code"]] = (fold(row["name"]), row["lat"], row["lon"])
    return points


def _point(
    points: dict[str, tuple[str, float, float]], code: str, name: str
) -> tuple[float | None, float | None]:
    found = points.get(code)
    if found is None or found[0] != fold(name):
        return None, None
    return found[1], found[2]


def current_units_plan(
    province_codes: Collection[str] | None = None, *, coordinates: bool = True
) -> Plan:
    """Plan the current units (valid from 01/07/2025) from ``vietnam-provinces``.

    ``province_codes`` (e.g. ``{"24"}``) limits the plan to some provinces; the default is the
    whole country (34 provinces, 3,321 communes). Known code errors are corrected.
    """
    from vietnam_provinces import Province, Ward, __data_version__

    version = importlib.metadata.version("vietnam-provinces")
    source = f"vietnam-provinces {version} (dữ liệu {__data_version__})"
    points = _coordinates("admin_units") if coordinates else {}
    plan = Plan()
    for province in Province.iter_all():
        code = f"{int(province.code):02d}"
        if province_codes is not None and code not in province_codes:
            continue
        kind = unit_type(province.division_type.value)
        # The package writes centrally-run cities in full ("Thành phố Hà Nội") but provinces
        # bare ("Bắc Ninh"); every other name we hold starts with its type.
        name = f"Tỉnh {province.name}" if kind == UnitType.TINH else province.name
        lat, lon = _point(points, code, name)
        row = UnitRow(
            code=code,
            name=name,
            type=kind,
            level=UnitLevel.PROVINCE,
            valid_from=REFORM_DATE,
            latitude=lat,
            longitude=lon,
            source=source,
        )
        plan.units[row.key] = row
    for ward in Ward.iter_all():
        province_code = f"{int(ward.province_code):02d}"
        if province_codes is not None and province_code not in province_codes:
            continue
        code, correction = corrected_code(f"{int(ward.code):05d}", ward.name)
        note = ""
        if correction is not None:
            note = (
                f"Mã trong {correction.package} là {correction.package_code}; "
                f"mã chính thức {code} theo {correction.source}."
            )
            plan.corrections.append(note)
        lat, lon = _point(points, code, ward.name)
        row = UnitRow(
            code=code,
            name=ward.name,
            type=unit_type(ward.division_type.value),
            level=UnitLevel.COMMUNE,
            valid_from=REFORM_DATE,
            parent=(province_code, REFORM_DATE),
            latitude=lat,
            longitude=lon,
            source=source,
            note=note,
        )
        plan.units[row.key] = row
    return plan


def bac_giang_transition_plan(*, coordinates: bool = True) -> Plan:
    """Plan the former Bắc Giang hierarchy, the former Bắc Ninh province and their successions.

    Includes the new Bắc Ninh (24) and its communes, which the links point at. The three
    ``INFERRED-STALE`` entries become historic units ending in 2019 with inferred links.
    """
    points = _coordinates("admin_units_legacy") if coordinates else {}
    plan = current_units_plan({"24"}, coordinates=coordinates)
    stale = {
        row["old_code"]: row for row in _read_csv("mapping.csv") if STALE_MARK in row["source"]
    }
    for record in _read_csv("old_units.csv"):
        row, correction = _old_unit_row(record, stale, points)
        plan.units[row.key] = row
        if correction:
            plan.corrections.append(correction)
    former_bac_ninh = UnitRow(
        code="27",
        name="Tỉnh Bắc Ninh",
        type=UnitType.TINH,
        level=UnitLevel.PROVINCE,
        valid_from=PROVINCE_FROM,
        valid_to=OLD_TO,
        source="NSO Bảng chuyển đổi ĐVHC mới – cũ; "
        + PROVINCE_MERGER_BASIS
        + "; "
        + PROVINCE_SOURCE,
        note="Chỉ nạp cấp tỉnh: đơn vị cấp huyện, cấp xã của tỉnh Bắc Ninh cũ chưa được nạp.",
    )
    former_bac_ninh = _with_point(former_bac_ninh, points)
    plan.units[former_bac_ninh.key] = former_bac_ninh
    new_province = ("24", REFORM_DATE)
    for old_province in (("24", PROVINCE_FROM), ("27", PROVINCE_FROM)):
        plan.links.append(
            SuccessionRow(
                predecessor=old_province,
                successor=new_province,
                effective_date=REFORM_DATE,
                kind=SuccessionKind.MERGE,
                legal_basis=PROVINCE_MERGER_BASIS,
            )
        )
    for record in _read_csv("mapping.csv"):
        plan.links.append(_mapping_link(record))
    return plan


def _with_point(row: UnitRow, points: dict[str, tuple[str, float, float]]) -> UnitRow:
    lat, lon = _point(points, row.code, row.name)
    return dataclasses.replace(row, latitude=lat, longitude=lon)


def _old_unit_row(
    record: dict[str, str],
    stale: dict[str, dict[str, str]],
    points: dict[str, tuple[str, float, float]],
) -> tuple[UnitRow, str]:
    """Return the unit row of one ``old_units.csv`` record and the correction note, if any."""
    code = record["code"]
    name, correction = corrected_name(code, record["name"])
    notes = []
    if correction is not None:
        notes.append(
            f"Tên trong {correction.package}: {correction.package_name}; "
            f"tên chính thức theo {correction.source}."
        )
    level = _LEVELS[record["level"]]
    parent_from = PROVINCE_FROM if level == UnitLevel.DISTRICT else OLD_FROM
    parent: UnitKey | None = (record["parent_code"], parent_from) if record["parent_code"] else None
    valid_from = PROVINCE_FROM if level == UnitLevel.PROVINCE else OLD_FROM
    valid_to = OLD_TO
    if code in stale:
        # Stale in the source: dissolved in 2019-2020, see data/units-2025/README.md.
        valid_from, valid_to, parent = STALE_FROM, STALE_TO, None
        notes.append(
            "Đơn vị đã giải thể trước năm 2025 nhưng vẫn có trong vietnam-provinces 0.6.0, "
            f"xếp dưới mã {record['parent_code']}; thời hạn và quan hệ kế thừa là suy luận. "
            f"Ghi chú nguồn: {stale[code]['source']}."
        )
    row = UnitRow(
        code=code,
        name=name,
        type=unit_type(record["type"]),
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        parent=parent,
        source=_OLD_SOURCE + ("; " + PROVINCE_SOURCE if level == UnitLevel.PROVINCE else ""),
        note=" ".join(notes),
    )
    if code not in stale:
        row = _with_point(row, points)
    return row, notes[0] if correction is not None else ""


def _mapping_link(record: dict[str, str]) -> SuccessionRow:
    old_code, source = record["old_code"], record["source"]
    if STALE_MARK not in source:
        kept = "Giữ nguyên" in source
        return SuccessionRow(
            predecessor=(old_code, OLD_FROM),
            successor=(record["new_code"], REFORM_DATE),
            effective_date=REFORM_DATE,
            kind=SuccessionKind.KEEP if kept else SuccessionKind.MERGE,
            legal_basis=source,
        )
    merged_into = _MERGED_VIA.search(source)
    if merged_into is None:
        raise ValueError(f"mapping.csv row {old_code}: stale entry without 'merged via (code)'")
    return SuccessionRow(
        predecessor=(old_code, STALE_FROM),
        successor=(merged_into.group(1), OLD_FROM),
        effective_date=STALE_TO + datetime.timedelta(days=1),
        kind=SuccessionKind.MERGE,
        legal_basis="NQ 813/NQ-UBTVQH14 (2019)",
        inferred=True,
        note=source,
    )


def apply(
    plan: Plan,
    *,
    actor: Any = None,
    source: str = "load-units",
    batch_size: int = 500,
    progress: Progress | None = None,
) -> LoadReport:
    """Upsert a plan's units then its links in one transaction, audited per batch."""
    with transaction.atomic():
        units = actions.upsert_units(
            list(plan.units.values()),
            actor=actor,
            source=source,
            batch_size=batch_size,
            progress=progress,
        )
        links = actions.upsert_successions(
            plan.links, actor=actor, source=source, batch_size=batch_size, progress=progress
        )
    return LoadReport(units=units, links=links, corrections=plan.corrections)
