"""Writes of values: the catalogue, targets, stored and imported values, computed values."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import record_write
from tinhso.directory.models import AdministrativeUnit
from tinhso.indicators import registry
from tinhso.indicators.bulk import Cell, CellsTaken, upsert_cells
from tinhso.indicators.choices import (
    SubmissionStatus,
    ValueSource,
)
from tinhso.indicators.expressions import ExpressionError, parse
from tinhso.indicators.models import (
    DataElement,
    DataValue,
    Indicator,
    Submission,
    Target,
    ValueChange,
    dimension_key,
)
from tinhso.indicators.periods import Period

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str, folder: Path = DATA_DIR) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_catalogue(*, actor: Any, data_dir: Path | None = None) -> tuple[int, int]:
    """Create or update the shipped data elements and indicators; return their counts.

    ``data_dir`` holds ``data_elements.csv`` and ``indicators.csv``: this app's own by default,
    another app's for the elements it computes (e.g. the one-stop statistics).

    Raises:
        ValidationError: an indicator expression does not parse or names an unknown element.
    """
    folder = data_dir or DATA_DIR
    elements = _rows("data_elements.csv", folder)
    indicators = _rows("indicators.csv", folder)
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


@dataclass(slots=True)
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


def locked_cells(
    element_ids: Iterable[int], unit_ids: Iterable[int], periods: Iterable[str]
) -> set[tuple[int, int, str]]:
    """The (element, unit, period) cells among those given that reports lock (one query)."""
    day = local_today()
    return set(
        Submission.objects.filter(unit_id__in=unit_ids, period__in=periods)
        .filter(
            Q(status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED])
            | Q(lock_date__lt=day)
        )
        .filter(regime__data_elements__in=element_ids)
        .values_list("regime__data_elements", "unit_id", "period")
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
    channel: str = "import",
) -> ImportResult:
    """Create or update checked values in bulk, audited once for the batch.

    Existing cells are found with one query, so the result tells created (``imported``) from
    ``updated``. ``CREATE`` skips existing cells, ``UPDATE`` skips new ones; a cell given twice
    keeps its last value and the earlier one is skipped. Cells of a report that is submitted,
    approved or past its lock date are skipped. Changed values keep their previous value in
    the value history (``channel`` says how they came). With ``dry_run`` nothing is written
    but the counts are the same.

    Raises:
        ValidationError: an unknown data element (callers check values first).
    """
    with transaction.atomic():
        if rows:
            # Reports of these units and periods are locked while the import reads and writes,
            # so none is submitted or approved between the lock check and the write.
            list(
                Submission.objects.select_for_update()
                .filter(unit_id__in={r.unit.id for r in rows}, period__in={r.period for r in rows})
                .values_list("pk", flat=True)
            )
        return _import_values(
            rows, actor=actor, strategy=strategy, dry_run=dry_run, channel=channel
        )


def _stored(
    cells: Iterable[tuple[int, int, str, str]],
) -> dict[tuple[int, int, str, str], Decimal]:
    """The stored values among the elements, units and periods of ``cells``, by cell key."""
    keys = list(cells)
    return {
        (element_id, unit_id, period, key): value
        for element_id, unit_id, period, key, value in DataValue.objects.filter(
            data_element_id__in={k[0] for k in keys},
            unit_id__in={k[1] for k in keys},
            period__in={k[2] for k in keys},
        ).values_list("data_element_id", "unit_id", "period", "dimension_key", "value")
    }


def _import_values(
    rows: Sequence[ValueRow],
    *,
    actor: Any,
    strategy: ImportStrategy,
    dry_run: bool,
    channel: str,
) -> ImportResult:
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
    # Rows of a payload share few disaggregation dicts: key each dict once (kept alive here).
    keys: dict[int, tuple[dict[str, str], str]] = {}
    element_id_of = {code: element.id for code, element in elements.items()}
    for row in rows:
        known = keys.get(id(row.dimensions))
        if known is None:
            known = keys[id(row.dimensions)] = (row.dimensions, dimension_key(row.dimensions))
        key = (element_id_of[row.data_element], row.unit.id, row.period, known[1])
        if key in latest:
            result.skipped.append(
                (latest[key], _("Giá trị bị thay bằng giá trị sau cùng cho cùng ô số liệu."))
            )
        latest[key] = row
    existing: dict[tuple[int, int, str, str], Decimal] = {}
    locked: set[tuple[int, int, str]] = set()
    if latest:
        element_ids = {k[0] for k in latest}
        unit_ids = {k[1] for k in latest}
        periods = {k[2] for k in latest}
        existing = _stored(latest)
        locked = locked_cells(element_ids, unit_ids, periods)
    to_write: list[Cell] = []
    to_update: list[Cell] = []
    history: list[ValueChange] = []
    for key, row in latest.items():
        if key[:3] in locked:
            result.skipped.append((row, _("Báo cáo của kỳ này đã gửi, đã duyệt hoặc đã khoá.")))
            continue
        exists = key in existing
        if exists and strategy == ImportStrategy.CREATE:
            result.skipped.append((row, _("Đã có giá trị; chiến lược CREATE không ghi đè.")))
            continue
        if not exists and strategy == ImportStrategy.UPDATE:
            result.skipped.append((row, _("Chưa có giá trị; chiến lược UPDATE không tạo mới.")))
            continue
        if exists:
            result.updated += 1
            if existing[key] != row.value:
                history.append(
                    ValueChange(
                        data_element_id=key[0],
                        unit_id=key[1],
                        period=row.period,
                        dimension_key=key[3],
                        previous=existing[key],
                        value=row.value,
                        channel=channel,
                        actor=recorded_actor(actor),
                    )
                )
        else:
            result.imported += 1
        (to_update if exists else to_write).append(
            Cell(
                key[0],
                key[1],
                row.period,
                row.dimensions,
                key[3],
                row.value,
                row.source,
                row.confidence,
                row.note,
            )
        )
    if dry_run or not (to_write or to_update):
        return result
    with transaction.atomic():
        try:
            upsert_cells(to_write, new=True)
        except CellsTaken:
            # Another import stored some of these cells after they were read: count them as
            # updates and keep what it stored in the history, then merge.
            taken = _stored(
                [(c.data_element_id, c.unit_id, c.period, c.dimension_key) for c in to_write]
            )
            for cell in to_write:
                key = (cell.data_element_id, cell.unit_id, cell.period, cell.dimension_key)
                if key in taken:
                    result.imported -= 1
                    result.updated += 1
                    history.append(
                        ValueChange(
                            data_element_id=cell.data_element_id,
                            unit_id=cell.unit_id,
                            period=cell.period,
                            dimension_key=cell.dimension_key,
                            previous=taken[key],
                            value=cell.value,
                            channel=channel,
                            actor=recorded_actor(actor),
                        )
                    )
            upsert_cells(to_write)
        upsert_cells(to_update)
        ValueChange.objects.bulk_create(history, batch_size=1000)
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
            batch_count=len(to_write) + len(to_update),
        )
    return result


def local_today() -> datetime.date:
    """Today in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localdate()


def recorded_actor(actor: Any) -> Any:
    """The user to store as the author of a row: None for the system (demo, loaders)."""
    return actor if getattr(actor, "pk", None) is not None else None


def refresh_on_commit(period: Period, actor: Any) -> None:
    """Recompute the period's computed values once the transaction commits, once per period.

    Many reports of one period changed in one transaction (a bulk approval, the demo) refresh
    it once: a refresh already queued on this connection for the period is not queued again.
    """
    connection = transaction.get_connection()
    for _savepoints, queued, _robust in connection.run_on_commit:
        if getattr(queued, "refresh_period", None) == period.code:
            return

    def refresh() -> None:
        refresh_computed(period, actor=actor)

    refresh.refresh_period = period.code  # type: ignore[attr-defined]
    transaction.on_commit(refresh)


def refresh_computed(period: Period, *, actor: Any) -> int:
    """Recompute the registered computed elements for ``period``; return values stored.

    Each computation's values replace the element's computed values for the period (values it
    no longer returns are deleted), in one transaction with one audit entry.
    """
    elements = registry.registered(period)
    if not elements:
        return 0
    by_code = {e.code: e for e in DataElement.objects.filter(code__in=[e.code for e in elements])}
    unit_ids: set[int] = set()
    produced: dict[str, list[registry.ComputedValue]] = {}
    for element in elements:
        if element.code in by_code:
            produced[element.code] = list(element.compute(period))
            unit_ids.update(v.unit_id for v in produced[element.code])
    units = AdministrativeUnit.objects.in_bulk(unit_ids)
    rows = [
        ValueRow(
            data_element=code,
            unit=units[value.unit_id],
            period=period.code,
            value=value.value,
            dimensions=value.dimensions,
            source=ValueSource.COMPUTED,
        )
        for code, values in produced.items()
        for value in values
    ]
    with transaction.atomic():
        stored = DataValue.objects.filter(
            data_element__in=[by_code[code] for code in produced],
            period=period.code,
            source=ValueSource.COMPUTED,
        )
        # Cells of sent, approved or locked reports keep their computed values too.
        locked = locked_cells(
            [by_code[code].id for code in produced],
            set(stored.values_list("unit_id", flat=True)),
            [period.code],
        )
        stale = [
            pk
            for pk, element_id, unit_id in stored.values_list("pk", "data_element_id", "unit_id")
            if (element_id, unit_id, period.code) not in locked
        ]
        deleted, _counts = DataValue.objects.filter(pk__in=stale).delete()
        if rows:
            import_values(rows, actor=actor, channel="computed")
        elif deleted:
            record_write(
                actor=actor,
                action="indicators.values.compute",
                changes={"period": period.code, "deleted": deleted},
                batch_count=deleted,
            )
    return len(rows)
