"""Exceedance of a QCVN limit (vượt quy chuẩn), and the Kq/Kf coefficients of QCVN 40:2011.

Under QCVN 40:2011/BTNMT an industrial discharge may carry at most ``Cmax = C × Kq × Kf``: C the
table value of the applicable column, Kq for the receiving water (river flow, lake volume or
coastal use), Kf for the discharge flow. Temperature, colour, pH, coliform and radioactivity are
never multiplied; a limit row says so with its ``apply_k`` flag. The Kq/Kf bands were not read
in the standard itself: they ship as ``data/qcvn40_2011_k.json`` (``"verified": false``) and are
only *suggestions* an operator confirms on the station's limit settings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

K_TABLE_PATH = Path(__file__).parent / "data" / "qcvn40_2011_k.json"

CoastalUse = Literal["recreation", "other"]


@cache
def k_table() -> dict[str, Any]:
    """The shipped (unverified) Kq/Kf bands of QCVN 40:2011."""
    table: dict[str, Any] = json.loads(K_TABLE_PATH.read_text(encoding="utf-8"))
    return table


def cmax(c: float, kq: float | None, kf: float | None, apply_k: bool) -> float:
    """The maximum allowed value: ``C × Kq × Kf`` where the limit applies coefficients, else C.

    A coefficient left as None counts as 1 (e.g. Kq for a discharge into an urban sewer).
    """
    if not apply_k:
        return c
    return c * (1.0 if kq is None else kq) * (1.0 if kf is None else kf)


def exceeds(value: float, min_value: float | None, max_value: float | None) -> bool:
    """Whether ``value`` falls outside ``[min_value, max_value]``; the limits themselves comply.

    Either bound may be None (most limits are a maximum only; pH is a range such as 6–9).
    """
    if min_value is not None and value < min_value:
        return True
    return max_value is not None and value > max_value


def _band(bands: Sequence[Mapping[str, Any]], value: float, what: str) -> float:
    """The ``k`` of the first band whose ``max`` is ≥ value (upper bounds inclusive, as "≤")."""
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be finite and ≥ 0, not {value}")
    for band in bands:
        if band["max"] is None or value <= band["max"]:
            return float(band["k"])
    raise ValueError(f"No band for {what} = {value}: the table's last band must be open")


def suggest_kq(
    flow_m3s: float | None = None,
    lake_volume_m3: float | None = None,
    coastal: CoastalUse | None = None,
) -> float:
    """Suggest Kq from exactly one of: river flow Q (m³/s), lake volume V (m³), coastal use.

    Bands are inclusive at their upper bound (Q = 50 → 0.9, Q = 50.1 → 1.0). Coastal water gives
    1.0 where it is used for recreation and 1.3 otherwise.
    """
    given = [arg for arg in (flow_m3s, lake_volume_m3, coastal) if arg is not None]
    if len(given) != 1:
        raise ValueError("Give exactly one of flow_m3s, lake_volume_m3 or coastal")
    table = k_table()
    if flow_m3s is not None:
        return _band(table["kq_river"]["bands"], flow_m3s, "River flow")
    if lake_volume_m3 is not None:
        return _band(table["kq_lake"]["bands"], lake_volume_m3, "Lake volume")
    if coastal not in table["kq_coastal"]:
        raise ValueError(f"Unknown coastal use: {coastal!r}")
    return float(table["kq_coastal"][coastal])


def suggest_kf(discharge_m3_per_day: float) -> float:
    """Suggest Kf from the discharge flow F (m³ per 24 h); F = 500 → 1.1, F = 500.1 → 1.0."""
    return _band(k_table()["kf"]["bands"], discharge_m3_per_day, "Discharge flow")
