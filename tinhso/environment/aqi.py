"""Vietnam's air quality index, VN_AQI (chỉ số chất lượng không khí), per Decision 1459/QĐ-TCMT.

Pure functions over concentrations in µg/m³ (CO included, as Bảng 2 of the decision states):
no database, no Django models. The hourly index (AQI giờ, AQI^h) uses the current 1-hour means
of the gases and the NowCast of the last 12 hourly means for PM10 and PM2.5; the daily index
(AQI ngày, AQI^d) uses 24-hour means for PM, the maximum 1-hour mean for SO2, NO2 and CO, and for
O3 the larger of the sub-indices of its maximum 1-hour and maximum 8-hour means.

Three choices are ours, not the decision's, and are named as constants below:
:data:`ABOVE_TOP_BREAKPOINT_AQI` (values at or above the last breakpoint),
:data:`MIN_HOURS_FOR_24H_MEAN` and :data:`MIN_HOURS_FOR_8H_MEAN` (completeness of daily inputs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

#: Hourly parameters, in the order used to break ties for the dominant parameter.
PARAMETERS: tuple[str, ...] = ("PM2.5", "PM10", "O3", "NO2", "SO2", "CO")
#: Daily inputs: O3 comes as its maximum 1-hour and maximum 8-hour means.
DAILY_PARAMETERS: tuple[str, ...] = ("PM2.5", "PM10", "O3_1h", "O3_8h", "NO2", "SO2", "CO")
PM_PARAMETERS: tuple[str, ...] = ("PM2.5", "PM10")

#: I_i of Bảng 2, the index value at each breakpoint.
INDEX_STEPS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)
#: BP_i of Bảng 2 (µg/m³), one column per parameter; O3 has a 1-hour and an 8-hour column and
#: the 8-hour column stops at 400 µg/m³ (I = 300).
BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "O3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8h": (0, 100, 120, 170, 210, 400),
    "CO": (0, 10_000, 30_000, 45_000, 60_000, 90_000, 120_000, 150_000),
    "SO2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "NO2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "PM10": (0, 50, 150, 250, 350, 420, 500, 600),
    "PM2.5": (0, 25, 50, 80, 150, 250, 350, 500),
}

#: Design choice, not from 1459: the last row of Bảng 2 reads "≥ BP → 500" and the decision gives
#: no rule beyond it, so a concentration at or above the top breakpoint scores exactly 500 (the
#: common practice of capping the scale). O3 8-hour is the exception the decision does state: its
#: sub-index is not computed above 400 µg/m³.
ABOVE_TOP_BREAKPOINT_AQI = 500
#: Design choice, not from 1459 (which gives no completeness rule for daily means): the 24-hour
#: PM mean needs at least 18 of the 24 hourly means (75 %), the common practice.
MIN_HOURS_FOR_24H_MEAN = 18
#: Design choice, not from 1459: an 8-hour O3 mean needs at least 6 of its 8 hourly means (75 %).
MIN_HOURS_FOR_8H_MEAN = 6
#: NowCast uses the last 12 hourly means and needs at least 2 of the latest 3 (c1..c3).
NOWCAST_HOURS = 12
NOWCAST_MIN_RECENT = 2
#: O3 8-hour sub-index is not computed when the maximum 8-hour mean exceeds this (µg/m³).
O3_8H_LIMIT = 400.0

Column = Literal["1h", "8h"]
Series = Sequence[float | None]


@dataclass(frozen=True)
class Level:
    """One band of Bảng 1 with its health message (Bảng 4) and advice (Bảng 5), verbatim."""

    number: int
    low: int
    high: int
    name_vi: str
    name_en: str
    color_vi: str
    color_en: str
    rgb: tuple[int, int, int]
    health: str
    advice_normal: str
    advice_sensitive: str

    @property
    def hex(self) -> str:
        """The colour as ``#rrggbb`` (lower case), e.g. ``#00e400`` for Tốt."""
        return "#{:02x}{:02x}{:02x}".format(*self.rgb)


_OUTDOORS_FREE = "Tự do thực hiện các hoạt động ngoài trời"
_STAY_INDOORS = (
    "Mọi người nên ở trong nhà, đóng cửa ra vào và cửa sổ. Nếu cần thiết phải ra ngoài, hãy "
    "đeo khẩu trang đạt tiêu chuẩn."
)

#: Bảng 1 (ranges, names, colours, RGB), Bảng 4 (health) and Bảng 5 (advice) of Decision 1459.
#: Official text quoted as data; the Nguy hại advice is one merged cell for both groups.
LEVELS: tuple[Level, ...] = (
    Level(
        1, 0, 50, "Tốt", "Good", "Xanh", "Green", (0, 228, 0),
        "Chất lượng không khí tốt, không ảnh hưởng tới sức khỏe",
        _OUTDOORS_FREE,
        _OUTDOORS_FREE,
    ),
    Level(
        2, 51, 100, "Trung bình", "Moderate", "Vàng", "Yellow", (255, 255, 0),
        "Chất lượng không khí ở mức chấp nhận được. Tuy nhiên, đối với những người nhạy cảm "
        "(người già, trẻ em, người mắc các bệnh hô hấp, tim mạch…) có thể chịu những tác động "
        "nhất định tới sức khỏe.",
        _OUTDOORS_FREE,
        "Nên theo dõi các triệu chứng như ho hoặc khó thở, nhưng vẫn có thể hoạt động bên ngoài.",
    ),
    Level(
        3, 101, 150, "Kém", "Poor", "Da cam", "Orange", (255, 126, 0),
        "Những người nhạy cảm gặp phải các vấn đề về sức khỏe, những người bình thường ít ảnh "
        "hưởng.",
        "Những người thấy có triệu chứng đau mắt, ho hoặc đau họng… nên cân nhắc giảm các hoạt "
        "động ngoài trời. Đối với học sinh, có thể hoạt động bên ngoài, nhưng nên giảm bớt việc "
        "tập thể dục kéo dài.",
        "Nên giảm các hoạt động mạnh và giảm thời gian hoạt động ngoài trời. Những người mắc bệnh "
        "hen suyễn có thể cần sử dụng thuốc thường xuyên hơn.",
    ),
    Level(
        4, 151, 200, "Xấu", "Bad", "Đỏ", "Red", (255, 0, 0),
        "Những người bình thường bắt đầu có các ảnh hưởng tới sức khỏe, nhóm người nhạy cảm có "
        "thể gặp những vấn đề sức khỏe nghiêm trọng hơn.",
        "Mọi người nên giảm các hoạt động mạnh khi ở ngoài trời, tránh tập thể dục kéo dài và "
        "nghỉ ngơi nhiều hơn trong nhà.",
        "Nên ở trong nhà và giảm hoạt động mạnh. Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang "
        "đạt tiêu chuẩn.",
    ),
    Level(
        5, 201, 300, "Rất xấu", "Very bad", "Tím", "Purple", (143, 63, 151),
        "Cảnh báo hưởng tới sức khỏe: mọi người bị ảnh hưởng tới sức khỏe nghiêm trọng hơn.",
        "Mọi người hạn chế tối đa các hoạt động ngoài trời và chuyển tất cả các hoạt động vào "
        "trong nhà. Nếu cần thiết phải ra ngoài, hãy đeo khẩu trang đạt tiêu chuẩn.",
        "Nên ở trong nhà và giảm hoạt động mạnh.",
    ),
    Level(
        6, 301, 500, "Nguy hại", "Hazardous", "Nâu", "Maroon", (126, 0, 35),
        "Cảnh báo khẩn cấp về sức khỏe: Toàn bộ dân số bị ảnh hưởng tới sức khỏe tới mức nghiêm "
        "trọng.",
        _STAY_INDOORS,
        _STAY_INDOORS,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ParameterResult:
    """One parameter's input (the NowCast for hourly PM) and its sub-index AQI_x.

    ``aqi`` is the exact sub-index rounded half-up to 2 decimals (NO2 118.7 → 59.35); None when it
    cannot be computed (missing data, incomplete NowCast, O3 8-hour above 400 µg/m³).
    """

    value: float | None
    aqi: float | None


@dataclass(frozen=True)
class AqiResult:
    """An hourly or daily VN_AQI: the integer index, its dominant parameter and level.

    ``aqi`` is None when the data are insufficient: no sub-index at all, or neither PM10 nor
    PM2.5 has one (1459 §2.1 requires at least one of them).
    """

    aqi: int | None
    dominant: str | None
    level: Level | None
    parameters: dict[str, ParameterResult] = field(default_factory=dict)


def round_half_up(value: float, digits: int = 0) -> float:
    """Round ``value`` half away from zero at ``digits`` decimals (not banker's rounding).

    The float is first read at 9 decimals so that 40.499999999 from binary noise counts as 40.5.
    """
    exact = Decimal(repr(round(value, 9)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def level_for(aqi: int) -> Level:
    """The Bảng 1 band an integer AQI falls in; 500 and above are Nguy hại."""
    if aqi < 0:
        raise ValueError(f"AQI cannot be negative: {aqi}")
    for level in LEVELS:
        if aqi <= level.high:
            return level
    return LEVELS[-1]


def _column_key(parameter: str, column: Column) -> str:
    if parameter in ("O3_1h", "O3_8h"):
        return parameter
    if parameter == "O3":
        return f"O3_{column}"
    if parameter not in BREAKPOINTS:
        raise ValueError(f"Unknown VN_AQI parameter: {parameter!r}")
    if column != "1h":
        raise ValueError(f"Only O3 has an 8-hour column, not {parameter!r}")
    return parameter


def sub_index(parameter: str, concentration: float | None, column: Column = "1h") -> float | None:
    """AQI_x of one parameter by Công thức 1 (linear interpolation between Bảng 2 breakpoints).

    ``parameter`` is one of :data:`PARAMETERS` (``column`` picks O3's 1-hour or 8-hour column)
    or ``"O3_1h"``/``"O3_8h"``. Returns the exact float; None for a missing concentration or an
    O3 8-hour mean above 400 µg/m³. At or above the top breakpoint the result is
    :data:`ABOVE_TOP_BREAKPOINT_AQI` (500).
    """
    key = _column_key(parameter, column)
    if concentration is None:
        return None
    _check_concentration(parameter, concentration)
    points = BREAKPOINTS[key]
    if concentration >= points[-1]:
        if key == "O3_8h":
            return float(INDEX_STEPS[len(points) - 1]) if concentration == points[-1] else None
        return float(ABOVE_TOP_BREAKPOINT_AQI)
    for i in range(len(points) - 1):
        low, high = points[i], points[i + 1]
        if concentration <= high:
            i_low, i_high = INDEX_STEPS[i], INDEX_STEPS[i + 1]
            return (i_high - i_low) / (high - low) * (concentration - low) + i_low
    raise AssertionError("unreachable: the last breakpoint was handled above")


def _check_concentration(parameter: str, concentration: float) -> None:
    if not math.isfinite(concentration) or concentration < 0:
        raise ValueError(f"{parameter}: concentration must be finite and ≥ 0, not {concentration}")


def nowcast(values: Series) -> float | None:
    """The NowCast of up to 12 hourly means, newest first (c1 = the current hour).

    Returns None ("không có dữ liệu") unless at least 2 of c1, c2, c3 are present. With
    ``w* = Cmin/Cmax`` over the present values and ``w = max(w*, 1/2)``, the result is the weighted
    mean ``Σ w^(i−1)·c_i / Σ w^(i−1)`` where a missing c_i has weight 0.

    Design decision: 1459 writes the w = 1/2 case as ``Σ (1/2)^i · c_i`` without a denominator,
    which only approximates the normalised mean (Σ (1/2)^(i−1) ≈ 2) and is biased low whenever
    hours are missing; we use the normalised formula for every w, as the reference
    transcription's authors do.
    """
    if len(values) > NOWCAST_HOURS:
        raise ValueError(f"NowCast takes at most {NOWCAST_HOURS} hourly means, not {len(values)}")
    recent = [value for value in values[:3] if value is not None]
    if len(recent) < NOWCAST_MIN_RECENT:
        return None
    present = [(i, value) for i, value in enumerate(values) if value is not None]
    weight = nowcast_weight([value for _i, value in present])
    weights = [weight**i for i, _value in present]
    return sum(w * value for w, (_i, value) in zip(weights, present, strict=True)) / sum(weights)


def nowcast_weight(present: Sequence[float]) -> float:
    """The NowCast weight w = max(Cmin/Cmax, 1/2) over the hourly means present (all zeros: 1)."""
    for value in present:
        _check_concentration("NowCast", value)
    highest = max(present)
    return 1.0 if highest == 0 else max(min(present) / highest, 0.5)


def _result(parameters: dict[str, ParameterResult], indices: dict[str, float]) -> AqiResult:
    """Combine exact sub-indices into the final index: the max, rounded half-up to an integer."""
    if not indices or not any(name in indices for name in PM_PARAMETERS):
        return AqiResult(None, None, None, parameters)
    dominant = max(indices, key=lambda name: indices[name])
    aqi = int(round_half_up(indices[dominant]))
    return AqiResult(aqi, dominant, level_for(aqi), parameters)


def _entry(value: float | None, index: float | None) -> ParameterResult:
    return ParameterResult(value, None if index is None else round_half_up(index, 2))


def hourly(values: Mapping[str, Series | float | None]) -> AqiResult:
    """The hourly VN_AQI (AQI^h) from any subset of :data:`PARAMETERS`.

    PM10 and PM2.5 are sequences of up to 12 hourly means, newest first, None where missing
    (their reported value is the NowCast); gases are the current 1-hour mean or None.
    """
    _reject_unknown(values, PARAMETERS)
    parameters: dict[str, ParameterResult] = {}
    indices: dict[str, float] = {}
    for name in PARAMETERS:
        if name not in values:
            continue
        concentration = _hourly_concentration(name, values[name])
        index = sub_index(name, concentration)
        parameters[name] = _entry(concentration, index)
        if index is not None:
            indices[name] = index
    return _result(parameters, indices)


def _hourly_concentration(name: str, given: Series | float | None) -> float | None:
    """The concentration an hourly sub-index uses: NowCast for PM, the 1-hour mean for gases."""
    if given is None:
        return None
    if name in PM_PARAMETERS:
        if isinstance(given, int | float):
            raise ValueError(f"{name}: hourly PM needs the last 12 hourly means, newest first")
        return nowcast(given)
    if not isinstance(given, int | float):
        raise ValueError(f"{name}: hourly gases need the current 1-hour mean")
    return float(given)


def daily(values: Mapping[str, float | None]) -> AqiResult:
    """The daily VN_AQI (AQI^d) from any subset of :data:`DAILY_PARAMETERS`.

    PM: 24-hour means; SO2, NO2, CO and ``O3_1h``: maximum 1-hour mean of the day; ``O3_8h``:
    maximum 8-hour mean. O3 counts once, as the larger of its two sub-indices; the 8-hour one is
    dropped when the 8-hour mean exceeds 400 µg/m³. The dominant parameter is the key of
    :attr:`AqiResult.parameters` that gave the index (``"O3_1h"`` or ``"O3_8h"`` for ozone).
    """
    _reject_unknown(values, DAILY_PARAMETERS)
    parameters: dict[str, ParameterResult] = {}
    indices: dict[str, float] = {}
    for name in DAILY_PARAMETERS:
        if name not in values:
            continue
        concentration = values[name]
        index = sub_index(name, None if concentration is None else float(concentration))
        parameters[name] = _entry(concentration, index)
        if index is not None:
            indices[name] = index
    o3 = {name: indices.pop(name) for name in ("O3_1h", "O3_8h") if name in indices}
    if o3:
        o3_name = max(o3, key=lambda name: o3[name])
        indices[o3_name] = o3[o3_name]
    return _result(parameters, indices)


def _reject_unknown(values: Mapping[str, object], known: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"Unknown VN_AQI parameters: {', '.join(unknown)}")


def _mean(values: Series, minimum: int) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if len(present) >= minimum else None


def _maximum(values: Series) -> float | None:
    return max((value for value in values if value is not None), default=None)


def rolling_8h_means(day: Series, previous_day: Series = ()) -> list[float | None]:
    """The 24 rolling 8-hour means of a day, each ending at 01:00, 02:00 … 24:00.

    ``day`` holds the 24 hourly means in order 01:00..24:00; ``previous_day`` the last hours of
    the day before (up to 7, oldest first, ending at its 24:00), needed by the windows that start
    before 01:00. A window with fewer than :data:`MIN_HOURS_FOR_8H_MEAN` values is None.
    """
    _check_day(day)
    if len(previous_day) > 7:
        raise ValueError("previous_day holds at most the 7 hours before 01:00")
    hours = [*([None] * (7 - len(previous_day))), *previous_day, *day]
    return [_mean(hours[end - 7 : end + 1], MIN_HOURS_FOR_8H_MEAN) for end in range(7, 31)]


def _check_day(day: Series) -> None:
    if len(day) != 24:
        raise ValueError(f"A day has 24 hourly means (01:00..24:00), not {len(day)}")


def daily_inputs(
    hourly_means: Mapping[str, Series], *, o3_previous_day: Series = ()
) -> dict[str, float | None]:
    """Turn one day's hourly means into the inputs of :func:`daily`.

    ``hourly_means`` maps any of :data:`PARAMETERS` to the 24 hourly means of the day in order
    01:00..24:00 (1459: "từ 01:00 giờ đến 00:00 hôm sau"), None where missing. PM gives its
    24-hour mean (None below :data:`MIN_HOURS_FOR_24H_MEAN` hours); SO2, NO2 and CO their maximum
    1-hour mean over the hours present; O3 gives ``O3_1h`` (maximum 1-hour mean) and ``O3_8h``
    (maximum of the 24 rolling 8-hour means, see :func:`rolling_8h_means`, with
    ``o3_previous_day`` the hours before 01:00).
    """
    _reject_unknown(hourly_means, PARAMETERS)
    inputs: dict[str, float | None] = {}
    for name, day in hourly_means.items():
        _check_day(day)
        if name in PM_PARAMETERS:
            inputs[name] = _mean(day, MIN_HOURS_FOR_24H_MEAN)
        elif name == "O3":
            inputs["O3_1h"] = _maximum(day)
            inputs["O3_8h"] = _maximum(rolling_8h_means(day, o3_previous_day))
        else:
            inputs[name] = _maximum(day)
    return inputs
