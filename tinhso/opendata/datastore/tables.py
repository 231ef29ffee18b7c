"""The SQL tables holding datastore rows, on PostgreSQL and on SQLite.

Each loaded resource has one table ``ds_<resource uuid hex>`` with ``_id`` (1, 2, … in file
order) and one typed column per file column, a btree index per column, and a full-text
structure for accent-insensitive ``q``: on PostgreSQL a generated ``_full_text tsvector``
column (``tinhso_vi`` configuration: ``simple`` + ``unaccent``) with a GIN index, filled by
COPY; on SQLite an FTS5 table ``<table>_fts`` of folded text whose rowid is ``_id``, one FTS
column ``cN`` per table column so ``q`` can also target one field.

A load writes a staging table (``<table>_<token>``) and swaps it in with :func:`swap` in one
transaction, so readers see the old rows or the new ones, never half a load.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from tinhso.core.text import fold
from tinhso.opendata.choices import ColumnType

SQL_TYPES = {
    "postgresql": {
        ColumnType.TEXT: "text",
        ColumnType.INT: "bigint",
        ColumnType.NUMERIC: "numeric",
        ColumnType.DATE: "date",
        ColumnType.TIMESTAMP: "timestamp",
        ColumnType.BOOL: "boolean",
    },
    "sqlite": {
        ColumnType.TEXT: "TEXT",
        ColumnType.INT: "INTEGER",
        ColumnType.NUMERIC: "REAL",
        ColumnType.DATE: "TEXT",
        ColumnType.TIMESTAMP: "TEXT",
        ColumnType.BOOL: "INTEGER",
    },
}
# Casting dates and timestamps to text depends on DateStyle (not immutable), so PostgreSQL's
# generated full-text column covers the other types only.
_FULL_TEXT_TYPES = (ColumnType.TEXT, ColumnType.INT, ColumnType.NUMERIC, ColumnType.BOOL)
# btree entries must stay under ~2.7 kB on PostgreSQL; longer texts are not worth sorting on.
MAX_INDEXED_TEXT = 1000
TABLE_NAME = re.compile(r"ds_[0-9a-f]{32}")


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier (callers pass only validated column ids)."""
    return '"' + name.replace('"', '""').replace("\x00", "") + '"'


def fts_name(table_name: str) -> str:
    """The SQLite FTS5 table that indexes ``table_name``."""
    return f"{table_name}_fts"


def sqlite_value(column_type: str, value: Any) -> Any:
    """A parsed value as SQLite stores it (ISO text dates, float numbers, 0/1 booleans)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class StagingTable:
    """A table being filled by a load, not yet visible under its final name."""

    def __init__(self, final: str, token: str, columns: Sequence[tuple[str, str]]) -> None:
        self.final = final
        self.name = f"{final}_{token}"
        self.token = token
        self.columns = list(columns)
        self.vendor = connection.vendor

    def create(self) -> None:
        """Create the empty staging table (and its FTS table on SQLite)."""
        types = SQL_TYPES[self.vendor]
        definitions = [
            '"_id" bigint PRIMARY KEY'
            if self.vendor == "postgresql"
            else '"_id" INTEGER PRIMARY KEY'
        ]
        definitions += [f"{quote(cid)} {types[ColumnType(ctype)]}" for cid, ctype in self.columns]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                parts = [
                    f"coalesce({quote(cid)}::text, '')"
                    for cid, ctype in self.columns
                    if ctype in _FULL_TEXT_TYPES
                ] or ["''"]
                document = " || ' ' || ".join(parts)
                definitions.append(
                    '"_full_text" tsvector GENERATED ALWAYS AS '
                    f"(to_tsvector('tinhso_vi'::regconfig, {document})) STORED"
                )
                cursor.execute(f"CREATE TABLE {quote(self.name)} ({', '.join(definitions)})")
            else:
                cursor.execute(f"CREATE TABLE {quote(self.name)} ({', '.join(definitions)})")
                fts_columns = ", ".join(f"c{n}" for n in range(len(self.columns))) or "c0"
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {quote(fts_name(self.name))} USING fts5("
                    f"{fts_columns}, tokenize = 'unicode61 remove_diacritics 2')"
                )

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """Append ``rows`` (each ``_id`` then the parsed values in column order)."""
        if not rows:
            return
        names = ", ".join(quote(c) for c in ["_id", *(cid for cid, _ in self.columns)])
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's cursor, for COPY
                with raw.copy(f"COPY {quote(self.name)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            types = [ctype for _, ctype in self.columns]
            stored = [
                [row[0], *(sqlite_value(t, v) for t, v in zip(types, row[1:], strict=True))]
                for row in rows
            ]
            marks = ", ".join(["%s"] * (len(self.columns) + 1))
            cursor.executemany(f"INSERT INTO {quote(self.name)} ({names}) VALUES ({marks})", stored)  # noqa: S608
            width = max(len(self.columns), 1)
            fts_marks = ", ".join(["%s"] * (width + 1))
            fts_cols = ", ".join(["rowid", *(f"c{n}" for n in range(width))])
            folded = [
                [row[0], *(fold(str(v)) if v is not None else "" for v in (row[1:] or [""]))]
                for row in stored
            ]
            cursor.executemany(
                f"INSERT INTO {quote(fts_name(self.name))} ({fts_cols}) VALUES ({fts_marks})",  # noqa: S608
                folded,
            )

    def finish(self, unindexed: set[str]) -> None:
        """Index every column (but ``unindexed``) and the full text; gather statistics."""
        with connection.cursor() as cursor:
            for position, (cid, _ctype) in enumerate(self.columns):
                if cid in unindexed:
                    continue
                index = f"{self.final}_{self.token}_i{position}"
                cursor.execute(f"CREATE INDEX {quote(index)} ON {quote(self.name)} ({quote(cid)})")
            if self.vendor == "postgresql":
                index = f"{self.final}_{self.token}_ft"
                cursor.execute(
                    f'CREATE INDEX {quote(index)} ON {quote(self.name)} USING gin ("_full_text")'
                )
                cursor.execute(f"ANALYZE {quote(self.name)}")

    def drop(self) -> None:
        """Drop the staging table (a load that failed)."""
        drop_tables(self.name)


def drop_tables(name: str) -> None:
    """Drop table ``name`` and, on SQLite, its FTS table, if they exist."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {quote(fts_name(name))}")


def swap(staging: StagingTable) -> None:
    """Replace the final table by the staging one (run inside the caller's transaction)."""
    drop_tables(staging.final)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quote(staging.name)} RENAME TO {quote(staging.final)}")
        if connection.vendor == "sqlite":
            cursor.execute(
                f"ALTER TABLE {quote(fts_name(staging.name))} "
                f"RENAME TO {quote(fts_name(staging.final))}"
            )


def leftover_staging(final: str) -> list[str]:
    """Staging tables of ``final`` left behind by a load that died (worker killed)."""
    pattern = re.compile(re.escape(final) + r"_[0-9a-f]{8}")
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return [name for name in names if pattern.fullmatch(name)]
