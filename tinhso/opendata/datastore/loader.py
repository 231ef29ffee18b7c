"""Load a tabular resource (CSV, TSV, XLSX) into the datastore, row by row.

The file is read twice as a stream: a first pass over up to ``SAMPLE_ROWS`` rows guesses
each column's type (``columns.TypeGuesser``), unless the organisation fixed it (the
``overrides`` kept in ``DatastoreTable.report``); the second pass validates every row
against those types and writes the good ones in batches to a staging table (COPY on
PostgreSQL). A row with the wrong number of fields or a cell that does not fit its column is
rejected into the report with its line number and the reason in Vietnamese. The staging
table then replaces the previous one in one transaction; a file that cannot be read at all
leaves the previous table untouched and the load FAILED with the reason.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import logging
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import pagecache
from tinhso.core.audit import record_write
from tinhso.opendata import actions
from tinhso.opendata.choices import ColumnType, DatastoreStatus
from tinhso.opendata.datastore import columns, tables
from tinhso.opendata.models import DatastoreTable, Resource

log = logging.getLogger(__name__)

SAMPLE_ROWS = 10_000
BATCH_ROWS = 10_000
REPORT_LIMIT = 1_000  # rejected rows kept in the report; all are counted
MAX_COLUMNS = 1_000
MAX_VALUES_SHOWN = 50
MAX_VALUE_CHARS = 200
_DELIMITERS = (",", ";", "\t", "|")


class LoadFailed(Exception):
    """The file cannot be loaded at all; the message says why, in Vietnamese."""


def table_name_for(resource: Resource) -> str:
    """The SQL table of ``resource``: ``ds_`` and its UUID's hex."""
    return f"ds_{uuid.UUID(str(resource.pk)).hex}"


# --- reading files ----------------------------------------------------------------------------


@dataclass
class Source:
    """An opened tabular file: its rows as text cells with their line numbers."""

    rows: Iterator[tuple[int, list[str]]]
    progress: Callable[[], float]
    details: dict[str, Any] = field(default_factory=dict)
    # The text wrapper over the raw file: closing it (when collected) would close the file.
    stream: Any = None


def detect_encoding(raw: IO[bytes]) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 (Vietnamese legacy)."""
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1258"
    finally:
        raw.seek(0)
    return "utf-8"


def detect_delimiter(first_line: str, default: str = ",") -> str:
    """The delimiter the header line uses most (``,`` ``;`` tab or ``|``)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


def _csv_source(raw: IO[bytes], size: int, *, tsv: bool) -> Source:
    encoding = detect_encoding(raw)
    text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
    first = text.readline()
    text.seek(0)
    delimiter = "\t" if tsv and "\t" in first else detect_delimiter(first)
    reader = csv.reader(text, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield reader.line_num, ["\x00csv", str(error)]
                continue
            yield reader.line_num, cells

    return Source(
        rows=rows(),
        progress=lambda: raw.tell() / size if size else 0.0,
        details={"encoding": encoding, "delimiter": delimiter},
        stream=text,
    )


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold (ISO dates, shortest numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _xlsx_source(raw: IO[bytes]) -> Source:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(raw, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise LoadFailed(_("Không đọc được tệp Excel: %(error)s") % {"error": error}) from error
    if not workbook.worksheets:
        raise LoadFailed(_("Tệp Excel không có trang tính nào."))
    sheet = workbook.worksheets[0]
    total = sheet.max_row or 0
    seen = [0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            seen[0] = number
            yield number, [cell_text(value) for value in values]
        workbook.close()

    return Source(
        rows=rows(),
        progress=lambda: seen[0] / total if total else 0.0,
        details={"sheet": sheet.title},
    )


@contextlib.contextmanager
def open_source(resource: Resource) -> Iterator[Source]:
    """Open the resource's file as a :class:`Source` (by its format, else its extension)."""
    if not resource.upload:
        raise LoadFailed(_("Tài nguyên không có tệp tải lên."))
    file_name = resource.upload.name or ""
    kind = (resource.format or PurePath(file_name).suffix.lstrip(".")).upper()
    try:
        handle = resource.upload.storage.open(file_name, "rb")
    except OSError as error:
        raise LoadFailed(_("Không mở được tệp: %(error)s") % {"error": error}) from error
    with handle:
        raw: IO[bytes] = getattr(handle, "file", handle)
        size = resource.upload.storage.size(file_name)
        if kind in ("XLSX", "XLSM"):
            yield _xlsx_source(raw)
        elif kind in ("CSV", "TSV", "TXT"):
            yield _csv_source(raw, size, tsv=kind == "TSV")
        else:
            raise LoadFailed(
                _("Định dạng %(format)s không nạp được vào kho dữ liệu.") % {"format": kind}
            )


# --- validating rows --------------------------------------------------------------------------


@dataclass
class Report:
    """Rows read, kept and rejected while loading (the first ``REPORT_LIMIT`` rejected)."""

    rows_read: int = 0
    rows_loaded: int = 0
    rejected_count: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, reason: str, cells: list[str]) -> None:
        self.rejected_count += 1
        if len(self.rejected) < REPORT_LIMIT:
            self.rejected.append(
                {
                    "row": line,
                    "reason": reason,
                    "values": [cell[:MAX_VALUE_CHARS] for cell in cells[:MAX_VALUES_SHOWN]],
                }
            )


def _header(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    for _line, cells in rows:
        if any(cell.strip() for cell in cells) and cells[0] != "\x00csv":
            while cells and not cells[-1].strip():
                cells = cells[:-1]
            return cells
    raise LoadFailed(_("Tệp không có dòng tiêu đề (tệp rỗng)."))


def _validate(
    line: int, cells: list[str], types: list[ColumnType], labels: list[str], report: Report
) -> list[Any] | None:
    """The parsed values of a row, or None after recording why it is rejected."""
    width = len(types)
    if cells and cells[0] == "\x00csv":
        report.reject(line, _("Dòng sai cú pháp CSV: %(error)s") % {"error": cells[1]}, [])
        return None
    if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
        cells = cells[:width]
    if len(cells) != width:
        report.reject(
            line,
            _("Dòng có %(got)d trường, cần %(want)d.") % {"got": len(cells), "want": width},
            cells,
        )
        return None
    values: list[Any] = []
    for index, raw in enumerate(cells):
        text = raw.strip()
        if not text:
            values.append(None)
            continue
        try:
            values.append(columns.PARSERS[types[index]](text))
        except ValueError:
            report.reject(
                line,
                _("Cột “%(column)s”: “%(value)s” không phải giá trị kiểu %(type)s.")
                % {
                    "column": labels[index],
                    "value": text[:MAX_VALUE_CHARS],
                    "type": columns.type_label(types[index]),
                },
                cells,
            )
            return None
    return values


# --- loading ----------------------------------------------------------------------------------


def _set_status(table: DatastoreTable, **values: Any) -> None:
    """Save progress at once, so the pages polling the table see it during the load."""
    for name, value in values.items():
        setattr(table, name, value)
    DatastoreTable.objects.filter(pk=table.pk).update(**values)
    if "status" in values:
        _forget_pages(table)


def _forget_pages(table: DatastoreTable) -> None:
    """Cached public pages and API answers show the table's state: drop them after commit."""
    tags = (
        actions.dataset_tag(table.resource.dataset_id),
        actions.resource_tag(table.resource_id),
        actions.CATALOGUE_TAG,
    )
    transaction.on_commit(lambda: pagecache.forget(*tags))


def _guess(
    resource: Resource, overrides: dict[str, str]
) -> tuple[list[str], list[str], list[ColumnType], list[bool]]:
    """Labels, ids, types and whether each type was inferred (first pass over a sample)."""
    with open_source(resource) as source:
        labels = _header(source.rows)
        if len(labels) > MAX_COLUMNS:
            raise LoadFailed(
                _("Tệp có %(n)d cột, nhiều hơn giới hạn %(max)d.")
                % {"n": len(labels), "max": MAX_COLUMNS}
            )
        guesser = columns.TypeGuesser(len(labels))
        for sampled, (_line, cells) in enumerate(source.rows):
            if sampled >= SAMPLE_ROWS:
                break
            if len(cells) > len(labels) and not any(c.strip() for c in cells[len(labels) :]):
                cells = cells[: len(labels)]
            guesser.add(cells)
    ids = columns.column_ids(labels)
    guessed = guesser.types()
    types: list[ColumnType] = []
    inferred: list[bool] = []
    for cid, guess in zip(ids, guessed, strict=True):
        if cid in overrides:
            types.append(ColumnType(overrides[cid]))
            inferred.append(False)
        else:
            types.append(guess)
            inferred.append(True)
    return labels, ids, types, inferred


def load_resource(resource_id: str) -> DatastoreTable:
    """Parse the resource's file into its datastore table, reporting progress and bad rows.

    Returns the :class:`DatastoreTable`, READY with ``row_count``/``rejected_count``/``fields``
    set, or FAILED with ``report["error"]`` (the previous table, if any, still served).
    """
    resource = Resource.objects.select_related("dataset").get(pk=resource_id)
    table, _created = DatastoreTable.objects.get_or_create(
        resource=resource, defaults={"table_name": table_name_for(resource)}
    )
    for leftover in tables.leftover_staging(table.table_name):
        tables.drop_tables(leftover)
    _set_status(table, status=DatastoreStatus.LOADING, progress=0)
    overrides: dict[str, str] = dict(table.report.get("overrides", {}))
    staging: tables.StagingTable | None = None
    try:
        labels, ids, types, inferred = _guess(resource, overrides)
        staging = tables.StagingTable(
            table.table_name, uuid.uuid4().hex[:8], list(zip(ids, types, strict=True))
        )
        with transaction.atomic():
            staging.create()
        report, details, longest = _fill(resource, staging, types, labels, table)
        unindexed = {
            cid
            for cid, ctype, length in zip(ids, types, longest, strict=True)
            if ctype == ColumnType.TEXT and length > tables.MAX_INDEXED_TEXT
        }
        with transaction.atomic():
            staging.finish(unindexed)
        fields = [
            {"id": cid, "type": str(ctype), "label": label, "inferred": guessed}
            for cid, ctype, label, guessed in zip(ids, types, labels, inferred, strict=True)
        ]
        _publish(table, staging, fields, report, details, overrides)
    except (LoadFailed, DatabaseError, UnicodeError) as error:
        if isinstance(error, DatabaseError):
            log.exception("datastore load of %s failed", resource_id)
        if staging is not None:
            with transaction.atomic():
                staging.drop()
        report_data = {k: v for k, v in table.report.items() if k != "error"}
        report_data["error"] = str(error)
        report_data["failed_at"] = timezone.now().isoformat()
        _set_status(table, status=DatastoreStatus.FAILED, progress=0, report=report_data)
    return table


def _fill(
    resource: Resource,
    staging: tables.StagingTable,
    types: list[ColumnType],
    labels: list[str],
    table: DatastoreTable,
) -> tuple[Report, dict[str, Any], list[int]]:
    """Second pass: validate every row and write the good ones in batches."""
    report = Report()
    longest = [0] * len(types)
    text_columns = [i for i, t in enumerate(types) if t == ColumnType.TEXT]
    batch: list[list[Any]] = []
    with open_source(resource) as source:
        _header(source.rows)
        for line, cells in source.rows:
            if not any(cell.strip() for cell in cells):
                continue
            report.rows_read += 1
            values = _validate(line, cells, types, labels, report)
            if values is None:
                continue
            for index in text_columns:
                if values[index] is not None and len(values[index]) > longest[index]:
                    longest[index] = len(values[index])
            report.rows_loaded += 1
            batch.append([report.rows_loaded, *values])
            if len(batch) >= BATCH_ROWS:
                _write_batch(staging, batch, table, source.progress())
                batch = []
        _write_batch(staging, batch, table, source.progress())
        details = source.details
    return report, details, longest


def _write_batch(
    staging: tables.StagingTable, batch: list[list[Any]], table: DatastoreTable, done: float
) -> None:
    with transaction.atomic():
        staging.write(batch)
    # Loading takes ~90% of the time; indexing the rest.
    _set_status(table, progress=min(90, int(done * 90)))


def _publish(
    table: DatastoreTable,
    staging: tables.StagingTable,
    fields: list[dict[str, Any]],
    report: Report,
    details: dict[str, Any],
    overrides: dict[str, str],
) -> None:
    """Swap the staging table in and record the load, in one transaction."""
    with transaction.atomic():
        locked = DatastoreTable.objects.select_for_update().get(pk=table.pk)
        tables.swap(staging)
        locked.fields = fields
        locked.row_count = report.rows_loaded
        locked.rejected_count = report.rejected_count
        locked.status = DatastoreStatus.READY
        locked.progress = 100
        locked.loaded_at = timezone.now()
        locked.report = {
            **details,
            "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded,
            "rejected_count": report.rejected_count,
            "rejected": report.rejected,
            "rejected_truncated": report.rejected_count > len(report.rejected),
            "overrides": overrides,
        }
        locked.save()
        Resource.objects.filter(pk=locked.resource_id).update(datastore_active=True)
        table.resource.datastore_active = True
        record_write(
            actor=None,
            action="opendata.datastore.load",
            target=locked.resource,
            changes={
                "row_count": [table.row_count, report.rows_loaded],
                "rejected_count": [table.rejected_count, report.rejected_count],
            },
            batch_count=report.rows_loaded,
        )
        _forget_pages(table)
    for name in (
        "fields",
        "row_count",
        "rejected_count",
        "status",
        "progress",
        "loaded_at",
        "report",
    ):
        setattr(table, name, getattr(locked, name))
