"""Reading datastore tables: the query engine behind ``datastore_search`` and the pages.

Every identifier that reaches SQL is a column id checked against the table's ``fields`` (or
``_id``) and quoted; every value is a bound parameter, converted to the column's type first.

Counting (``include_total``), the rule:

* an unfiltered query (no ``filters``, ``q``, ``full_text`` nor ``distinct``) never counts:
  its total is ``DatastoreTable.row_count``, kept by the loader (CKAN counts every time,
  seconds on large tables — CKAN #3450, #9260);
* on PostgreSQL a filtered query first asks the planner how many rows match (``EXPLAIN``,
  a fraction of a millisecond). Above ``COUNT_LIMIT`` the total is that estimate and
  ``total_was_estimated`` is true — counting 100,000 matches of a 1M-row table costs tens of
  milliseconds, more than the query itself. Otherwise it counts at most ``COUNT_LIMIT + 1``
  rows (``SELECT count(*) FROM (… LIMIT COUNT_LIMIT + 1)``): exact up to ``COUNT_LIMIT``,
  and past it (the planner underestimated) the estimate, never below ``COUNT_LIMIT + 1``;
* SQLite, which has no estimate and serves the small embedded installs, counts exactly.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from tinhso.core.text import fold
from tinhso.opendata.choices import ColumnType
from tinhso.opendata.datastore import columns, tables
from tinhso.opendata.datastore.tables import quote
from tinhso.opendata.models import DatastoreTable, Resource

DEFAULT_LIMIT = 100
MAX_LIMIT = 32_000  # CKAN's ckan.datastore.search.rows_max, clipped silently as CKAN does
COUNT_LIMIT = 10_000
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
OPERATORS = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


class InvalidQuery(ValueError):
    """Parameters that do not make a query: ``errors`` maps each parameter to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class SearchRequest:
    """A query on one table, parameters as CKAN's ``datastore_search`` names them."""

    filters: dict[str, Any] = field(default_factory=dict)
    q: str | dict[str, str] = ""
    full_text: str = ""
    plain: bool = True
    sort: list[tuple[str, bool]] = field(default_factory=list)
    fields: list[str] | None = None
    distinct: bool = False
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    include_total: bool = True
    records_format: str = "objects"
    include_next_page: bool = False


@dataclass
class SearchResult:
    """What a query found: fields shown, records in the requested format, the total."""

    fields: list[dict[str, Any]]
    records: list[Any] | str
    total: int | None = None
    total_was_estimated: bool = False
    next_page: dict[str, Any] | None = None


# --- parsing parameters -----------------------------------------------------------------------


def as_bool(name: str, value: Any) -> bool:
    """A boolean parameter given as JSON or as a query-string word."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off", ""):
        return False
    if isinstance(value, int):
        return bool(value)
    raise InvalidQuery({name: [_("Giá trị đúng/sai không hợp lệ.")]})


def as_int(name: str, value: Any, *, minimum: int = 0) -> int:
    """A whole-number parameter, at least ``minimum``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidQuery({name: [_("Phải là số nguyên.")]}) from None
    if number < minimum:
        raise InvalidQuery({name: [_("Phải lớn hơn hoặc bằng %(min)d.") % {"min": minimum}]})
    return number


def as_json(name: str, value: Any) -> Any:
    """A structured parameter sent as JSON text (query strings) or as JSON itself."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise InvalidQuery({name: [_("Không đọc được JSON.")]}) from None
    return value


def as_list(value: Any) -> list[str]:
    """A list parameter given as a list or as a comma-separated string."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value if str(part).strip()]
    return [str(value)]


def parse_sort(value: Any) -> list[tuple[str, bool]]:
    """``"nam desc, _id"`` (or a list of such clauses) as ``[(column, descending)]``."""
    clauses: list[tuple[str, bool]] = []
    for clause in as_list(value):
        words = clause.rsplit(None, 1)
        descending = False
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            clause, descending = words[0], words[1].lower() == "desc"
        clauses.append((clause.strip().strip('"'), descending))
    return clauses


def parse_request(data: Mapping[str, Any]) -> SearchRequest:
    """A :class:`SearchRequest` from CKAN-style parameters (JSON values or query strings)."""
    request = SearchRequest()
    if data.get("filters") not in (None, ""):
        filters = as_json("filters", data["filters"])
        if not isinstance(filters, dict):
            raise InvalidQuery({"filters": [_("Phải là một đối tượng JSON.")]})
        request.filters = filters
    if data.get("q") not in (None, ""):
        q = data["q"]
        if isinstance(q, str) and q.lstrip().startswith("{"):
            q = as_json("q", q)
        if not isinstance(q, str | dict):
            raise InvalidQuery({"q": [_("Phải là chuỗi hoặc đối tượng JSON.")]})
        request.q = q
    if data.get("full_text"):
        request.full_text = str(data["full_text"])
    if "plain" in data:
        request.plain = as_bool("plain", data["plain"])
    if data.get("sort"):
        request.sort = parse_sort(data["sort"])
    if data.get("fields") not in (None, "", []):
        request.fields = as_list(data["fields"])
    if "distinct" in data:
        request.distinct = as_bool("distinct", data["distinct"])
    if data.get("limit") not in (None, ""):
        request.limit = min(as_int("limit", data["limit"]), MAX_LIMIT)
    if data.get("offset") not in (None, ""):
        request.offset = as_int("offset", data["offset"])
    if "include_total" in data:
        request.include_total = as_bool("include_total", data["include_total"])
    if "include_next_page" in data:
        request.include_next_page = as_bool("include_next_page", data["include_next_page"])
    if data.get("records_format"):
        if data["records_format"] not in RECORDS_FORMATS:
            raise InvalidQuery({"records_format": [_("Chỉ nhận objects, lists, csv hoặc tsv.")]})
        request.records_format = str(data["records_format"])
    return request


# --- building SQL -----------------------------------------------------------------------------


def column_types(table: DatastoreTable) -> dict[str, ColumnType]:
    """Every queryable column of ``table`` with its type, ``_id`` first."""
    return {"_id": ColumnType.INT, **table.column_types()}


def _check_column(types: Mapping[str, ColumnType], name: str, parameter: str) -> None:
    if name not in types:
        raise InvalidQuery({parameter: [_("Không có cột “%(name)s” trong bảng.") % {"name": name}]})


def _sql_value(column_type: ColumnType, value: Any, parameter: str) -> Any:
    """A filter value converted to the column's type, as the database stores it."""
    text = str(value).lower() if isinstance(value, bool) else str(value).strip()
    try:
        parsed = columns.parse(column_type, text)
    except ValueError:
        raise InvalidQuery(
            {
                parameter: [
                    _("“%(value)s” không phải giá trị kiểu %(type)s.")
                    % {"value": value, "type": columns.type_label(column_type)}
                ]
            }
        ) from None
    if connection.vendor == "sqlite":
        return tables.sqlite_value(column_type, parsed)
    return parsed


def _fts_words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in fold(text)).split()


def _where(table: DatastoreTable, request: SearchRequest) -> tuple[list[str], list[Any], bool]:
    """SQL conditions, their parameters, and whether ``_id`` is used for keyset paging."""
    types = column_types(table)
    conditions: list[str] = []
    params: list[Any] = []
    keyset = False
    for name, wanted in request.filters.items():
        _check_column(types, name, "filters")
        column = quote(name)
        ctype = types[name]
        if isinstance(wanted, dict):
            for op, value in wanted.items():
                if op == "in" and isinstance(value, list):
                    wanted_list = [_sql_value(ctype, v, "filters") for v in value]
                    conditions.append(
                        f"{column} IN ({', '.join(['%s'] * len(wanted_list))})"
                        if wanted_list
                        else "1 = 0"
                    )
                    params += wanted_list
                    continue
                if op not in OPERATORS:
                    raise InvalidQuery(
                        {"filters": [_("Phép so sánh “%(op)s” không hỗ trợ.") % {"op": op}]}
                    )
                conditions.append(f"{column} {OPERATORS[op]} %s")
                params.append(_sql_value(ctype, value, "filters"))
                keyset = keyset or (name == "_id" and op in ("gt", "lt"))
        elif isinstance(wanted, list):
            values = [_sql_value(ctype, v, "filters") for v in wanted]
            conditions.append(
                f"{column} IN ({', '.join(['%s'] * len(values))})" if values else "1 = 0"
            )
            params += values
        elif wanted is None:
            conditions.append(f"{column} IS NULL")
        else:
            conditions.append(f"{column} = %s")
            params.append(_sql_value(ctype, wanted, "filters"))
    texts: list[tuple[str | None, str]] = []
    if isinstance(request.q, dict):
        for name, text in request.q.items():
            _check_column(types, name, "q")
            texts.append((name, str(text)))
    elif request.q:
        texts.append((None, request.q))
    if request.full_text:
        texts.append((None, request.full_text))
    for target, text in texts:
        condition, values = _text_condition(table, target, text, plain=request.plain)
        conditions.append(condition)
        params += values
    return conditions, params, keyset


def _check_tsquery(text: str) -> None:
    """Refuse ``plain=false`` text that PostgreSQL cannot parse as a tsquery (a 409, not a 500)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT to_tsquery('tinhso_vi', %s)", [text])
    except DatabaseError:
        raise InvalidQuery(
            {"q": [_("Biểu thức tìm kiếm không hợp lệ (cú pháp tsquery của PostgreSQL).")]}
        ) from None


def _text_condition(
    table: DatastoreTable, name: str | None, text: str, *, plain: bool
) -> tuple[str, list[Any]]:
    """Accent-insensitive full-text match on every column or on column ``name``."""
    normal = unicodedata.normalize("NFC", text)
    if connection.vendor == "postgresql":
        function = "plainto_tsquery" if plain else "to_tsquery"
        if not plain:
            _check_tsquery(normal)
        if name is None:
            return f"\"_full_text\" @@ {function}('tinhso_vi', %s)", [normal]
        return (
            f"to_tsvector('tinhso_vi', {quote(name)}::text) @@ {function}('tinhso_vi', %s)",
            [normal],
        )
    words = _fts_words(text)
    if not words:
        return "1 = 1", []
    terms = " ".join(f'"{word}"' for word in words)
    if name is not None and name != "_id":
        position = [f["id"] for f in table.fields].index(name)
        terms = f"c{position}: ({terms})"
    fts = quote(tables.fts_name(table.table_name))
    return f'"_id" IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)', [terms]  # noqa: S608


def _total(
    table: DatastoreTable, request: SearchRequest, select: str, where: str, params: list[Any]
) -> tuple[int, bool]:
    if not where and not request.distinct:
        return table.row_count, False
    source = f"FROM {quote(table.table_name)} {where}"
    inner = f"SELECT DISTINCT {select} {source}" if request.distinct else f"SELECT 1 {source}"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT count(*) FROM ({inner}) AS matched", params)  # noqa: S608
            return int(cursor.fetchone()[0]), False
        cursor.execute(f"EXPLAIN (FORMAT JSON) {inner}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        if estimate > COUNT_LIMIT:
            return estimate, True
        cursor.execute(f"SELECT count(*) FROM ({inner} LIMIT {COUNT_LIMIT + 1}) AS matched", params)  # noqa: S608
        counted = int(cursor.fetchone()[0])
        if counted <= COUNT_LIMIT:
            return counted, False
        return max(estimate, COUNT_LIMIT + 1), True


# --- values out -------------------------------------------------------------------------------


def json_value(column_type: ColumnType, value: Any) -> Any:
    """A stored value as JSON gives it (ISO dates, integral numbers as integers)."""
    if value is None:
        return None
    if column_type == ColumnType.BOOL:
        return bool(value)
    if column_type == ColumnType.NUMERIC:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _delimited(rows: list[list[Any]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(
            [
                "" if v is None else ("true" if v is True else "false" if v is False else v)
                for v in row
            ]
        )
    return buffer.getvalue()


# --- searching --------------------------------------------------------------------------------


def search(table: DatastoreTable, request: SearchRequest) -> SearchResult:
    """Run ``request`` on ``table`` (which the caller may read)."""
    types = column_types(table)
    shown = request.fields if request.fields is not None else list(types)
    for name in shown:
        _check_column(types, name, "fields")
    for name, _descending in request.sort:
        _check_column(types, name, "sort")
        if request.distinct and name not in shown:
            raise InvalidQuery(
                {"sort": [_("Khi lấy giá trị khác nhau, chỉ sắp theo cột đã chọn.")]}
            )
    conditions, params, keyset = _where(table, request)
    where = ("WHERE " + " AND ".join(f"({c})" for c in conditions)) if conditions else ""
    sort = request.sort or ([] if request.distinct else [("_id", False)])
    order = ", ".join(f"{quote(n)} {'DESC' if d else 'ASC'}" for n, d in sort)
    if request.distinct and not order:
        order = ", ".join(quote(n) for n in shown)
    by_id = not request.distinct and len(sort) == 1 and sort[0][0] == "_id"
    wanted = list(shown)
    if by_id and "_id" not in wanted:
        wanted.append("_id")  # for next_page
    select = ", ".join(quote(n) for n in wanted)
    distinct = "DISTINCT " if request.distinct else ""
    offset = 0 if keyset else request.offset
    sql = (
        f"SELECT {distinct}{select} FROM {quote(table.table_name)} {where} "  # noqa: S608
        f"ORDER BY {order} LIMIT {int(request.limit)} OFFSET {int(offset)}"
    )
    rows: list[tuple[Any, ...]] = []
    if request.limit:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    values = [
        [json_value(types[name], value) for name, value in zip(wanted, row, strict=True)]
        for row in rows
    ]
    result = SearchResult(fields=[_field(table, types, n) for n in shown], records=[])
    if request.include_next_page and by_id and values:
        last = values[-1][wanted.index("_id")]
        result.next_page = {"_id": {"lt" if sort[0][1] else "gt": last}}
    values = [row[: len(shown)] for row in values]
    if request.records_format == "objects":
        result.records = [dict(zip(shown, row, strict=True)) for row in values]
    elif request.records_format == "lists":
        result.records = values
    else:
        result.records = _delimited(values, "," if request.records_format == "csv" else "\t")
    if request.include_total:
        result.total, result.total_was_estimated = _total(
            table, request, ", ".join(quote(n) for n in shown), where, params
        )
    return result


def _field(table: DatastoreTable, types: Mapping[str, ColumnType], name: str) -> dict[str, Any]:
    described: dict[str, Any] = {"id": name, "type": str(types[name])}
    for column in table.fields:
        if column["id"] == name:
            described["info"] = {"label": column.get("label", name)}
    return described


# --- pages ------------------------------------------------------------------------------------


def ready_table(resource: Resource) -> DatastoreTable | None:
    """The resource's datastore table if it has been loaded (even if reloading now)."""
    table = DatastoreTable.objects.filter(resource=resource).first()
    if table is None or table.loaded_at is None or not table.fields:
        return None
    return table


@dataclass
class Preview:
    """The first rows of a resource's table for its page: columns, rows, total."""

    fields: list[dict[str, Any]]
    records: list[dict[str, Any]]
    total: int


def preview(resource: Resource, *, limit: int = 100) -> Preview | None:
    """The first ``limit`` rows of the resource's table, or None if it was never loaded."""
    table = ready_table(resource)
    if table is None:
        return None
    found = search(table, SearchRequest(limit=min(limit, MAX_LIMIT)))
    records = found.records if isinstance(found.records, list) else []
    return Preview(fields=found.fields, records=records, total=found.total or 0)


@dataclass
class Chart:
    """A simple chart of a table: ``values`` of ``y`` (summed) per value of ``x``.

    ``kind`` is ``line`` when ``x`` is ordered (numbers, dates), ``bar`` otherwise (the
    ``limit`` largest groups).
    """

    kind: str
    x: dict[str, Any]
    y: dict[str, Any]
    labels: list[str]
    values: list[float]


def column_chart(resource: Resource, x: str, y: str, *, limit: int = 50) -> Chart | None:
    """The sums of numeric column ``y`` per value of column ``x``, for a bar or line chart."""
    table = ready_table(resource)
    if table is None:
        return None
    types = table.column_types()
    _check_column(types, x, "x")
    _check_column(types, y, "y")
    if types[y] not in (ColumnType.INT, ColumnType.NUMERIC):
        raise InvalidQuery({"y": [_("Cột giá trị của biểu đồ phải là số.")]})
    ordered = types[x] != ColumnType.TEXT and types[x] != ColumnType.BOOL
    order = f"{quote(x)} ASC" if ordered else f"total DESC, {quote(x)} ASC"
    sql = (
        f"SELECT {quote(x)}, SUM({quote(y)}) AS total FROM {quote(table.table_name)} "  # noqa: S608
        f"WHERE {quote(x)} IS NOT NULL GROUP BY {quote(x)} ORDER BY {order} LIMIT {int(limit)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return Chart(
        kind="line" if ordered else "bar",
        x=_field(table, types, x),
        y=_field(table, types, y),
        labels=[str(json_value(types[x], row[0])) for row in rows],
        values=[float(row[1] or 0) for row in rows],
    )


def as_request_params(request: SearchRequest) -> Sequence[tuple[str, str]]:
    """The non-default parameters of ``request`` as query-string pairs (for ``_links``)."""
    pairs: list[tuple[str, str]] = []
    if request.filters:
        pairs.append(("filters", json.dumps(request.filters, ensure_ascii=False)))
    if request.q:
        q = request.q
        pairs.append(("q", q if isinstance(q, str) else json.dumps(q, ensure_ascii=False)))
    if request.full_text:
        pairs.append(("full_text", request.full_text))
    if request.sort:
        pairs.append(("sort", ", ".join(f"{n} {'desc' if d else 'asc'}" for n, d in request.sort)))
    if request.fields is not None:
        pairs.append(("fields", ",".join(request.fields)))
    if request.distinct:
        pairs.append(("distinct", "true"))
    if request.records_format != "objects":
        pairs.append(("records_format", request.records_format))
    pairs.append(("limit", str(request.limit)))
    return pairs
