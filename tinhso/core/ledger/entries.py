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

_MAX_LENGTHS = {
    "actor_label": 150,
    "action": 100,
    "object_type": 100,
    "object_id": 100,
    "object_repr": 255,
    "client": 255,
}


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


def _plain(value: Any) -> Any:
    """Return ``value`` with integral floats as ints, so the DB round trip keeps the JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def plain_json(value: Any) -> Any:
    """Return ``value`` as plain JSON data (dates, decimals and UUIDs become strings)."""
    return _plain(json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)))


def normal_ip(value: str | None) -> str | None:
    """Return the canonical text of an IP address, or None when there is none or it is bad."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def normal_time(value: datetime) -> str:
    """Return an aware datetime as UTC ISO 8601 with microseconds."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_of(draft: EntryDraft) -> dict[str, Any]:
    """Return the normalised column values of a draft, as they will be stored."""
    content: dict[str, Any] = {name: getattr(draft, name) for name in CONTENT_FIELDS}
    for name, limit in _MAX_LENGTHS.items():
        content[name] = str(content[name] or "")[:limit]
    content["changes"] = plain_json(dict(draft.changes))
    content["ip_address"] = normal_ip(draft.ip_address)
    if timezone.is_naive(draft.created_at):
        raise ValueError("created_at must be timezone-aware")
    return content


def new_salt() -> str:
    """Return 16 random bytes as hex."""
    return secrets.token_hex(16)


def leaf_data(content: Mapping[str, Any], *, entry_id: int, index: int, salt: str) -> bytes:
    """Return the canonical bytes of one entry, the input of its leaf hash."""
    document = {
        "v": LEAF_FORMAT_VERSION,
        "id": entry_id,
        "index": index,
        "salt": salt,
        "created_at": normal_time(content["created_at"]),
        "actor_id": content["actor_id"],
        "actor_label": content["actor_label"],
        "action": content["action"],
        "object_type": content["object_type"],
        "object_id": content["object_id"],
        "object_repr": content["object_repr"],
        "changes": _plain(content["changes"]),
        "ip_address": normal_ip(content["ip_address"]),
        "client": content["client"],
        "batch_count": content["batch_count"],
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_leaf_hash(content: Mapping[str, Any], *, entry_id: int, index: int, salt: str) -> bytes:
    """Return the RFC 6962 leaf hash of one entry."""
    return leaf_hash(leaf_data(content, entry_id=entry_id, index=index, salt=salt))
