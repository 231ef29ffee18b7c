"""What an audit entry contains, and the exact bytes its leaf hash covers.

Leaf data (format version 1) is the UTF-8 encoding of compact JSON with sorted keys::

    {"action", "actor_id", "actor_label", "batch_count", "changes", "client", "created_at",
     "id", "index", "ip_address", "object_id", "object_repr", "object_type", "salt", "v": 1}

``created_at`` is UTC ISO 8601 with microseconds and a ``Z``; ``changes`` is plain JSON in which
integral floats are written as integers (PostgreSQL's ``jsonb`` gives ``1e20`` back as
``100000000000000000000``); ``id`` is the row's primary key and ``index`` its 0-based leaf index,
so editing any field, deleting a row or swapping two rows changes the recomputed tree. ``salt``
(16 random bytes, hex) keeps the public leaf hashes from confirming a guessed entry.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from tinhso.core.ledger.merkle import leaf_hash

LEAF_FORMAT_VERSION = 1

CONTENT_FIELDS = (
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "ip_address",
    "client",
    "batch_count",
)
"""The columns an auditor reads, in the order rows are written and read back."""


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """An audit entry before the sequencer gives it an id and a leaf index."""

    action: str
    actor_id: int | None = None
    actor_label: str = ""
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)
    ip_address: str | None = None
    client: str = ""
    batch_count: int | None = None
    created_at: datetime = field(default_factory=timezone.now)


_DJANGO_JSON = DjangoJSONEncoder()
_CANONICAL_JSON = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_quote = json.encoder.encode_basestring
_TAIL = f',"v":{LEAF_FORMAT_VERSION}}}'


_SCALARS = frozenset({str, int, bool, type(None)})
"""Types that are already plain JSON (checked by exact type: subclasses take the slow path)."""


def _json_key(key: Any) -> str:
    return key if isinstance(key, str) else json.dumps(key)


def plain_json(value: Any) -> Any:
    """Return ``value`` as plain JSON data, as the database gives it back.

    Dates, decimals and UUIDs become strings (as ``DjangoJSONEncoder`` writes them), tuples
    lists, keys strings, and integral floats ints — PostgreSQL's ``jsonb`` returns ``1e20`` as
    ``100000000000000000000``.

    Raises:
        ValueError: a float is NaN or infinite.
        TypeError: a value has no JSON form.
    """
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinite floats have no JSON form")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {
            key if type(key) is str else _json_key(key): (
                item if type(item) in _SCALARS else plain_json(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [item if type(item) in _SCALARS else plain_json(item) for item in value]
    return _DJANGO_JSON.default(value)


def dump_plain(value: Any) -> str:
    """Return compact JSON with sorted keys of data already passed through :func:`plain_json`."""
    return _CANONICAL_JSON.encode(value)


def canonical_json(value: Any) -> str:
    """Return compact JSON with sorted keys of any JSON-able value (see :func:`plain_json`)."""
    return dump_plain(plain_json(value))


@functools.lru_cache(maxsize=65_536)
def normal_ip(value: str | None) -> str | None:
    """Return the canonical text of an IP address, or None when there is none or it is bad."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def normal_time(value: datetime) -> str:
    """Return an aware datetime as UTC ISO 8601 with microseconds and a ``Z``."""
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:-6] + "Z"


def _text(value: Any, limit: int) -> str:
    return (value if isinstance(value, str) else str(value or ""))[:limit]


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def content_of(draft: EntryDraft) -> dict[str, Any]:
    """Return the normalised column values of a draft, as they will be stored."""
    if draft.created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return {
        "created_at": draft.created_at,
        "actor_id": _optional_int(draft.actor_id),
        "actor_label": _text(draft.actor_label, 150),
        "action": _text(draft.action, 100),
        "object_type": _text(draft.object_type, 100),
        "object_id": _text(draft.object_id, 100),
        "object_repr": _text(draft.object_repr, 255),
        "changes": plain_json(dict(draft.changes)),
        "ip_address": normal_ip(draft.ip_address),
        "client": _text(draft.client, 255),
        "batch_count": _optional_int(draft.batch_count),
    }


def new_salts(count: int) -> list[str]:
    """Return ``count`` salts of 16 random bytes each, as hex."""
    pool = secrets.token_hex(16 * count)
    return [pool[i : i + 32] for i in range(0, 32 * count, 32)]


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def leaf_data(
    content: Mapping[str, Any],
    *,
    entry_id: int,
    index: int,
    salt: str,
    changes_json: str | None = None,
    created_text: str | None = None,
) -> bytes:
    """Return the canonical bytes of one entry, the input of its leaf hash.

    Equal to ``json.dumps(document, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False).encode()`` of the document in the module docstring, written out key by
    key because this runs once per appended and per verified entry. ``changes_json`` is
    :func:`canonical_json` of ``content["changes"]`` and ``created_text`` :func:`normal_time` of
    ``content["created_at"]`` when the caller already has them.
    """
    if changes_json is None:
        changes_json = canonical_json(content["changes"])
    if created_text is None:
        created_text = normal_time(content["created_at"])
    ip = normal_ip(content["ip_address"])
    return "".join(
        (
            '{"action":',
            _quote(content["action"]),
            ',"actor_id":',
            _number(content["actor_id"]),
            ',"actor_label":',
            _quote(content["actor_label"]),
            ',"batch_count":',
            _number(content["batch_count"]),
            ',"changes":',
            changes_json,
            ',"client":',
            _quote(content["client"]),
            ',"created_at":"',
            created_text,
            '","id":',
            str(int(entry_id)),
            ',"index":',
            str(int(index)),
            ',"ip_address":',
            "null" if ip is None else _quote(ip),
            ',"object_id":',
            _quote(content["object_id"]),
            ',"object_repr":',
            _quote(content["object_repr"]),
            ',"object_type":',
            _quote(content["object_type"]),
            ',"salt":',
            _quote(salt),
            _TAIL,
        )
    ).encode("utf-8")


def entry_leaf_hash(
    content: Mapping[str, Any],
    *,
    entry_id: int,
    index: int,
    salt: str,
    changes_json: str | None = None,
    created_text: str | None = None,
) -> bytes:
    """Return the RFC 6962 leaf hash of one entry (see :func:`leaf_data`)."""
    data = leaf_data(
        content,
        entry_id=entry_id,
        index=index,
        salt=salt,
        changes_json=changes_json,
        created_text=created_text,
    )
    return leaf_hash(data)
