"""Vietnam's water quality index, VN_WQI (chỉ số chất lượng nước), per Decision 1460/QĐ-TCMT.

The decision's tables were not retrieved from the signed text: the breakpoints, groups, levels,
minimum-data rule and final formula variant live in ``data/vn_wqi_1460.json`` (``"verified":
false``, with sources and known discrepancies) so that an operator can correct them without a
code change. :func:`compute` reads that shipped table unless it is given another one.

Parameters use the platform's canonical codes: group I ``pH``; II ``Aldrin``, ``BHC``,
``Dieldrin``, ``DDTs``, ``Heptachlor`` (µg/L); III ``As``, ``Cd``, ``Pb``, ``Cr6``, ``Cu``,
``Zn``, ``Hg``; IV ``DO`` (mg/L, with the temperature) or ``DO%`` (% saturation), ``BOD5``,
``COD``, ``TOC``, ``NH4``, ``NO3``, ``NO2w``, ``PO4``; V ``Coliform``, ``Ecoli``.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from statistics import fmean, geometric_mean
from typing import Any

from django.utils.translation import gettext as _

from tinhso.environment.aqi import round_half_up

TABLE_PATH = Path(__file__).parent / "data" / "vn_wqi_1460.json"
DO_PERCENT = "DO%"
TEMPERATURE = "Temp"

Table = Mapping[str, Any]


@dataclass(frozen=True)
class WqiLevel:
    """One of the six VN_WQI bands (min..max inclusive) with its colour and suitable uses."""

    low: int
    high: int
    name_vi: str
    name_en: str
    color_vi: str
    rgb: tuple[int, int, int]
    hex: str
    use_vi: str


@dataclass(frozen=True)
class WqiResult:
    """A VN_WQI: the integer index and its level, or None with the reason the data fall short.

    ``sub_indices`` holds each parameter's WQI_SI (exact floats), ``groups`` each group's
    aggregate (I single value, II/III geometric mean, IV/V arithmetic mean), and ``ignored`` the
    parameters that could not be used with why (DO in mg/L without a temperature).
    """

    wqi: int | None
    level: WqiLevel | None
    groups: dict[str, float] = field(default_factory=dict)
    sub_indices: dict[str, float] = field(default_factory=dict)
    missing_reason: str | None = None
    ignored: dict[str, str] = field(default_factory=dict)


@cache
def shipped_table() -> dict[str, Any]:
    """The VN_WQI table shipped with the platform (unverified, see its ``notes``)."""
    table: dict[str, Any] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    return table


def do_saturation(temperature: float, table: Table | None = None) -> float:
    """Saturated dissolved oxygen DO_bh (mg/L) at ``temperature`` °C, the cubic of Decision 1460."""
    a, b, c, d = (table or shipped_table())["do_saturation"]["coefficients"]
    return float(a + b * temperature + c * temperature**2 + d * temperature**3)


def sub_index(spec: Mapping[str, Any], value: float) -> float:
    """WQI_SI of one value under one parameter's curve from the table.

    ``threshold`` curves give ``pass`` up to and including ``limit`` and ``fail`` above it.
    ``interpolate`` curves give the point's q at a breakpoint, interpolate linearly between
    adjacent points (công thức 1 falling, công thức 2 rising: the same line), and give ``below``
    / ``above`` (default: the first / last q) outside the points.
    """
    if spec["curve"] == "threshold":
        return float(spec["pass"] if value <= spec["limit"] else spec["fail"])
    points: Sequence[Sequence[float]] = spec["points"]
    if value < points[0][0]:
        return float(spec.get("below", points[0][1]))
    if value > points[-1][0]:
        return float(spec.get("above", points[-1][1]))
    for (bp_low, q_low), (bp_high, q_high) in itertools.pairwise(points):
        if value <= bp_high:
            return (q_high - q_low) / (bp_high - bp_low) * (value - bp_low) + q_low
    return float(points[-1][1])


def level_for(wqi: int, table: Table | None = None) -> WqiLevel:
    """The band an integer VN_WQI falls in."""
    for row in (table or shipped_table())["levels"]:
        if row["min"] <= wqi <= row["max"]:
            return WqiLevel(
                row["min"], row["max"], row["name_vi"], row["name_en"], row["color_vi"],
                tuple(row["rgb"]), row["hex"], row["use_vi"],
            )  # fmt: skip
    raise ValueError(f"VN_WQI out of range: {wqi}")


def _inputs(
    table: Table, values: Mapping[str, float], temperature: float | None
) -> tuple[dict[str, float], dict[str, str]]:
    """The values keyed as in the table, with DO turned into % saturation; plus what was ignored."""
    usable: dict[str, float] = {}
    ignored: dict[str, str] = {}
    for name, value in values.items():
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name}: value must be finite and ≥ 0, not {value}")
        usable[name] = value
    if temperature is None:
        temperature = usable.get(TEMPERATURE)
    if DO_PERCENT in usable:
        usable["DO"] = usable.pop(DO_PERCENT)
    elif "DO" in usable:
        if temperature is None:
            ignored["DO"] = _("DO (mg/L) cần nhiệt độ nước để tính độ bão hòa.")
            del usable["DO"]
        else:
            usable["DO"] = usable["DO"] / do_saturation(temperature, table) * 100
    return usable, ignored


def _aggregate(aggregation: str, indices: list[float]) -> float:
    if aggregation == "geometric":
        return geometric_mean(indices)
    return fmean(indices)


def _final(groups: Mapping[str, float], formula: str) -> float:
    """WQI = I/100 × II/100 × III/100 × core, groups I–III counting as 100 when absent."""
    factor = math.prod(groups.get(code, 100.0) / 100 for code in ("I", "II", "III"))
    organic = groups["IV"]
    if "V" not in groups:
        core = organic
    elif formula == "weighted":
        core = (organic**2 * groups["V"]) ** (1 / 3)
    elif formula == "unweighted":
        core = math.sqrt(organic * groups["V"])
    else:
        raise ValueError(f"Unknown VN_WQI formula: {formula!r}")
    return factor * core


def _missing_reason(table: Table, by_group: Mapping[str, list[float]]) -> str | None:
    minimum = table["minimum"]
    if len(by_group) < minimum["groups"]:
        return _("Cần số liệu của ít nhất %(count)s trong 5 nhóm thông số.") % {
            "count": minimum["groups"]
        }
    mandatory = minimum["mandatory_group"]
    if len(by_group.get(mandatory, [])) < minimum["mandatory_group_parameters"]:
        return _("Nhóm %(group)s cần ít nhất %(count)s thông số.") % {
            "group": mandatory,
            "count": minimum["mandatory_group_parameters"],
        }
    return None


def compute(
    values: Mapping[str, float], table: Table | None = None, temperature: float | None = None
) -> WqiResult:
    """VN_WQI of one sample from its parameter values (codes as in the module docstring).

    ``table`` defaults to the shipped JSON; ``temperature`` (°C, else ``values["Temp"]``) turns
    ``DO`` in mg/L into % saturation. Parameters outside the table are ignored silently. The
    result's ``wqi`` is None, with ``missing_reason``, when the minimum-data rule fails.
    """
    table = table or shipped_table()
    usable, ignored = _inputs(table, values, temperature)
    sub_indices: dict[str, float] = {}
    by_group: dict[str, list[float]] = {}
    for group in table["groups"]:
        for name in group["parameters"]:
            if name in usable:
                sub_indices[name] = sub_index(table["parameters"][name], usable[name])
                by_group.setdefault(group["code"], []).append(sub_indices[name])
    aggregations = {group["code"]: group["aggregation"] for group in table["groups"]}
    groups = {code: _aggregate(aggregations[code], found) for code, found in by_group.items()}
    reason = _missing_reason(table, by_group)
    if reason is not None:
        return WqiResult(None, None, groups, sub_indices, reason, ignored)
    wqi = int(round_half_up(_final(groups, table["formula"])))
    return WqiResult(wqi, level_for(wqi, table), groups, sub_indices, None, ignored)
