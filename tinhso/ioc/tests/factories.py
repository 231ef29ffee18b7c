"""Test data for the operations centre, on top of the environment test province.

``build_ioc()`` adds to ``build_environment()``:

* ``operator`` of the accounts world (province-wide) as the screen's viewer;
* the rule ``env-limit`` (source ``environment``, threshold against the station's limit), the
  one the environment app evaluates on each ingested batch;
* helpers to store an hourly AQI (:func:`aqi_at`) and to open an alert on a station's
  parameter the way the environment app does (:func:`open_limit_alert`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tinhso.alerts.engine import Condition, Observation, observe
from tinhso.alerts.models import Alert, Rule, RuleKind, Severity
from tinhso.directory.models import AdministrativeUnit
from tinhso.environment.choices import IndexKind
from tinhso.environment.models import IndexValue, Station
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment
from tinhso.indicators.choices import Aggregation, Comparison, TargetScope, ValueType
from tinhso.indicators.models import DataElement, Indicator, Target


@dataclass
class IocWorld:
    """The environment test province with the limit rule."""

    env: EnvironmentWorld
    limit_rule: Rule


def limit_rule() -> Rule:
    """The environment's rule "any reading above the station's applicable limit"."""
    return Rule.objects.create(
        code="env-limit",
        name="Vượt quy chuẩn",
        source="environment",
        kind=RuleKind.THRESHOLD,
        severity=Severity.CRITICAL,
        params={"against": "limit"},
    )


def build_ioc() -> IocWorld:
    """Create the test data described in the module docstring."""
    return IocWorld(env=build_environment(), limit_rule=limit_rule())


def aqi_at(
    station: Station, period: datetime.datetime, value: int, dominant: str = "PM2.5"
) -> None:
    """Store an hourly VN_AQI of ``station`` for the hour ending at ``period``."""
    IndexValue.objects.create(
        station=station, kind=IndexKind.AQI_HOUR, period=period, value=value, dominant=dominant
    )


def open_limit_alert(rule: Rule, station: Station, parameter: str = "COD") -> Alert:
    """Open (fire) the limit alert of ``station``'s ``parameter``, keyed as the environment
    app keys it."""
    observe(
        [
            Observation(
                rule=rule,
                key=f"{station.code}/{parameter}",
                condition=Condition.TRIGGER,
                value=999.0,
                title=f"Vượt quy chuẩn: {parameter} tại {station.name}",
                agency_id=station.agency_id,
                unit_id=station.unit_id,
                link=f"/moi-truong/tram/{station.code}/",
            )
        ]
    )
    return Alert.objects.get(rule=rule, key=f"{station.code}/{parameter}")


def share_target(
    code: str, target: str, deadline: datetime.date, scope_unit: AdministrativeUnit | None = None
) -> Target:
    """A target on the indicator ``SHARE_ONLINE`` (a share in %) that must reach ``target``."""
    DataElement.objects.get_or_create(
        code="SHARE",
        defaults={
            "name": "Tỷ lệ trực tuyến",
            "value_type": ValueType.PERCENTAGE,
            "aggregation_time": Aggregation.LAST,
            "aggregation_space": Aggregation.AVERAGE,
        },
    )
    indicator, _ = Indicator.objects.get_or_create(
        code="SHARE_ONLINE",
        defaults={
            "name": "Tỷ lệ hồ sơ trực tuyến",
            "numerator": "#{SHARE}",
            "unit_of_measure": "%",
        },
    )
    return Target.objects.create(
        code=code,
        name=f"Mục tiêu {code}",
        indicator=indicator,
        comparison=Comparison.AT_LEAST,
        target_value=Decimal(target),
        deadline=deadline,
        scope=TargetScope.PROVINCE,
        scope_unit=scope_unit,
    )
