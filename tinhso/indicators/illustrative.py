"""Illustrative demo values of the resolution's data elements, generated from a fixed seed.

The scorecard needs five years of history (2021 to the demo's today) to tell a story, but
Bắc Giang published only a handful of figures (``data/published.csv``). Every other value the
demo shows is made up here, deterministically, and stored with
``source=ValueSource.ILLUSTRATIVE`` and a note saying so, so that every page and export can mark
it "số liệu minh hoạ". Nothing here is a real figure.

How a value is made
    Each data element used by a target's indicator has a *spec* below. A spec gives, as
    piecewise-linear paths over time (``t`` = the year fraction at the end of the period, so
    31/12/2024 is ``2025.0``; paths extend their end segments linearly), the province total of a
    denominator (work records per month, eligible people, agencies…) and the province-wide rate
    of its numerator (percent), or directly a level (coverage %, a count, a rank). Units then
    differ: every commune and district gets a fixed *maturity* (a standard score, from a district
    effect plus its own draw) and a *size* (its share of the province total). A unit's rate is
    the path plus ``spread × maturity`` plus per-period noise, clipped to ``[0, cap]``; its
    denominator is its share of the total times a little noise. Noise and unit draws come from a
    hash of ``(seed, spec, unit, period)`` (:func:`_normal`), so the output depends only on the
    seed and ``today``, not on iteration order, and the same seed gives identical values.

The story (what the paths are drawn to show on the demo's today, 11/2026)
    The 2025 targets of the former Bắc Giang: the DTI rank, province-level work records online,
    commune-level records (just over 65 %), the reporting system, the digital-economy share (≈ 25 %
    reached in 2025), digital firms (> 800), the smart cities and the experts are met; the
    level-4 services on mobile (93 % at the 2021 deadline), district-level records (≈ 82 %),
    shared databases, inspections, the weakest sector, productivity, fibre (three communes
    without), 4G/5G coverage and e-payment accounts are missed. The 2030 targets of the new Bắc
    Ninh: digital firms, smart cities, the DTI rank and the security share are met; digital
    identity, province-level records and inspections rise fast enough; commune-level records
    (1.5 points a year) and the weakest sector (1.6 points a year) fall just short of their
    targets by 2030; open data, the budget share and productivity fall well short. Which of
    "at risk" and "off track" a shortfall gets depends on the projection the scorecard uses.

Units and periods (see ``tinhso/directory/data/units-2025/README.md``)
    * A period belongs to the former Bắc Giang (code 24 until 30/06/2025) if it ends by then, to
      the new Bắc Ninh otherwise. Values of elements reported below the province go to the
      lowest units that exist on the period's last day: the former districts and communes from
      04/01/2025 (the earliest day the directory vouches for), the new communes from 01/07/2025.
      Before 2025 the tree has no districts or communes, so those values are generated for the
      2025 communes and summed (or averaged, per the element's space aggregation) into one value
      of the province, keeping its disaggregation; the series is continuous across the change.
    * Work records (``level`` dimension) are reported by each level's own units: the province
      for ``level=province``, districts for ``district``, communes for ``commune``. From
      01/07/2025 there are no districts, and the province reports ``level=district`` as 0 so that
      the province-and-district indicator of G-WORK-PD30 stays defined.
    * The new communes' maturity and size follow their predecessors in the former Bắc Giang
      (through the succession links); communes of the former Bắc Ninh get their own draws.
    * Monthly flows (work records, inspections) run to the month containing ``today`` (under a
      Decree 09 cut-off on the 15th its report is already in); stocks, GRDP and budget are
      six-monthly and ranks and productivity yearly, for periods ended by ``today``.
    * Province-only elements (ranks, the portal's services and users, the reporting system,
      databases, agencies, firms, experts, smart cities, GRDP, budget, inspections, the weakest
      sector, productivity) are generated for the province only.
    * A cell is skipped when a published value exists for the same element and unit in an
      overlapping period (published wins): see :func:`illustrative_rows`.

Caveat for the restated view: a six-monthly stock of the former units (2025S1) and of the new
ones (2025S2) both fall in the year 2025, so a restated *yearly* 2025 total of a summed stock adds
them; ratios of such stocks are unaffected.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from tinhso.directory import queries as directory
from tinhso.directory.models import AdministrativeUnit, UnitSuccession
from tinhso.indicators.actions import ValueRow
from tinhso.indicators.choices import Aggregation, ValueSource
from tinhso.indicators.models import DataElement, DataValue, dimension_key
from tinhso.indicators.periods import Period, PeriodType

__all__ = ["FIRST_YEAR", "NOTE", "SEED", "SPECS", "Path", "batches", "illustrative_rows"]

SEED = 111
"""The default seed: the resolution's number (111-NQ/TU)."""

FIRST_YEAR = 2021
"""The first year generated: the resolution was adopted on 11/06/2021."""

NOTE = "Số liệu minh hoạ, sinh tự động (illustrative.py, seed {seed}); không phải số liệu thật."
"""The note stored on every generated value."""

NO_DISTRICTS_NOTE = " Từ 01/07/2025 không còn cấp huyện: ghi 0."

# Work and inspections dip in the Tết month and peak at year end.
MONTH_SEASON = (1.0, 0.72, 1.04, 1.0, 1.02, 1.0, 0.98, 0.98, 1.02, 1.04, 1.06, 1.14)
# First and second half of a year's flows (GRDP, budget).
HALF_SEASON = (0.92, 1.08)


class Where(StrEnum):
    """The units that report an element."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


@dataclass(frozen=True)
class Path:
    """A piecewise-linear curve through ``(t, value)`` points, extended linearly past its ends."""

    points: tuple[tuple[float, float], ...]

    def at(self, t: float) -> float:
        """The value at ``t`` (a year fraction)."""
        points = self.points
        if len(points) == 1:
            return points[0][1]
        index = 1
        while index < len(points) - 1 and t > points[index][0]:
            index += 1
        (t0, v0), (t1, v1) = points[index - 1], points[index]
        return v0 + (v1 - v0) * (t - t0) / (t1 - t0)


def _line(t0: float, v0: float, slope: float) -> Path:
    """A straight path through ``(t0, v0)`` rising ``slope`` a year."""
    return Path(((t0, v0), (t0 + 1, v0 + slope)))


@dataclass(frozen=True)
class Ratio:
    """A numerator that is a share of a denominator: ``rate`` percent of ``total_old/new``.

    ``total_*`` are the province totals of the denominator per period before and after the
    reform; a ``denominator`` generated by an earlier spec (e.g. ``BUDGET_DT``) is reused instead.
    """

    numerator: str
    denominator: str
    where: Where
    period_type: PeriodType
    rate: Path
    total_old: Path | None = None
    total_new: Path | None = None
    spread: float = 0.0
    noise: float = 0.0
    size_noise: float = 0.03
    cap: float = 100.0
    dimensions: Mapping[str, str] = field(default_factory=dict)
    flow: bool = False


@dataclass(frozen=True)
class Level:
    """An element reported as a level (coverage %, a count, a rank), not as a share."""

    code: str
    where: Where
    period_type: PeriodType
    old: Path
    new: Path | None = None
    spread: float = 0.0
    noise: float = 0.0
    low: float = 0.0
    cap: float | None = None
    decimals: int = 0
    dimensions: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Rollout:
    """A yes/no per commune (1 or 0) reached by a growing ``share`` percent, weakest last.

    The denominator is 1 per commune; a commune has it once its maturity rank is within the
    share, so no commune ever loses it.
    """

    numerator: str
    denominator: str
    period_type: PeriodType
    share: Path


Spec = Ratio | Level | Rollout

MONTHLY, HALF, YEAR = PeriodType.MONTHLY, PeriodType.SIX_MONTHLY, PeriodType.YEARLY

SPECS: tuple[Spec, ...] = (
    # Work records processed online (G-WORK-*): monthly, each level by its own units.
    Ratio(
        "WORK_ONLINE",
        "WORK_TOTAL",
        Where.PROVINCE,
        MONTHLY,
        rate=Path(((2021.5, 85.0), (2024.5, 95.2), (2025.5, 96.8), (2027.0, 98.0))),
        total_old=Path(((2021.5, 4800.0), (2025.5, 5400.0))),
        total_new=Path(((2025.5, 8800.0), (2027.0, 9100.0))),
        noise=0.3,
        dimensions={"level": "province"},
        flow=True,
    ),
    Ratio(
        "WORK_ONLINE",
        "WORK_TOTAL",
        Where.DISTRICT,
        MONTHLY,
        rate=Path(((2021.5, 62.0), (2025.5, 82.5))),
        total_old=Path(((2021.5, 8600.0), (2025.5, 9800.0))),
        spread=4.0,
        noise=1.5,
        dimensions={"level": "district"},
        flow=True,
    ),
    Ratio(
        "WORK_ONLINE",
        "WORK_TOTAL",
        Where.COMMUNE,
        MONTHLY,
        rate=_line(2021.5, 61.0, 1.5),
        total_old=Path(((2021.5, 29000.0), (2025.5, 33500.0))),
        total_new=Path(((2025.5, 56000.0), (2027.0, 58500.0))),
        spread=9.0,
        noise=2.5,
        size_noise=0.08,
        dimensions={"level": "commune"},
        flow=True,
    ),
    # Inspections done digitally (G-INSPECT-*): monthly, by provincial agencies.
    Ratio(
        "INSPECTIONS_DIGITAL",
        "INSPECTIONS_TOTAL",
        Where.PROVINCE,
        MONTHLY,
        rate=_line(2021.5, 15.0, 8.5),
        total_old=Path(((2021.5, 70.0), (2025.5, 78.0))),
        total_new=Path(((2025.5, 150.0), (2027.0, 156.0))),
        noise=2.0,
        size_noise=0.12,
        flow=True,
    ),
    # Full-process online services usable on mobile (G-DVC4-MOBILE): 93 % at the 2021 deadline.
    Ratio(
        "DVC4_MOBILE",
        "DVC4_TOTAL",
        Where.PROVINCE,
        HALF,
        rate=Path(((2021.5, 88.0), (2022.0, 93.0), (2023.0, 100.0))),
        total_old=Path(((2021.5, 380.0), (2025.5, 980.0))),
        total_new=Path(((2026.0, 1180.0), (2027.0, 1260.0))),
        size_noise=0.0,
    ),
    Ratio(
        "REGIMES_ON_SYSTEM",
        "REGIMES_TOTAL",
        Where.PROVINCE,
        HALF,
        rate=Path(((2021.5, 45.0), (2024.5, 100.0))),
        total_old=Path(((2021.5, 104.0), (2025.5, 126.0))),
        total_new=Path(((2026.0, 141.0), (2027.0, 143.0))),
        size_noise=0.0,
    ),
    Ratio(
        "DB_SHARED",
        "DB_TOTAL",
        Where.PROVINCE,
        HALF,
        rate=Path(((2021.5, 64.0), (2025.5, 88.0), (2027.0, 95.0))),
        total_old=Path(((2021.5, 14.0), (2025.5, 16.0))),
        total_new=Path(((2026.0, 18.0), (2027.0, 18.0))),
        size_noise=0.0,
    ),
    Ratio(
        "USERS_SSO",
        "USERS_ONLINE",
        Where.PROVINCE,
        HALF,
        rate=_line(2021.5, 25.0, 9.0),
        total_old=Path(((2021.5, 180000.0), (2025.5, 700000.0))),
        total_new=Path(((2026.0, 1250000.0), (2027.0, 1450000.0))),
        size_noise=0.0,
    ),
    Ratio(
        "AGENCIES_OPENDATA",
        "AGENCIES_TOTAL",
        Where.PROVINCE,
        HALF,
        rate=_line(2021.5, 10.0, 8.0),
        total_old=Path(((2021.5, 56.0),)),
        total_new=Path(((2026.0, 64.0),)),
        size_noise=0.0,
    ),
    # Digital economy share of GRDP (E-GRDP-*): ≈ 25 % reached by the former province in 2025.
    Ratio(
        "GRDP_DIGITAL",
        "GRDP_TOTAL",
        Where.PROVINCE,
        HALF,
        rate=Path(((2021.5, 14.0), (2025.5, 24.4), (2026.0, 31.0), (2027.0, 31.8))),
        total_old=Path(((2021.5, 76000.0), (2025.5, 124000.0))),
        total_new=Path(((2026.0, 280000.0), (2027.0, 305000.0))),
        size_noise=0.01,
        flow=True,
    ),
    Ratio(
        "BUDGET_DT",
        "BUDGET_RECURRENT",
        Where.PROVINCE,
        HALF,
        rate=_line(2021.5, 1.0, 0.08),
        total_old=Path(((2021.5, 5750000.0), (2025.5, 7100000.0))),
        total_new=Path(((2026.0, 13500000.0), (2027.0, 14250000.0))),
        noise=0.04,
        size_noise=0.01,
        flow=True,
    ),
    Ratio(
        "BUDGET_SECURITY",
        "BUDGET_DT",
        Where.PROVINCE,
        HALF,
        rate=Path(((2021.5, 8.5), (2023.0, 11.0), (2027.0, 12.0))),
        noise=0.3,
        flow=True,
    ),
    # E-payment accounts (S-EPAY-25): commune stocks, 88 % in mid-2025.
    Ratio(
        "EPAY_HOLDERS",
        "EPAY_ELIGIBLE",
        Where.COMMUNE,
        HALF,
        rate=Path(((2021.5, 42.0), (2023.0, 66.0), (2025.5, 86.0), (2027.0, 91.0))),
        total_old=Path(((2021.5, 1250000.0), (2025.5, 1310000.0))),
        total_new=Path(((2026.0, 2900000.0), (2027.0, 2930000.0))),
        spread=5.0,
        noise=1.0,
        size_noise=0.01,
    ),
    Rollout(
        "COMMUNES_FIBRE",
        "COMMUNES_TOTAL",
        HALF,
        share=Path(((2021.5, 86.0), (2023.0, 95.0), (2025.5, 98.5), (2027.0, 100.0))),
    ),
    Level(
        "MOBILE_COVERAGE",
        Where.COMMUNE,
        HALF,
        old=Path(((2021.5, 93.0), (2025.5, 98.4), (2027.0, 99.2))),
        spread=1.6,
        noise=0.2,
        cap=100.0,
        decimals=1,
    ),
    Level(
        "DIGITAL_SHARE_MIN_SECTOR",
        Where.PROVINCE,
        HALF,
        old=_line(2021.5, 3.6, 1.6),
        decimals=1,
        dimensions={"sector": "agriculture"},
        note=" Ngành thấp nhất: nông nghiệp.",
    ),
    Level(
        "DIGITAL_FIRMS",
        Where.PROVINCE,
        HALF,
        old=Path(
            ((2021.5, 400.0), (2022.5, 520.0), (2023.5, 650.0), (2024.5, 770.0), (2025.5, 835.0))
        ),
        new=Path(((2026.0, 1620.0), (2027.0, 1760.0))),
    ),
    Level(
        "SMART_CITIES",
        Where.PROVINCE,
        HALF,
        old=Path(((2022.0, 0.0), (2022.5, 1.0), (2024.5, 1.0), (2025.0, 2.0), (2025.5, 2.0))),
        new=Path(((2026.0, 2.0),)),
    ),
    Level(
        "EXPERTS_TRAINED",
        Where.PROVINCE,
        HALF,
        old=Path(((2021.5, 4.0), (2022.5, 10.0), (2023.5, 15.0), (2024.5, 19.0), (2025.5, 23.0))),
        new=Path(((2026.0, 31.0), (2027.0, 36.0))),
    ),
    Level(
        "DTI_RANK",
        Where.PROVINCE,
        YEAR,
        old=Path(((2022.0, 10.0), (2023.0, 9.0), (2024.0, 9.0), (2025.0, 8.0))),
        new=Path(((2026.0, 5.0),)),
        low=1.0,
        note=" Từ năm 2025: hạng trong 34 tỉnh, thành phố.",
    ),
    Level(
        "PRODUCTIVITY_GROWTH",
        Where.PROVINCE,
        YEAR,
        old=Path(((2022.0, 9.2), (2023.0, 14.1), (2024.0, 10.8), (2025.0, 11.5))),
        new=Path(((2026.0, 10.9),)),
        low=-100.0,
        decimals=1,
    ),
)
"""What is generated, in order (a ratio whose denominator an earlier spec made reuses it)."""


def _uniforms(key: str) -> tuple[float, float]:
    digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
    first = (int.from_bytes(digest[:8], "big") + 0.5) / 2**64
    second = (int.from_bytes(digest[8:], "big") + 0.5) / 2**64
    return first, second


def _normal(seed: int, *parts: object) -> float:
    """A standard normal draw fixed by the seed and ``parts`` (Box–Muller on a hash)."""
    first, second = _uniforms("|".join(str(part) for part in (seed, *parts)))
    return math.sqrt(-2.0 * math.log(first)) * math.cos(2.0 * math.pi * second)


def _time(period: Period) -> float:
    """The period's end as a year fraction: 31/12/2024 is 2025.0, 30/06/2025 is 2025.5."""
    return period.end.year + period.end.month / 12


def _periods(period_type: PeriodType, today: datetime.date) -> list[Period]:
    """Periods from :data:`FIRST_YEAR`: months up to today's, longer periods ended by today."""
    found: list[Period] = []
    period = Period(period_type, FIRST_YEAR, 1) if period_type != YEAR else Period(YEAR, FIRST_YEAR)
    while period.start <= today:
        if period_type == MONTHLY or period.end <= today:
            found.append(period)
        period = period.next()
    return found


def _standardise(raw: Mapping[int, float]) -> dict[int, float]:
    if not raw:
        return {}
    mean = sum(raw.values()) / len(raw)
    deviation = math.sqrt(sum((v - mean) ** 2 for v in raw.values()) / len(raw)) or 1.0
    return {key: (value - mean) / deviation for key, value in raw.items()}


def _shares(raw: Mapping[int, float]) -> dict[int, float]:
    total = sum(raw.values())
    return {key: value / total for key, value in raw.items()}


@dataclass
class _Tree:
    """The demo units with their fixed maturity (standard score) and share of the province."""

    old: AdministrativeUnit
    new: AdministrativeUnit | None
    districts: list[AdministrativeUnit]
    old_communes: list[AdministrativeUnit]
    new_communes: list[AdministrativeUnit]
    maturity: dict[int, float]
    share: dict[int, float]

    def carrier(self, period: Period) -> AdministrativeUnit | None:
        """The province a period belongs to: the former one if it ends before the reform."""
        if self.old.valid_to is None or period.end <= self.old.valid_to:
            return self.old
        if self.new is not None and self.new.valid_from <= period.end:
            return self.new
        return None

    def reporters(self, where: Where, period: Period) -> list[AdministrativeUnit]:
        """The units of ``where`` that exist on the period's last day (may be empty)."""
        day = period.end
        if where is Where.DISTRICT:
            pool = self.districts
        elif self.carrier(period) is self.old:
            pool = self.old_communes
        else:
            pool = self.new_communes
        return [unit for unit in pool if unit.is_valid_on(day)]

    def latent(self, where: Where) -> list[AdministrativeUnit]:
        """The units whose values are summed into the former province before its tree exists."""
        return self.districts if where is Where.DISTRICT else self.old_communes


def _tree(old: AdministrativeUnit, new: AdministrativeUnit | None, seed: int) -> _Tree:
    assert old.valid_to is not None  # checked by illustrative_rows
    below_old = directory.descendants(old, old.valid_to)
    districts = [u for u in below_old if u.parent_id == old.pk]
    old_communes = [u for u in below_old if u.parent_id != old.pk]
    new_communes = directory.descendants(new, new.valid_from) if new is not None else []
    district_effect = {d.pk: 0.6 * _normal(seed, "district", d.code) for d in districts}
    raw_maturity: dict[int, float] = {
        u.pk: district_effect.get(u.parent_id or 0, 0.0) + 0.8 * _normal(seed, "maturity", u.code)
        for u in old_communes
    }
    raw_size = {u.pk: math.exp(0.35 * _normal(seed, "size", u.code)) for u in old_communes}
    maturity = _standardise(raw_maturity)
    maturity.update(_standardise({d.pk: _normal(seed, "maturity", d.code) for d in districts}))
    share = _shares(raw_size)
    share.update(_shares({d.pk: math.exp(0.25 * _normal(seed, "size", d.code)) for d in districts}))
    predecessors: dict[int, list[int]] = defaultdict(list)
    links = UnitSuccession.objects.filter(
        successor__in=new_communes, predecessor__in=old_communes
    ).values_list("successor_id", "predecessor_id")
    for successor_id, predecessor_id in links:
        predecessors[successor_id].append(predecessor_id)
    new_maturity: dict[int, float] = {}
    new_size: dict[int, float] = {}
    for unit in new_communes:
        before = predecessors.get(unit.pk)
        if before:  # a commune of the former Bắc Giang: as its predecessors were
            new_maturity[unit.pk] = sum(raw_maturity[p] for p in before) / len(before)
            new_size[unit.pk] = sum(raw_size[p] for p in before)
        else:  # a commune of the former Bắc Ninh
            new_maturity[unit.pk] = 0.4 + 0.9 * _normal(seed, "maturity", unit.code)
            new_size[unit.pk] = 3.0 * math.exp(0.35 * _normal(seed, "size", unit.code))
    maturity.update(_standardise(new_maturity))
    share.update(_shares(new_size))
    return _Tree(old, new, districts, old_communes, new_communes, maturity, share)


Cell = tuple[str, int, str, str]  # element code, unit id, period code, dimension key


class _Generator:
    """Turns :data:`SPECS` into rows for one tree, seed and day (see the module docstring)."""

    def __init__(self, tree: _Tree, seed: int, today: datetime.date) -> None:
        self.tree = tree
        self.seed = seed
        self.today = today
        self.note = NOTE.format(seed=seed)
        self.space = dict(DataElement.objects.values_list("code", "aggregation_space"))
        self.values: dict[Cell, float] = {}
        self.rows: list[ValueRow] = []

    def emit(
        self,
        code: str,
        unit: AdministrativeUnit,
        period: Period,
        value: float,
        dimensions: Mapping[str, str],
        note: str = "",
        decimals: int = 0,
    ) -> None:
        dims = dict(dimensions)
        self.values[(code, unit.pk, period.code, dimension_key(dims))] = value
        self.rows.append(
            ValueRow(
                data_element=code,
                unit=unit,
                period=period.code,
                value=Decimal(f"{value:.{decimals}f}"),
                dimensions=dims,
                source=ValueSource.ILLUSTRATIVE,
                note=self.note + note,
            )
        )

    def combine(self, code: str, values: Sequence[float]) -> float:
        """Values of lower units as one value of the province, per the element's space rule."""
        if self.space.get(code) == Aggregation.AVERAGE:
            return sum(values) / len(values)
        return sum(values)

    def season(self, period: Period) -> float:
        if period.type == MONTHLY:
            return MONTH_SEASON[period.index - 1]
        if period.type == HALF:
            return HALF_SEASON[period.index - 1]
        return 1.0

    def places(
        self, where: Where, period: Period
    ) -> tuple[AdministrativeUnit, list[AdministrativeUnit], bool] | None:
        """The carrier province, the units that hold values, and whether to sum them up."""
        carrier = self.tree.carrier(period)
        if carrier is None:
            return None
        if where is Where.PROVINCE:
            return carrier, [carrier], False
        reporters = self.tree.reporters(where, period)
        if reporters:
            return carrier, reporters, False
        if carrier is self.tree.old:
            return carrier, self.tree.latent(where), True
        return carrier, [], False

    def run(self) -> None:
        for spec in SPECS:
            if isinstance(spec, Ratio):
                self.ratio(spec)
            elif isinstance(spec, Level):
                self.level(spec)
            else:
                self.rollout(spec)

    def ratio(self, spec: Ratio) -> None:
        key = f"{spec.numerator}/{spec.where}"
        for period in _periods(spec.period_type, self.today):
            placed = self.places(spec.where, period)
            if placed is None:
                continue
            carrier, units, summed = placed
            t = _time(period)
            dims = dict(spec.dimensions)
            if not units:  # no such level any more: the province reports it as 0
                self.emit(spec.denominator, carrier, period, 0, dims, NO_DISTRICTS_NOTE)
                self.emit(spec.numerator, carrier, period, 0, dims, NO_DISTRICTS_NOTE)
                continue
            total = spec.total_old if carrier is self.tree.old else spec.total_new
            pairs: list[tuple[float, float]] = []
            for unit in units:
                base = self.values.get(
                    (spec.denominator, unit.pk, period.code, dimension_key(dims))
                )
                if base is None:
                    assert total is not None, f"{spec.denominator} needs a total"
                    share = 1.0 if spec.where is Where.PROVINCE else self.tree.share[unit.pk]
                    wobble = 1 + spec.size_noise * _normal(
                        self.seed, key, "size", unit.code, period
                    )
                    base = max(0.0, round(total.at(t) * share * self.season(period) * wobble))
                rate = (
                    spec.rate.at(t)
                    + spec.spread * self.tree.maturity.get(unit.pk, 0.0)
                    + spec.noise * _normal(self.seed, key, "rate", unit.code, period)
                )
                rate = min(max(rate, 0.0), spec.cap)
                pairs.append((base, round(base * rate / 100)))
            if summed:
                pairs = [(sum(p[0] for p in pairs), sum(p[1] for p in pairs))]
                units = [carrier]
            for unit, (base, part) in zip(units, pairs, strict=True):
                cell = (spec.denominator, unit.pk, period.code, dimension_key(dims))
                if cell not in self.values:
                    self.emit(spec.denominator, unit, period, base, dims)
                self.emit(spec.numerator, unit, period, part, dims)

    def level(self, spec: Level) -> None:
        for period in _periods(spec.period_type, self.today):
            placed = self.places(spec.where, period)
            if placed is None:
                continue
            carrier, units, summed = placed
            path = spec.old if carrier is self.tree.old or spec.new is None else spec.new
            t = _time(period)
            values = []
            for unit in units:
                value = (
                    path.at(t)
                    + spec.spread * self.tree.maturity.get(unit.pk, 0.0)
                    + spec.noise * _normal(self.seed, spec.code, unit.code, period)
                )
                value = max(value, spec.low)
                values.append(min(value, spec.cap) if spec.cap is not None else value)
            if summed:
                values = [self.combine(spec.code, values)]
                units = [carrier]
            for unit, value in zip(units, values, strict=True):
                rounded = round(value, spec.decimals)
                self.emit(
                    spec.code, unit, period, rounded, spec.dimensions, spec.note, spec.decimals
                )

    def rollout(self, spec: Rollout) -> None:
        for period in _periods(spec.period_type, self.today):
            placed = self.places(Where.COMMUNE, period)
            if placed is None:
                continue
            carrier, units, summed = placed
            ranked = sorted(units, key=lambda u: (self.tree.maturity.get(u.pk, 0.0), u.code))
            share = min(max(spec.share.at(_time(period)), 0.0), 100.0)
            without = len(units) - round(len(units) * share / 100)
            flags = [0 if index < without else 1 for index in range(len(ranked))]
            if summed:
                self.emit(spec.denominator, carrier, period, len(ranked), {})
                self.emit(spec.numerator, carrier, period, sum(flags), {})
                continue
            for unit, flag in zip(ranked, flags, strict=True):
                self.emit(spec.denominator, unit, period, 1, {})
                self.emit(spec.numerator, unit, period, flag, {})


def _published(unit_ids: set[int]) -> dict[tuple[str, int], list[Period]]:
    found: dict[tuple[str, int], list[Period]] = defaultdict(list)
    rows = DataValue.objects.filter(unit_id__in=unit_ids, source=ValueSource.PUBLISHED)
    for code, unit_id, period in rows.values_list("data_element__code", "unit_id", "period"):
        found[(code, unit_id)].append(Period.parse(period))
    return found


def _overlaps(first: Period, second: Period) -> bool:
    return first.start <= second.end and second.start <= first.end


def illustrative_rows(
    old_province: AdministrativeUnit,
    new_province: AdministrativeUnit | None,
    today: datetime.date,
    *,
    seed: int = SEED,
) -> list[ValueRow]:
    """Generated values of every spec'd element, for the former and the new province's units.

    ``old_province`` is the former province (it must have an end date), ``new_province`` the one
    that took it over (or None). Deterministic: the same seed, units and ``today`` give the same
    rows, in the same order.
    Cells where a published value already exists for the same element and unit in an
    overlapping period (a published ``2021`` covers a generated ``2021S2``) are left out, so
    published figures win. Needs the catalogue loaded (for the elements' space aggregation).
    """
    if old_province.valid_to is None:
        raise ValueError(
            f"{old_province} chưa có ngày kết thúc nên không phải tỉnh cũ "
            f"({old_province} has no end date, so it is not a former province)"
        )
    tree = _tree(old_province, new_province, seed)
    generator = _Generator(tree, seed, today)
    generator.run()
    unit_ids = {row.unit.pk for row in generator.rows}
    published = _published(unit_ids)
    return [row for row in generator.rows if not _covered(row, published)]


def _covered(row: ValueRow, published: Mapping[tuple[str, int], list[Period]]) -> bool:
    periods = published.get((row.data_element, row.unit.pk))
    if not periods:
        return False
    period = Period.parse(row.period)
    return any(_overlaps(period, other) for other in periods)


def batches(rows: Sequence[ValueRow]) -> Iterator[list[ValueRow]]:
    """The rows grouped by data element, in first-seen order (one audited import each)."""
    grouped: dict[str, list[ValueRow]] = {}
    for row in rows:
        grouped.setdefault(row.data_element, []).append(row)
    yield from grouped.values()
