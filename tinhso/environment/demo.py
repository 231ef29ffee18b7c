"""Demo data of environmental monitoring (``tinhso demo``, step ``environment``).

On top of the directory's demo units and agencies and the demo accounts: the shipped reference
data (:mod:`tinhso.environment.seed`), the 21 stations of
:mod:`tinhso.environment.demo_stations` managed by the provincial Department of Agriculture and
Environment, one station token per station group (made by the demo operator ``admin``; their
secrets are not kept — the live simulator makes its own), and a week of hourly readings from
the simulator's model, ingested like any batch so that exceedances are recorded and the alert
rules (three demo rules, made first) see them; then every hour's means and indices are computed.
Idempotent: stations that already have readings get no second history.
"""

from __future__ import annotations

import datetime
import time
from typing import TextIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.alerts.models import Rule, RuleKind, Severity
from tinhso.core.audit import record_write
from tinhso.directory import queries as directory
from tinhso.directory.models import Agency
from tinhso.environment import actions, compute
from tinhso.environment.choices import Source, StationKind
from tinhso.environment.demo_stations import AGENCY, GROUPS, STATIONS, StationSpec
from tinhso.environment.evaluation import SOURCE
from tinhso.environment.ingest import ingest
from tinhso.environment.models import LimitSet, Parameter, Reading, Station, StationToken
from tinhso.environment.seed import load_reference_data
from tinhso.environment.simulator import Simulator, as_raw

SEED = 6
"""The seed of the history's noise and incidents (issue 6)."""

HISTORY_DAYS = 7
HISTORY_INCIDENT_RATE = 0.01
"""Chance per station-hour that an incident starts in the history (a few per station a week)."""

DEMO_OPERATOR = "admin"
"""The demo account that creates the station tokens (operator of the whole province)."""

DEMO_RULES: tuple[tuple[str, str, RuleKind, Severity, dict[str, object]], ...] = (
    (
        "moi-truong-pm25-cao",
        "Bụi PM2,5 trên 150 µg/m³",
        RuleKind.THRESHOLD,
        Severity.WARNING,
        {"parameter": "PM2.5", "above": 150, "clear_below": 120},
    ),
    (
        "moi-truong-vuot-quy-chuan",
        "Vượt quy chuẩn kỹ thuật (QCVN)",
        RuleKind.THRESHOLD,
        Severity.CRITICAL,
        {"against": "limit"},
    ),
    (
        "moi-truong-aqi-kem",
        "VN_AQI giờ từ mức xấu (151) trở lên",
        RuleKind.LEVEL,
        Severity.WARNING,
        {"index": "aqi_hour", "at_least": 151, "clear_below": 101},
    ),
)
"""The demo's alert rules: code, name, kind, severity, parameters (see ``evaluation``)."""


def _say(stdout: TextIO | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def applicable_limit_set(code: str, column: str, day: datetime.date) -> LimitSet | None:
    """The version of a limit set in force on ``day`` (the newest when several are)."""
    return (
        LimitSet.objects.filter(code=code, column=column)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def _save_station(
    spec: StationSpec, agency: Agency, day: datetime.date, parameters: dict[str, Parameter]
) -> tuple[Station, bool]:
    limit_set = (
        applicable_limit_set(spec.limit_code, spec.limit_column, day) if spec.limit_code else None
    )
    station, created = Station.objects.update_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "kind": StationKind.AUTOMATIC,
            "medium": spec.medium,
            "agency": agency,
            "unit": directory.get_unit(spec.unit_code, day),
            "operator": spec.operator,
            "facility": spec.facility,
            "industrial_zone": spec.industrial_zone,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "limit_set": limit_set,
            "kq": spec.kq,
            "kf": spec.kf,
            "tt10_province": spec.tt10[0],
            "tt10_facility": spec.tt10[1],
            "tt10_station": spec.tt10[2],
        },
    )
    station.parameters.set([parameters[code] for code in spec.parameter_codes])
    return station, created


def create_stations(day: datetime.date) -> dict[str, Station]:
    """Create or update the demo stations (reference data and directory loaded before)."""
    agency = Agency.objects.get(name=AGENCY)
    parameters = {p.code: p for p in Parameter.objects.all()}
    stations: dict[str, Station] = {}
    created = 0
    with transaction.atomic():
        for spec in STATIONS:
            stations[spec.code], new = _save_station(spec, agency, day, parameters)
            created += new
        record_write(
            actor=None,
            action="environment.demo.stations",
            changes={"created": [None, created], "updated": [None, len(STATIONS) - created]},
            batch_count=len(STATIONS),
        )
    return stations


def create_rules(agency: Agency) -> int:
    """Create the demo's alert rules that are missing (an edited rule is kept); return how many
    were new."""
    made = 0
    with transaction.atomic():
        for code, name, kind, severity, params in DEMO_RULES:
            rule, created = Rule.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "source": SOURCE,
                    "kind": kind,
                    "severity": severity,
                    "params": params,
                    "agency": agency,
                },
            )
            if created:
                record_write(actor=None, action="alerts.rule.create", target=rule)
                made += 1
    return made


def create_tokens(stations: dict[str, Station]) -> int:
    """One token per station group, made by the demo operator; return how many were new."""
    actor = User.objects.filter(username=DEMO_OPERATOR).first()
    if actor is None:
        return 0
    made = 0
    for key, group in GROUPS.items():
        if StationToken.objects.filter(name=group.token_name, revoked_at__isnull=True).exists():
            continue
        members = [stations[spec.code] for spec in STATIONS if spec.group == key]
        actions.create_station_token(actor=actor, name=group.token_name, stations=members)
        made += 1
    return made


def load_history(
    specs: list[StationSpec], end: datetime.datetime, units: dict[str, str], days: int
) -> int:
    """Ingest ``days`` days of hourly readings of ``specs`` up to ``end``, a day per batch."""
    simulator = Simulator(specs, units, incident_rate=HISTORY_INCIDENT_RATE, seed=SEED)
    hours = [end - datetime.timedelta(hours=n) for n in range(days * 24, -1, -1)]
    stored = 0
    for first in range(0, len(hours), 24):
        batch = [r for moment in hours[first : first + 24] for r in as_raw(simulator.tick(moment))]
        stored += ingest(batch, source=Source.HTTP, origin="demo").accepted
    return stored


def load_demo(stdout: TextIO | None = None, *, history_days: int = HISTORY_DAYS) -> None:
    """Load the environment's demo data. Idempotent."""
    started = time.monotonic()
    reference = load_reference_data()
    now = timezone.now()
    rules = create_rules(Agency.objects.get(name=AGENCY))
    stations = create_stations(timezone.localdate(now))
    tokens = create_tokens(stations)
    with_history = set(
        Reading.objects.filter(station__code__in=stations)
        .values_list("station__code", flat=True)
        .distinct()
    )
    todo = [spec for spec in STATIONS if spec.code not in with_history]
    units = dict(Parameter.objects.values_list("code", "unit"))
    end = now.replace(minute=0, second=0, microsecond=0)
    readings = load_history(todo, end, units, history_days) if todo else 0
    hours = compute.recompute_all() if readings else 0
    _say(
        stdout,
        f"  {reference}; {len(stations)} stations, {tokens} new tokens, {rules} new rules; "
        f"{readings} readings of {len(todo)} stations, {hours} station-hours computed "
        f"({time.monotonic() - started:.1f} s)",
    )
