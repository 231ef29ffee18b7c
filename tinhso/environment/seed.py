"""The shipped reference data: canonical parameters and the QCVN limit sets.

``data/parameters.json`` and ``data/limit_sets.json`` are loaded into :class:`Parameter`,
:class:`LimitSet` and :class:`Limit`. Loading creates what is missing and leaves every existing
row as it is: a limit an operator corrected after comparing it with the official text keeps the
operator's value. A limit set is found by (code, column, version), a limit by (set, parameter,
averaging time), a parameter by its code, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from tinhso.core.audit import record_write
from tinhso.environment import wqi
from tinhso.environment.ingest import forget_catalogue, normalise_unit
from tinhso.environment.models import Limit, LimitSet, Parameter, WqiTable

DATA = Path(__file__).resolve().parent / "data"
PARAMETERS_JSON = DATA / "parameters.json"
LIMIT_SETS_JSON = DATA / "limit_sets.json"


@dataclass
class SeedReport:
    """How many rows of each kind were created and how many were already there."""

    parameters: int = 0
    parameters_existing: int = 0
    limit_sets: int = 0
    limit_sets_existing: int = 0
    limits: int = 0
    limits_existing: int = 0
    wqi_table: bool = False

    def __str__(self) -> str:
        return (
            f"{self.parameters} parameters new, {self.parameters_existing} kept; "
            f"{self.limit_sets} limit sets new, {self.limit_sets_existing} kept; "
            f"{self.limits} limits new, {self.limits_existing} kept"
            + ("; the shipped VN_WQI table installed" if self.wqi_table else "")
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _read(path: Path) -> list[dict[str, Any]]:
    document: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return document


def load_reference_data() -> SeedReport:
    """Create the shipped parameters, limit sets and limits that are missing; keep the rest.

    Raises:
        ValueError: a limit names a parameter that is not in the list, or gives its value in
            another unit than the parameter's (the data files disagree with each other).
    """
    report = SeedReport()
    with transaction.atomic():
        parameters: dict[str, Parameter] = {}
        for item in _read(PARAMETERS_JSON):
            parameter, created = Parameter.objects.get_or_create(
                code=item["code"],
                defaults={
                    "name": item["name_vi"],
                    "name_en": item.get("name_en", ""),
                    "unit": item["unit"],
                    "media": item["medium"],
                    "symbols": [a for a in item.get("aliases", []) if a != item["code"]],
                    "min_value": item.get("min"),
                    "max_value": item.get("max"),
                },
            )
            parameters[parameter.code] = parameter
            report.parameters += created
            report.parameters_existing += not created
        for item in _read(LIMIT_SETS_JSON):
            limit_set, created = LimitSet.objects.get_or_create(
                code=item["code"],
                column=item.get("column", ""),
                version=item["version"],
                defaults={
                    "name": item["name"],
                    "medium": item["medium"],
                    "valid_from": _date(item.get("valid_from")),
                    "valid_to": _date(item.get("valid_to")),
                    "source": item.get("source", ""),
                    "verified": item.get("verified", False),
                    "note": item.get("note", ""),
                },
            )
            report.limit_sets += created
            report.limit_sets_existing += not created
            for row in item["limits"]:
                measured = parameters.get(row["parameter"])
                if measured is None:
                    raise ValueError(
                        f"{limit_set}: parameter {row['parameter']!r} is not in parameters.json"
                    )
                if normalise_unit(row.get("unit") or "") != normalise_unit(measured.unit):
                    raise ValueError(
                        f"{limit_set}: {measured.code} limit in {row.get('unit')!r}, "
                        f"parameter in {measured.unit!r}"
                    )
                _limit, created = Limit.objects.get_or_create(
                    limit_set=limit_set,
                    parameter=measured,
                    averaging=row["averaging"],
                    defaults={
                        "min_value": row.get("min"),
                        "max_value": row.get("max"),
                        "apply_k": row.get("apply_k", False),
                        "verified": row.get("verified", False),
                    },
                )
                report.limits += created
                report.limits_existing += not created
        if not WqiTable.objects.exists():
            WqiTable.objects.create(
                name="VN_WQI theo Quyết định 1460/QĐ-TCMT (bảng đi kèm phần mềm)",
                data=wqi.shipped_table(),
                verified=False,
                note="Chưa đối chiếu văn bản gốc; xem ghi chú trong bảng.",
            )
            report.wqi_table = True
        created_rows = report.parameters + report.limit_sets + report.limits + report.wqi_table
        if created_rows:
            record_write(
                actor=None,
                action="environment.reference.load",
                changes={
                    "parameters": [None, report.parameters],
                    "limit_sets": [None, report.limit_sets],
                    "limits": [None, report.limits],
                    "wqi_table": [None, report.wqi_table],
                },
                batch_count=created_rows,
            )
    forget_catalogue()
    return report
