"""Column names and types of the datastore: parsing a cell, inferring a column's type.

Cells arrive as text (CSV) or are turned into text first (XLSX), so one set of parsers
serves every format, the loader's validation and the query engine's filters alike.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from tinhso.opendata.choices import ColumnType

# A column is given a type when at least this share of its non-empty sampled cells fit it
# (frictionless' default ``field_confidence``); the cells that do not fit are then rejected
# rows, so one typo does not turn a column of numbers into text.
CONFIDENCE = 0.9
MAX_ID_BYTES = 63  # PostgreSQL's identifier limit, counted in UTF-8 bytes

_INT = re.compile(r"[+-]?(?:0|[1-9][0-9]*)")
_NUMERIC = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATE_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_TIME = r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
_TS_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[T ]" + _TIME + r"(Z|[+-][0-9:]{2,5})?")
_TS_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})[T ]" + _TIME)
_TRUE = frozenset({"true", "yes", "có", "đúng"})
_FALSE = frozenset({"false", "no", "không", "sai"})
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def parse_int(text: str) -> int:
    """An integer without leading zeros ("07210" is a code, kept as text), within bigint."""
    if not _INT.fullmatch(text):
        raise ValueError(text)
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError(text)
    return value


def parse_numeric(text: str) -> Decimal:
    """A decimal number written with ``.`` as the decimal point."""
    if not _NUMERIC.fullmatch(text):
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error


def parse_date(text: str) -> datetime.date:
    """A date as ISO ``yyyy-mm-dd`` or Vietnamese ``dd/mm/yyyy``."""
    if found := _DATE_ISO.fullmatch(text):
        year, month, day = found.groups()
    elif found := _DATE_DMY.fullmatch(text):
        day, month, year = found.groups()
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


def parse_timestamp(text: str) -> datetime.datetime:
    """A moment as ISO 8601 or ``dd/mm/yyyy hh:mm[:ss]``; a bare date means midnight.

    A time zone, if written, is converted to UTC and dropped (columns are naive, as CKAN's).
    """
    if found := _TS_ISO.fullmatch(text):
        year, month, day, hour, minute, second, fraction, zone = found.groups()
    elif found := _TS_DMY.fullmatch(text):
        day, month, year, hour, minute, second, fraction = found.groups()
        zone = None
    else:
        date = parse_date(text)
        return datetime.datetime(date.year, date.month, date.day)
    value = datetime.datetime(
        int(year),
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        int((fraction or "0").ljust(6, "0")),
    )
    if zone:
        offset = datetime.datetime.fromisoformat("2000-01-01T00:00:00" + zone).utcoffset()
        value = value - (offset or datetime.timedelta())
    return value


def parse_bool(text: str) -> bool:
    """true/false, yes/no, có/không, đúng/sai (any case)."""
    lowered = text.casefold()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(text)


def parse_text(text: str) -> str:
    """Text as stored: NFC, so NFD input (common from legacy encodings) compares equal."""
    return unicodedata.normalize("NFC", text)


PARSERS: dict[ColumnType, Callable[[str], Any]] = {
    ColumnType.TEXT: parse_text,
    ColumnType.INT: parse_int,
    ColumnType.NUMERIC: parse_numeric,
    ColumnType.DATE: parse_date,
    ColumnType.TIMESTAMP: parse_timestamp,
    ColumnType.BOOL: parse_bool,
}
# Tried in this order; the first type enough cells fit wins (int before numeric, date before
# timestamp: the narrower type says more).
_CANDIDATES = (
    ColumnType.INT,
    ColumnType.NUMERIC,
    ColumnType.BOOL,
    ColumnType.DATE,
    ColumnType.TIMESTAMP,
)


def parse(column_type: ColumnType | str, text: str) -> Any:
    """The value of a non-empty cell in a column of ``column_type``; ValueError if it does
    not fit."""
    return PARSERS[ColumnType(column_type)](text)


class TypeGuesser:
    """Counts, over sampled rows, how many cells of each column fit each type."""

    def __init__(self, width: int) -> None:
        self.filled = [0] * width
        self.fits = [dict.fromkeys(_CANDIDATES, 0) for _ in range(width)]

    def add(self, cells: Sequence[str]) -> None:
        """Count one row's cells (a row of the wrong width is not counted)."""
        if len(cells) != len(self.filled):
            return
        for index, raw in enumerate(cells):
            text = raw.strip()
            if not text:
                continue
            self.filled[index] += 1
            fits = self.fits[index]
            for candidate in _CANDIDATES:
                try:
                    PARSERS[candidate](text)
                except ValueError:
                    continue
                fits[candidate] += 1

    def types(self) -> list[ColumnType]:
        """The guessed type of each column (text when no type fits enough cells)."""
        guessed = []
        for filled, fits in zip(self.filled, self.fits, strict=True):
            chosen = ColumnType.TEXT
            if filled:
                for candidate in _CANDIDATES:
                    if fits[candidate] >= CONFIDENCE * filled:
                        chosen = candidate
                        break
            guessed.append(chosen)
        return guessed


def _truncate_bytes(text: str, limit: int) -> str:
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def column_ids(headers: Iterable[str]) -> list[str]:
    """Column ids from header names: NFC, lower case, runs of anything but letters and digits
    (Vietnamese letters kept) as ``_``, at most 63 bytes, unique; ``cot_N`` for a blank
    header. Ids never start with ``_``, so ``_id`` and ``_full_text`` stay ours."""
    ids: list[str] = []
    seen: set[str] = set()
    for position, header in enumerate(headers, start=1):
        text = unicodedata.normalize("NFC", header or "").strip().lower()
        base = re.sub(r"[\W_]+", "_", text).strip("_")
        base = _truncate_bytes(base, MAX_ID_BYTES - 4) or f"cot_{position}"
        candidate, suffix = base, 2
        while candidate in seen:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(candidate)
        ids.append(candidate)
    return ids


def type_label(column_type: ColumnType | str) -> str:
    """The Vietnamese name of a type, in lower case, for messages."""
    return str(ColumnType(column_type).label).lower()
