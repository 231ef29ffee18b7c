"""The demo's monitoring stations (DEMO data, not the province's real network).

Twenty-one automatic stations of the new Bắc Ninh: ambient air in Phường Bắc Giang and the
former Việt Yên (Việt Yên, Nếnh, Vân Hà wards), treated wastewater of the central treatment
plants of four industrial zones, and surface water on the Cầu and Thương rivers. Places are
approximate (read off a map, to a few hundred metres); operators, plant capacities, the QCVN 40
column and the Kq/Kf coefficients are plausible guesses marked “(dữ liệu mẫu)”, not facts.

``levels`` are each parameter's typical value; the simulator (:mod:`tinhso.environment.simulator`)
moves them through daily cycles and incidents. Wastewater COD levels sit near 55 % of the
station's Cmax, so that a COD incident (×3 to ×4) exceeds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tinhso.environment.choices import Medium

AIR = ("PM2.5", "PM10", "O3", "NO2", "SO2", "CO")
WASTEWATER = ("pH", "COD", "TSS", "NH4", "Temp", "Flow")
SURFACE_WATER = ("pH", "DO", "Temp", "BOD5", "COD", "NH4", "PO4", "TSS", "Coliform")

QCVN_05 = "QCVN 05:2023/BTNMT"
QCVN_08 = "QCVN 08:2023/BTNMT"
QCVN_40 = "QCVN 40:2011/BTNMT"

# Units of the demo directory (current codes, from 01/07/2025).
BAC_GIANG = "07210"
VIET_YEN = "07777"
NENH = "07795"
VAN_HA = "07798"
TIEN_PHONG = "07696"
XUAN_CAM = "07870"
VU_NINH = "09169"
PHU_LANG = "09292"
BO_HA = "07294"
DONG_VIET = "07735"

AGENCY = "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh"
STATE_OPERATOR = "Trung tâm Quan trắc tài nguyên và môi trường tỉnh Bắc Ninh (dữ liệu mẫu)"


@dataclass(frozen=True)
class StationGroup:
    """Stations that send through one gateway, with one station token."""

    key: str
    token_name: str


GROUPS = {
    group.key: group
    for group in (
        StationGroup("air", "Cổng dữ liệu trạm không khí (dữ liệu mẫu)"),
        StationGroup("wastewater", "Cổng dữ liệu nước thải các KCN (dữ liệu mẫu)"),
        StationGroup("river", "Cổng dữ liệu trạm nước mặt (dữ liệu mẫu)"),
    )
}


@dataclass(frozen=True)
class StationSpec:
    """One demo station and its typical levels."""

    code: str
    name: str
    medium: Medium
    group: str
    unit_code: str
    latitude: float
    longitude: float
    levels: dict[str, float]
    operator: str = STATE_OPERATOR
    industrial_zone: str = ""
    facility: str = ""
    limit_code: str = ""
    limit_column: str = ""
    kq: float | None = None
    kf: float | None = None
    tt10: tuple[str, str, str] = ("", "", "")

    @property
    def parameter_codes(self) -> tuple[str, ...]:
        """The parameters the station measures (its levels' keys, in the medium's order)."""
        order = {Medium.AIR: AIR, Medium.WASTEWATER: WASTEWATER}.get(self.medium, SURFACE_WATER)
        return tuple(code for code in order if code in self.levels)


def _air(code: str, name: str, unit: str, lat: float, lon: float, pm25: float) -> StationSpec:
    """An ambient-air station; ``pm25`` sets the place's pollution (traffic, industry)."""
    scale = pm25 / 38
    return StationSpec(
        code=code,
        name=name,
        medium=Medium.AIR,
        group="air",
        unit_code=unit,
        latitude=lat,
        longitude=lon,
        levels={
            "PM2.5": pm25,
            "PM10": pm25 * 1.6,
            "O3": 70.0,
            "NO2": 30 * scale,
            "SO2": 14 * scale,
            "CO": 1100 * scale,
        },
        limit_code=QCVN_05,
    )


def _wastewater(
    code: str,
    zone: str,
    unit: str,
    lat: float,
    lon: float,
    *,
    column: str,
    kq: float,
    kf: float,
    flow: float,
    tt10: str,
) -> StationSpec:
    """The outfall of an industrial zone's central treatment plant (QCVN 40:2011)."""
    c_cod, c_tss, c_nh4 = (75, 50, 5) if column == "A" else (150, 100, 10)
    k = kq * kf
    return StationSpec(
        code=code,
        name=f"Nước thải sau xử lý, trạm XLNT tập trung {zone}",
        medium=Medium.WASTEWATER,
        group="wastewater",
        unit_code=unit,
        latitude=lat,
        longitude=lon,
        levels={
            "pH": 7.2,
            "COD": round(0.55 * c_cod * k, 1),
            "TSS": round(0.45 * c_tss * k, 1),
            "NH4": round(0.4 * c_nh4 * k, 2),
            "Temp": 29.0,
            "Flow": flow,
        },
        operator=f"Công ty đầu tư hạ tầng {zone} (dữ liệu mẫu)",
        industrial_zone=zone,
        facility=f"Trạm xử lý nước thải tập trung {zone} (dữ liệu mẫu)",
        limit_code=QCVN_40,
        limit_column=column,
        kq=kq,
        kf=kf,
        tt10=("BACNINH", tt10, "NT01"),
    )


def _river(
    code: str, name: str, unit: str, lat: float, lon: float, *, pollution: float
) -> StationSpec:
    """A surface-water station; ``pollution`` 1 is a fairly clean reach, 2 a loaded one."""
    return StationSpec(
        code=code,
        name=name,
        medium=Medium.SURFACE_WATER,
        group="river",
        unit_code=unit,
        latitude=lat,
        longitude=lon,
        levels={
            "pH": 7.3,
            "DO": round(6.4 - 1.0 * pollution, 1),
            "Temp": 26.0,
            "BOD5": round(3.5 * pollution, 1),
            "COD": round(9.0 * pollution, 1),
            "NH4": round(0.25 * pollution**2, 2),
            "PO4": round(0.08 * pollution, 2),
            "TSS": round(25 * pollution, 0),
            "Coliform": round(2200 * pollution**2, -1),
        },
        limit_code=QCVN_08,
    )


STATIONS: tuple[StationSpec, ...] = (
    _air(
        "bg-kk-01",
        "Không khí Quảng trường 3/2, phường Bắc Giang",
        BAC_GIANG,
        21.2737,
        106.1946,
        38,
    ),
    _air(
        "bg-kk-02", "Không khí đường Xương Giang, phường Bắc Giang", BAC_GIANG, 21.289, 106.2075, 44
    ),
    _air(
        "bg-kk-03", "Không khí khu dân cư Dĩnh Kế, phường Bắc Giang", BAC_GIANG, 21.258, 106.219, 33
    ),
    _air("vy-kk-01", "Không khí trung tâm phường Việt Yên", VIET_YEN, 21.2745, 106.107, 36),
    _air("vy-kk-02", "Không khí cổng KCN Quang Châu, phường Nếnh", NENH, 21.2265, 106.06, 48),
    _air("vy-kk-03", "Không khí Quốc lộ 1, phường Nếnh", NENH, 21.2445, 106.083, 52),
    _air("vy-kk-04", "Không khí khu dân cư phường Vân Hà", VAN_HA, 21.235, 106.101, 34),
    _wastewater(
        "qc-nt-01",
        "KCN Quang Châu",
        NENH,
        21.2195,
        106.0545,
        column="A",
        kq=1.0,
        kf=0.9,
        flow=420,
        tt10="KCNQC",
    ),
    _wastewater(
        "dt-nt-01",
        "KCN Đình Trám",
        VIET_YEN,
        21.2555,
        106.0825,
        column="A",
        kq=1.0,
        kf=1.0,
        flow=170,
        tt10="KCNDT",
    ),
    _wastewater(
        "vt-nt-01",
        "KCN Vân Trung",
        NENH,
        21.233,
        106.0725,
        column="A",
        kq=1.0,
        kf=1.0,
        flow=200,
        tt10="KCNVT",
    ),
    _wastewater(
        "sk-nt-01",
        "KCN Song Khê – Nội Hoàng",
        TIEN_PHONG,
        21.243,
        106.179,
        column="B",
        kq=1.0,
        kf=1.0,
        flow=130,
        tt10="KCNSK",
    ),
    _river(
        "cau-nm-01", "Sông Cầu tại Xuân Cẩm (thượng lưu)", XUAN_CAM, 21.2995, 105.9865, pollution=1
    ),
    _river("cau-nm-02", "Sông Cầu tại cầu Như Nguyệt", NENH, 21.2215, 106.0505, pollution=1.4),
    _river("cau-nm-03", "Sông Cầu tại phường Vân Hà", VAN_HA, 21.228, 106.114, pollution=1.5),
    _river("cau-nm-04", "Sông Cầu tại cầu Đáp Cầu", VU_NINH, 21.203, 106.093, pollution=1.7),
    _river("cau-nm-05", "Sông Cầu tại bến Phù Lãng", PHU_LANG, 21.1555, 106.232, pollution=1.6),
    _river(
        "thuong-nm-01", "Sông Thương tại Bố Hạ (thượng lưu)", BO_HA, 21.4346, 106.0632, pollution=1
    ),
    _river(
        "thuong-nm-02", "Sông Thương tại cầu Xương Giang", BAC_GIANG, 21.295, 106.219, pollution=1.3
    ),
    _river(
        "thuong-nm-03", "Sông Thương tại cầu Bắc Giang", BAC_GIANG, 21.266, 106.206, pollution=1.6
    ),
    _river(
        "thuong-nm-04",
        "Sông Thương sau cửa xả KCN Song Khê – Nội Hoàng",
        TIEN_PHONG,
        21.235,
        106.195,
        pollution=1.9,
    ),
    _river(
        "thuong-nm-05",
        "Sông Thương tại xã Đồng Việt (hạ lưu)",
        DONG_VIET,
        21.136,
        106.272,
        pollution=1.5,
    ),
)
"""The demo stations."""

BY_CODE = {spec.code: spec for spec in STATIONS}
