"""Every write of the reporting app; each runs in a transaction and is audited."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.audit import record_write
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.expressions import ExpressionError, parse
from tinhso.indicators.models import DataElement, DataValue, Indicator, Target
from tinhso.indicators.periods import Period

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def dimension_key(dimensions: dict[str, str]) -> str:
    """Canonical text of a disaggregation, part of a value's identity."""
    return json.dumps(dimensions, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def load_catalogue(*, actor: Any) -> tuple[int, int]:
    """Create or update the shipped data elements and indicators; return their counts.

    Raises:
        ValidationError: an indicator expression does not parse or names an unknown element.
    """
    elements = _rows("data_elements.csv")
    indicators = _rows("indicators.csv")
    known = {row["code"] for row in elements}
    for row in indicators:
        for side in ("numerator", "denominator"):
            try:
                expression = parse(row[side])
            except ExpressionError as exc:
                raise ValidationError(
                    _("Chỉ tiêu %(code)s: %(error)s") % {"code": row["code"], "error": exc}
                ) from exc
            unknown = {ref.code for ref in expression.references()} - known
            if unknown:
                raise ValidationError(
                    _("Chỉ tiêu %(code)s dùng phần tử dữ liệu chưa có: %(codes)s")
                    % {"code": row["code"], "codes": ", ".join(sorted(unknown))}
                )
    with transaction.atomic():
        for row in elements:
            DataElement.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "value_type": row["value_type"],
                    "unit_of_measure": row["unit"],
                    "aggregation_time": row["aggregation_time"],
                    "aggregation_space": row["aggregation_space"],
                    "dimensions": [d for d in row["dimensions"].split(";") if d],
                },
            )
        for row in indicators:
            Indicator.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "numerator": row["numerator"],
                    "denominator": row["denominator"],
                    "factor": Decimal(row["factor"]),
                    "unit_of_measure": row["unit"],
                },
            )
        record_write(
            actor=actor,
            action="indicators.catalogue.load",
            changes={"data_elements": len(elements), "indicators": len(indicators)},
            batch_count=len(elements) + len(indicators),
        )
    return len(elements), len(indicators)


def load_targets(*, actor: Any, scope_unit_for: Any) -> int:
    """Create or update every target of the resolution from ``targets.csv``.

    ``scope_unit_for(deadline)`` returns the administrative unit a target is measured on.
    """
    rows = _rows("targets.csv")
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in={r["indicator"] for r in rows})
    }
    with transaction.atomic():
        for row in rows:
            deadline = datetime.date.fromisoformat(row["deadline"])
            Target.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "indicator": indicators[row["indicator"]],
                    "comparison": row["comparison"],
                    "target_value": Decimal(row["target_value"]),
                    "deadline": deadline,
                    "scope": row["scope"],
                    "scope_unit": scope_unit_for(deadline),
                    "legal_basis": row["legal_basis"],
                },
            )
        record_write(
            actor=actor,
            action="indicators.targets.load",
            changes={"targets": len(rows)},
            batch_count=len(rows),
        )
    return len(rows)


@dataclass(frozen=True)
class ValueRow:
    """One value to store: element code, unit, period code, disaggregation, value."""

    data_element: str
    unit: AdministrativeUnit
    period: str
    value: Decimal
    dimensions: dict[str, str]
    source: str = ValueSource.REPORTED
    confidence: str = ""
    note: str = ""


def store_values(rows: Sequence[ValueRow], *, actor: Any) -> int:
    """Create or update values, audited once for the batch; return how many were written.

    Raises:
        ValidationError: an unknown data element or a malformed period code.
    """
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={r.data_element for r in rows})
    }
    for row in rows:
        if row.data_element not in elements:
            raise ValidationError(
                _("Không có phần tử dữ liệu %(code)s.") % {"code": row.data_element}
            )
        try:
            Period.parse(row.period)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        for row in rows:
            DataValue.objects.update_or_create(
                data_element=elements[row.data_element],
                unit=row.unit,
                period=row.period,
                dimension_key=dimension_key(row.dimensions),
                defaults={
                    "dimensions": row.dimensions,
                    "value": row.value,
                    "source": row.source,
                    "confidence": row.confidence,
                    "note": row.note,
                },
            )
        record_write(
            actor=actor,
            action="indicators.values.store",
            changes={"values": len(rows), "elements": sorted(elements)},
            batch_count=len(rows),
        )
    return len(rows)


def published_rows(unit: AdministrativeUnit) -> Iterable[ValueRow]:
    """The published figures shipped in ``published.csv``, as values of ``unit``."""
    for row in _rows("published.csv"):
        yield ValueRow(
            data_element=row["data_element"],
            unit=unit,
            period=row["period"],
            value=Decimal(row["value"]),
            dimensions={},
            source=ValueSource.PUBLISHED,
            confidence=row["confidence"],
            note=row["source"],
        )
