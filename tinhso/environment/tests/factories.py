"""Test data for the environment app, on top of the accounts test province (``build_world``).

``build_environment()`` adds, with explicit names:

* ``so_nnmt``, the provincial Department of Agriculture and Environment, which manages the
  stations, with its officer ``env_officer`` (officer role over the department);
* parameters for air (PM2.5, PM10, O3, NO2, SO2, CO in µg/m³) and water (pH, COD, TSS, NH4,
  Temp, DO, Flow), with plausible ranges;
* the limit set ``qcvn40_b`` (QCVN 40:2011 column B: COD 150 and TSS 100 mg/L with Kq·Kf, pH
  5.5–9 without) — a test fixture, not the shipped data;
* stations ``air`` (``bg-kk-01``, ambient air, Phường Bắc Giang), ``waste`` (``qc-nt-01``,
  wastewater at Quang Châu, Kq 0.9, Kf 1.0, Circular 10 names ``BN``/``QCIZ``/``NT01``) and
  ``river`` (``cau-nm-01``, surface water on the Cầu river);
* a station token for ``air`` only, whose secret is ``air_secret``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tinhso.accounts.choices import Role, UserKind
from tinhso.accounts.models import User
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import AgencyFactory, UserFactory, World, build_world, grant
from tinhso.directory.models import Agency
from tinhso.environment import actions
from tinhso.environment.choices import Averaging, Medium, StationKind
from tinhso.environment.models import Limit, LimitSet, Parameter, Station

AIR = ["PM2.5", "PM10", "O3", "NO2", "SO2", "CO"]
WATER = ["pH", "COD", "TSS", "NH4", "Temp", "DO", "Flow"]
PARAMETERS = {
    # code: (name, unit, min, max, symbols)
    "PM2.5": ("Bụi PM2,5", "µg/m³", 0, 2000, ["PM2,5"]),
    "PM10": ("Bụi PM10", "µg/m³", 0, 3000, []),
    "O3": ("Ô-dôn", "µg/m³", 0, 5000, []),
    "NO2": ("Nitơ điôxít", "µg/m³", 0, 10000, []),
    "SO2": ("Lưu huỳnh điôxít", "µg/m³", 0, 10000, []),
    "CO": ("Cacbon monoxit", "µg/m³", 0, 500000, []),
    "pH": ("pH", "-", 0, 14, []),
    "COD": ("Nhu cầu ôxy hóa học", "mg/L", 0, 10000, []),
    "TSS": ("Tổng chất rắn lơ lửng", "mg/L", 0, 10000, []),
    "NH4": ("Amoni (tính theo N)", "mg/L", 0, 1000, ["N-NH4"]),
    "Temp": ("Nhiệt độ", "°C", -10, 100, []),
    "DO": ("Ôxy hòa tan", "mg/L", 0, 30, []),
    "Flow": ("Lưu lượng", "m³/h", 0, 100000, []),
}


@dataclass
class EnvironmentWorld:
    """The test province with its environment department, parameters and stations."""

    world: World
    so_nnmt: Agency
    parameters: dict[str, Parameter]
    qcvn40_b: LimitSet
    air: Station
    waste: Station
    river: Station
    air_secret: str

    @property
    def people(self) -> dict[str, User]:
        return self.world.people


def build_environment(world: World | None = None) -> EnvironmentWorld:
    """Create the environment test data described in the module docstring."""
    world = world or build_world()
    so_nnmt = AgencyFactory.create(
        name="Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
        kind="so",
        unit=world.province,
        parent=world.ubnd_tinh,
    )
    env_officer = UserFactory.create(
        username="env_officer", kind=UserKind.OFFICER, home_agency=so_nnmt, home_unit=world.province
    )
    grant(env_officer, Role.OFFICER, Scope.of_agency(so_nnmt.pk))
    world.people["env_officer"] = env_officer
    parameters = {
        code: Parameter.objects.create(
            code=code,
            name=name,
            unit=unit,
            min_value=low,
            max_value=high,
            symbols=symbols,
            media=[Medium.AIR] if code in AIR else [Medium.SURFACE_WATER, Medium.WASTEWATER],
        )
        for code, (name, unit, low, high, symbols) in PARAMETERS.items()
    }
    qcvn40_b = LimitSet.objects.create(
        code="QCVN 40:2011/BTNMT",
        name="Nước thải công nghiệp",
        medium=Medium.WASTEWATER,
        column="B",
        version="2011",
    )
    for code, low, high, apply_k in (("COD", None, 150, True), ("TSS", None, 100, True)):
        Limit.objects.create(
            limit_set=qcvn40_b,
            parameter=parameters[code],
            averaging=Averaging.INSTANT,
            min_value=low,
            max_value=high,
            apply_k=apply_k,
        )
    Limit.objects.create(
        limit_set=qcvn40_b,
        parameter=parameters["pH"],
        averaging=Averaging.INSTANT,
        min_value=5.5,
        max_value=9,
    )

    def station(code: str, name: str, medium: str, codes: list[str], **extra: object) -> Station:
        made = Station.objects.create(
            code=code,
            name=name,
            kind=StationKind.AUTOMATIC,
            medium=medium,
            agency=so_nnmt,
            unit=world.bac_giang,
            latitude=21.27,
            longitude=106.19,
            **extra,
        )
        made.parameters.set([parameters[c] for c in codes])
        return made

    air = station("bg-kk-01", "Trạm không khí phường Bắc Giang", Medium.AIR, AIR)
    waste = station(
        "qc-nt-01",
        "Nước thải KCN Quang Châu",
        Medium.WASTEWATER,
        ["pH", "COD", "TSS", "NH4", "Temp", "Flow"],
        limit_set=qcvn40_b,
        kq=0.9,
        kf=1.0,
        industrial_zone="KCN Quang Châu",
        tt10_province="BN",
        tt10_facility="QCIZ",
        tt10_station="NT01",
    )
    river = station(
        "cau-nm-01",
        "Sông Cầu tại cầu Như Nguyệt",
        Medium.SURFACE_WATER,
        ["pH", "COD", "TSS", "NH4", "Temp", "DO"],
    )
    _token, air_secret = actions.create_station_token(
        actor=env_officer, name="Datalogger bg-kk-01", stations=[air]
    )
    return EnvironmentWorld(
        world=world,
        so_nnmt=so_nnmt,
        parameters=parameters,
        qcvn40_b=qcvn40_b,
        air=air,
        waste=waste,
        river=river,
        air_secret=air_secret,
    )
