"""Write many data values at once: insert new cells, update those already stored.

:func:`upsert_cells` does what ``DataValue.objects.bulk_create(..., update_conflicts=True)``
does on the cell key (element, unit, period, disaggregation) without building one SQL
parameter per field: on PostgreSQL the rows are streamed with ``COPY`` into a temporary table
and merged with one ``INSERT … SELECT … ON CONFLICT DO UPDATE``; elsewhere (SQLite) one
``INSERT … ON CONFLICT DO UPDATE`` runs per row through ``executemany``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from psycopg.errors import UniqueViolation

from tinhso.indicators.models import DataValue

__all__ = ["Cell", "CellsTaken", "upsert_cells"]

# Columns written, and those a conflicting (existing) cell takes from the new row.
_FIELDS = (
    "data_element",
    "unit",
    "period",
    "dimensions",
    "dimension_key",
    "value",
    "source",
    "confidence",
    "note",
    "created_at",
    "updated_at",
)
_UPDATED = ("dimensions", "value", "source", "confidence", "note", "updated_at")
_CELL = ("data_element", "unit", "period", "dimension_key")
_STAGE = "tinhso_datavalue_stage"
_COPY_CHUNK = 2000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_needs_escape = re.compile(r"[\\\t\n\r]").search


def _column(name: str) -> str:
    field = DataValue._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return connection.ops.quote_name(field.column)


class CellsTaken(Exception):
    """Some cells given as new were stored by someone else since the caller looked."""


def _insert(marks: str) -> str:
    """A plain insert of one row into the values table (fails on a stored cell)."""
    table = connection.ops.quote_name(DataValue._meta.db_table)
    columns = ", ".join(_column(name) for name in _FIELDS)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608


def _statement(source: str) -> str:
    """The merge into the values table from ``source`` (a SELECT or a VALUES list)."""
    table = connection.ops.quote_name(DataValue._meta.db_table)
    columns = ", ".join(_column(name) for name in _FIELDS)
    cell = ", ".join(_column(name) for name in _CELL)
    updates = ", ".join(f"{_column(name)} = EXCLUDED.{_column(name)}" for name in _UPDATED)
    return f"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({cell}) DO UPDATE SET {updates}"


class Cell(NamedTuple):
    """The fields of one value to store, as :func:`upsert_cells` takes them."""

    data_element_id: int
    unit_id: int
    period: str
    dimensions: dict[str, str]
    dimension_key: str
    value: Decimal
    source: str
    confidence: str
    note: str


def upsert_cells(cells: Sequence[Cell], *, new: bool = False) -> None:
    """Store ``cells``: new cells are inserted, stored cells take the new fields.

    A cell is (data element, unit, period, ``dimension_key``) and must appear at most once in
    ``cells``. ``created_at`` of a stored cell is kept; ``updated_at`` of every written row is
    now. Plain tuples cost a fraction of a model instance. ``new`` says the caller found none
    of the cells stored: they are then inserted straight into the table (``COPY`` on
    PostgreSQL), and if one was stored meanwhile (a concurrent import) the insert is undone to
    its savepoint and :class:`CellsTaken` raised, for the caller to read what is stored now
    and merge.
    """
    if not cells:
        return
    now = timezone.now()
    field = DataValue._meta.get_field("dimensions")
    assert isinstance(field, models.JSONField)
    encoder = field.encoder
    dumped: dict[str, str] = {}  # dimensions JSON by dimension_key: few distinct ones
    rows = []
    for cell in cells:
        dimensions = dumped.get(cell.dimension_key)
        if dimensions is None:
            dimensions = dumped[cell.dimension_key] = json.dumps(cell.dimensions, cls=encoder)
        rows.append(
            (
                cell.data_element_id,
                cell.unit_id,
                cell.period,
                dimensions,
                cell.dimension_key,
                str(cell.value),
                cell.source,
                cell.confidence,
                cell.note,
            )
        )
    postgresql = connection.vendor == "postgresql"
    marks = ", ".join(["%s"] * len(_FIELDS))
    if new:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if postgresql:
                    _copy(cursor, DataValue._meta.db_table, rows, now)
                else:
                    cursor.executemany(_insert(marks), [(*row, now, now) for row in rows])
        # psycopg's COPY raises its own error, not wrapped into Django's IntegrityError.
        except (IntegrityError, UniqueViolation):
            raise CellsTaken from None
        return
    with transaction.atomic():
        if postgresql:
            _copy_merge(rows, now)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    _statement(f"VALUES ({marks})"), [(*row, now, now) for row in rows]
                )


def _copy(cursor: Any, table: str, rows: list[tuple[Any, ...]], now: Any) -> None:
    """Stream ``rows`` into ``table`` with COPY (PostgreSQL)."""
    columns = ", ".join(_column(name) for name in _FIELDS)
    stamp = now.isoformat()
    target = connection.ops.quote_name(table)
    with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
        lines: list[str] = []
        for element_id, unit_id, *texts in rows:
            if _needs_escape("".join(texts)):
                texts = [text.translate(_COPY_ESCAPES) for text in texts]
            lines.append(f"{element_id}\t{unit_id}\t" + "\t".join(texts) + f"\t{stamp}\t{stamp}")
            if len(lines) == _COPY_CHUNK:
                copy.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            copy.write("\n".join(lines) + "\n")


def _copy_merge(rows: list[tuple[Any, ...]], now: Any) -> None:
    """Stream ``rows`` into a session-local stage table, then merge it (PostgreSQL)."""
    table = connection.ops.quote_name(DataValue._meta.db_table)
    columns = ", ".join(_column(name) for name in _FIELDS)
    with connection.cursor() as cursor:
        # Same column types as the table; emptied at commit, and here in case of reuse.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
        _copy(cursor, _STAGE, rows, now)
        # In key order, so the unique index is walked once rather than at random.
        cell = ", ".join(_column(name) for name in _CELL)
        cursor.execute(_statement(f"SELECT {columns} FROM {_STAGE} ORDER BY {cell}"))  # noqa: S608
