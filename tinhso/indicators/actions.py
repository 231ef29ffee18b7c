"""Every write of the reporting app; each runs in a transaction and is audited."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.audit import record_write
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators.bulk import upsert_values
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


class ImportStrategy(StrEnum):
    """What an import may do with values that do or do not exist yet (DHIS2 names)."""

    CREATE_AND_UPDATE = "CREATE_AND_UPDATE"
    CREATE = "CREATE"
    UPDATE = "UPDATE"


@dataclass
class ImportResult:
    """Counts of an import; ``skipped`` are the rows not written, with the reason."""

    imported: int = 0
    updated: int = 0
    skipped: list[tuple[ValueRow, str]] = field(default_factory=list)


def import_values(
    rows: Sequence[ValueRow],
    *,
    actor: Any,
    strategy: ImportStrategy = ImportStrategy.CREATE_AND_UPDATE,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update checked values in bulk, audited once for the batch.

    Existing cells are found with one query, so the result tells created (``imported``) from
    ``updated``. ``CREATE`` skips existing cells, ``UPDATE`` skips new ones; a cell given twice
    keeps its last value and the earlier one is skipped. With ``dry_run`` nothing is written
    but the counts are the same.

    Raises:
        ValidationError: an unknown data element (callers check values first).
    """
    result = ImportResult()
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={r.data_element for r in rows})
    }
    missing = sorted({r.data_element for r in rows} - set(elements))
    if missing:
        raise ValidationError(
            _("Không có phần tử dữ liệu %(code)s.") % {"code": ", ".join(missing)}
        )
    latest: dict[tuple[int, int, str, str], ValueRow] = {}
    for row in rows:
        key = (
            elements[row.data_element].pk,
            row.unit.pk,
            row.period,
            dimension_key(row.dimensions),
        )
        if key in latest:
            result.skipped.append(
                (latest[key], _("Giá trị bị thay bằng giá trị sau cùng cho cùng ô số liệu."))
            )
        latest[key] = row
    existing: set[tuple[int, int, str, str]] = set()
    if latest:
        existing = set(
            DataValue.objects.filter(
                data_element_id__in={k[0] for k in latest},
                unit_id__in={k[1] for k in latest},
                period__in={k[2] for k in latest},
            ).values_list("data_element_id", "unit_id", "period", "dimension_key")
        )
    to_write: list[DataValue] = []
    for key, row in latest.items():
        exists = key in existing
        if exists and strategy == ImportStrategy.CREATE:
            result.skipped.append((row, _("Đã có giá trị; chiến lược CREATE không ghi đè.")))
            continue
        if not exists and strategy == ImportStrategy.UPDATE:
            result.skipped.append((row, _("Chưa có giá trị; chiến lược UPDATE không tạo mới.")))
            continue
        if exists:
            result.updated += 1
        else:
            result.imported += 1
        to_write.append(
            DataValue(
                data_element_id=key[0],
                unit_id=key[1],
                period=row.period,
                dimensions=row.dimensions,
                dimension_key=key[3],
                value=row.value,
                source=row.source,
                confidence=row.confidence,
                note=row.note,
            )
        )
    if dry_run or not to_write:
        return result
    with transaction.atomic():
        upsert_values(to_write)
        record_write(
            actor=actor,
            action="indicators.values.import",
            changes={
                "imported": result.imported,
                "updated": result.updated,
                "ignored": len(result.skipped),
                "elements": sorted(elements),
                "strategy": str(strategy),
            },
            batch_count=len(to_write),
        )
    return result
