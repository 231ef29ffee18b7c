"""CKAN's Solr query syntax (``q``, ``fq``, ``fq_list``, ``sort``) read into search filters.

Covers what CKAN clients and harvesters send: ``field:value``, ``field:"two words"``,
``field:(a OR b)``, ``+``/``-``/``NOT`` prefixes, terms joined by spaces, ``AND`` or ``OR``
(``OR`` between terms on the same field), and date ranges such as
``metadata_modified:[2026-11-28T10:20:30.123456Z TO *]`` or ``[* TO NOW-1DAY]``. Bare words,
and the full-text fields ``text``, ``title`` and ``notes``, become the free text of the search.
``*:*`` matches everything. Anything else raises :class:`QuerySyntaxError`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tinhso.opendata.search import DEFAULT_SORT, SORT_FIELDS, Filter

DATE_FIELDS = ("metadata_modified", "metadata_created")
TEXT_FIELDS = ("text", "title", "notes")
_FIELD_TERM = re.compile(r"([+-]?)([A-Za-z_][A-Za-z0-9_.]*):")
_DATE_MATH = re.compile(
    r"^NOW(?:([+-])(\d+)(SECONDS?|MINUTES?|HOURS?|DAYS?|MONTHS?|YEARS?))?(?:/\w+)?$"
)
_UNITS = {
    "SECOND": datetime.timedelta(seconds=1),
    "MINUTE": datetime.timedelta(minutes=1),
    "HOUR": datetime.timedelta(hours=1),
    "DAY": datetime.timedelta(days=1),
    "MONTH": datetime.timedelta(days=30),
    "YEAR": datetime.timedelta(days=365),
}


class QuerySyntaxError(ValueError):
    """A query CKAN's syntax allows but this reading of it does not understand."""


@dataclass
class Parsed:
    """What a query says: free ``text`` and ``filters`` that must all hold."""

    text: list[str] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)


@dataclass
class _Term:
    field: str
    values: list[str]
    negate: bool = False
    range: tuple[str, str, bool, bool] | None = None  # start, end, start inclusive, end inclusive


def _read_value(source: str, at: int) -> tuple[str, int, bool]:
    """Read one value from ``at``: quoted, bracketed or bare; return it, the end, and if quoted."""
    if at < len(source) and source[at] == '"':
        end = source.find('"', at + 1)
        if end < 0:
            raise QuerySyntaxError("unterminated quote")
        return source[at + 1 : end], end + 1, True
    if at < len(source) and source[at] in "([{":
        closing = {"(": ")", "[": "]", "{": "}"}[source[at]]
        depth, index = 0, at
        while index < len(source):
            char = source[index]
            if char == '"':
                index = source.find('"', index + 1)
                if index < 0:
                    raise QuerySyntaxError("unterminated quote")
            elif char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                if depth == 0:
                    return source[at : index + 1], index + 1, False
            index += 1
        raise QuerySyntaxError(f"unbalanced {source[at]}{closing}")
    end = at
    while end < len(source) and not source[end].isspace():
        end += 1
    return source[at:end], end, False


def _tokens(source: str) -> Iterable[tuple[str, str | _Term]]:
    """Yield ("op", AND/OR), ("word", text) and ("term", _Term) from ``source``."""
    index = 0
    negate_next = False
    while index < len(source):
        if source[index].isspace():
            index += 1
            continue
        match = _FIELD_TERM.match(source, index)
        if match:
            sign, name = match.group(1), match.group(2)
            raw, index, quoted = _read_value(source, match.end())
            negate = sign == "-" or negate_next
            negate_next = False
            yield "term", _term(name, raw, quoted=quoted, negate=negate)
            continue
        raw, index, quoted = _read_value(source, index)
        if not quoted and raw in ("AND", "OR", "&&", "||"):
            yield "op", "OR" if raw in ("OR", "||") else "AND"
        elif not quoted and raw in ("NOT", "!"):
            negate_next = True
        elif not quoted and raw.startswith("(") and raw.endswith(")"):
            # A parenthesised group of terms: read inside; only AND-like groups are flat.
            yield from _tokens(raw[1:-1])
        elif raw in ("*:*", "*"):
            continue
        else:
            yield "word", raw.lstrip("+")


def _term(name: str, raw: str, *, quoted: bool, negate: bool) -> _Term:
    if quoted:
        return _Term(name, [raw], negate)
    if raw[:1] in "[{" and raw[-1:] in "]}":
        parts = raw[1:-1].split(" TO ")
        if len(parts) != 2:
            raise QuerySyntaxError(f"range {raw} needs the form [A TO B]")
        return _Term(
            name, [], negate, (parts[0].strip(), parts[1].strip(), raw[0] == "[", raw[-1] == "]")
        )
    if raw.startswith("(") and raw.endswith(")"):
        values: list[str] = []
        inner = raw[1:-1]
        index = 0
        while index < len(inner):
            if inner[index].isspace():
                index += 1
                continue
            value, index, was_quoted = _read_value(inner, index)
            if not was_quoted and value in ("OR", "||"):
                continue
            if not was_quoted and value in ("AND", "&&"):
                raise QuerySyntaxError(f"{name}:(… AND …) is not supported; repeat the field")
            values.append(value)
        return _Term(name, values, negate)
    return _Term(name, [raw], negate)


def _instant(raw: str, *, now: datetime.datetime) -> datetime.datetime | None:
    """A range bound: ``*`` (open), ``NOW`` with date math, or an ISO date-time (UTC if naive)."""
    if raw == "*":
        return None
    math = _DATE_MATH.match(raw)
    if math:
        if not math.group(1):
            return now
        step = _UNITS[math.group(3).rstrip("S")] * int(math.group(2))
        return now + step if math.group(1) == "+" else now - step
    text = raw[:-1] if raw.endswith("Z") else raw
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise QuerySyntaxError(f"not a date: {raw}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _filter(term: _Term, *, now: datetime.datetime) -> Filter:
    if term.field in DATE_FIELDS:
        if term.range is None:
            raise QuerySyntaxError(f"{term.field} needs a range such as [NOW-1DAY TO NOW]")
        start_raw, end_raw, start_inclusive, end_inclusive = term.range
        start, end = _instant(start_raw, now=now), _instant(end_raw, now=now)
        tick = datetime.timedelta(microseconds=1)
        if start is not None and not start_inclusive:
            start += tick
        if end is not None and not end_inclusive:
            end -= tick
        return Filter(term.field, (), term.negate, start, end)
    if term.range is not None:
        raise QuerySyntaxError(f"ranges are supported on {', '.join(DATE_FIELDS)} only")
    return Filter(term.field, tuple(term.values), term.negate)


def parse(source: str, into: Parsed | None = None, *, now: datetime.datetime) -> Parsed:
    """Read one ``q`` or ``fq`` string into free text and filters (added to ``into``)."""
    parsed = into or Parsed()
    items: list[str | _Term] = []
    pending_or = False
    for kind, value in _tokens(source.strip()):
        if kind == "op":
            pending_or = value == "OR" and bool(items)
            continue
        if pending_or:
            previous = items[-1]
            if (
                isinstance(previous, _Term)
                and isinstance(value, _Term)
                and previous.field == value.field
                and not previous.negate
                and not value.negate
                and previous.range is None
                and value.range is None
            ):
                previous.values.extend(value.values)
                pending_or = False
                continue
            if isinstance(previous, str) and isinstance(value, str):
                # Free words joined by OR: matching any is looser than all, and the ranked
                # full-text search already favours datasets with more of them; keep both words.
                items.append(value)
                pending_or = False
                continue
            raise QuerySyntaxError("OR is supported between terms on the same field only")
        items.append(value)
    for item in items:
        if isinstance(item, str):
            parsed.text.append(item)
        elif item.field in TEXT_FIELDS and item.range is None and not item.negate:
            parsed.text.extend(item.values)
        else:
            parsed.filters.append(_filter(item, now=now))
    return parsed


def parse_sort(sort: str) -> list[tuple[str, bool]]:
    """Read ``"score desc, metadata_modified desc"`` into (field, descending) pairs."""
    if not sort.strip() or sort.strip() == "rank":
        return list(DEFAULT_SORT)
    order: list[tuple[str, bool]] = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        name = words[0]
        direction = words[1].lower() if len(words) > 1 else "asc"
        if name not in SORT_FIELDS or direction not in ("asc", "desc") or len(words) > 2:
            raise QuerySyntaxError(f"cannot sort by {part.strip()!r}")
        order.append((name, direction == "desc"))
    return order or list(DEFAULT_SORT)
