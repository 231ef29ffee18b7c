"""The public VN_AQI calculator, ``POST /api/v1/environment/aqi`` (no authentication).

Anyone (a citizen, a school, a partner system) can check an index against Decision 1459 with
their own numbers: the endpoint only runs :mod:`tinhso.environment.aqi` and stores nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict, Strict

from tinhso.environment import aqi

router = Router(tags=["environment"])

Concentration = Annotated[
    float,
    Strict(),
    Field(ge=0, allow_inf_nan=False, description="Nồng độ µg/m³ (concentration, µg/m³)"),
]
PM_HELP = (
    "12 giá trị trung bình 1 giờ gần nhất, mới nhất trước, null nếu thiếu "
    "(last 12 hourly means, newest first, null where missing)"
)
GAS_HELP = "Trung bình 1 giờ hiện tại (current 1-hour mean)"
MAX_1H_HELP = "Trung bình 1 giờ lớn nhất trong ngày (maximum 1-hour mean of the day)"
MEAN_24H_HELP = "Trung bình 24 giờ (24-hour mean)"


def _pm(alias: str) -> Any:
    return Field(None, alias=alias, max_length=aqi.NOWCAST_HOURS, description=PM_HELP)


def _value(alias: str, description: str) -> Any:
    return Field(None, alias=alias, description=description)


class _Values(Schema):
    model_config = ConfigDict(extra="forbid")


class HourlyValues(_Values):
    """Inputs of the hourly index: PM as the last 12 hourly means, gases as the current mean."""

    pm25: list[Concentration | None] | None = _pm("PM2.5")
    pm10: list[Concentration | None] | None = _pm("PM10")
    o3: Concentration | None = _value("O3", GAS_HELP)
    no2: Concentration | None = _value("NO2", GAS_HELP)
    so2: Concentration | None = _value("SO2", GAS_HELP)
    co: Concentration | None = _value("CO", GAS_HELP)


class DailyValues(_Values):
    """Inputs of the daily index: PM 24-hour means, gases their maximum 1-hour (O3 also 8-hour)."""

    pm25: Concentration | None = _value("PM2.5", MEAN_24H_HELP)
    pm10: Concentration | None = _value("PM10", MEAN_24H_HELP)
    so2: Concentration | None = _value("SO2", MAX_1H_HELP)
    no2: Concentration | None = _value("NO2", MAX_1H_HELP)
    co: Concentration | None = _value("CO", MAX_1H_HELP)
    o3_1h: Concentration | None = _value("O3_1h", MAX_1H_HELP)
    o3_8h: Concentration | None = _value(
        "O3_8h", "Trung bình 8 giờ lớn nhất trong ngày (maximum 8-hour mean of the day)"
    )


class HourlyRequest(Schema):
    """Ask for the hourly index, AQI giờ."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["hourly"]
    values: HourlyValues


class DailyRequest(Schema):
    """Ask for the daily index, AQI ngày."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["daily"]
    values: DailyValues


AqiRequest = Annotated[HourlyRequest | DailyRequest, Field(discriminator="kind")]


class ParameterOut(Schema):
    """One parameter's input (NowCast for hourly PM) and sub-index, both to 2 decimals."""

    value: float | None
    aqi: float | None


class AqiOut(Schema):
    """The index, its dominant parameter, level name and colour; nulls when data fall short."""

    aqi: int | None = Field(description="VN_AQI, số nguyên; null nếu không đủ số liệu")
    dominant: str | None = Field(description="Thông số có AQI cao nhất (dominant parameter)")
    level: str | None = Field(description="Mức chất lượng không khí (Bảng 1, tiếng Việt)")
    color: str | None = Field(description="Mã màu của mức, dạng #rrggbb")
    parameters: dict[str, ParameterOut]


def _answer(result: aqi.AqiResult) -> dict[str, Any]:
    return {
        "aqi": result.aqi,
        "dominant": result.dominant,
        "level": result.level.name_vi if result.level else None,
        "color": result.level.hex if result.level else None,
        "parameters": {
            name: {
                "value": None if p.value is None else aqi.round_half_up(p.value, 2),
                "aqi": p.aqi,
            }
            for name, p in result.parameters.items()
        },
    }


@router.post(
    "/aqi",
    auth=None,
    response=AqiOut,
    operation_id="environment_aqi_compute",
    summary="Tính VN_AQI giờ hoặc ngày theo Quyết định 1459/QĐ-TCMT (VN_AQI calculator)",
)
def compute_aqi(request: HttpRequest, payload: AqiRequest) -> dict[str, Any]:
    """Compute the hourly or daily VN_AQI of the given parameters (any subset, µg/m³).

    Only the parameters sent are computed and echoed; ``aqi`` is null when neither PM10 nor
    PM2.5 gives a sub-index (e.g. NowCast lacks 2 of the latest 3 hours).
    """
    values = payload.values.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(payload, HourlyRequest):
        return _answer(aqi.hourly(values))
    return _answer(aqi.daily(values))
