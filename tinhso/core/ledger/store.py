"""The ledger in the database: the sequencer that appends entries, and proofs read back.

Appending happens inside the caller's transaction and holds the single ``LedgerHead`` row
(``SELECT … FOR UPDATE``) until that transaction commits, so leaf indices follow commit order on
PostgreSQL as on SQLite (whose write transactions are serialised anyway). See
``docs/adr/0004-audit-ledger.md``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from tinhso.core.ledger import signing
from tinhso.core.ledger.entries import (
    CONTENT_FIELDS,
    EntryDraft,
    content_of,
    entry_leaf_hash,
    new_salt,
)
from tinhso.core.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    NodeKey,
    consistency_ranges,
    inclusion_ranges,
    nodes_for,
    perfect_nodes,
    range_hash,
)
from tinhso.core.models import AuditEntry, LedgerHead, LedgerNode

MAX_LEAVES_PAGE = 1000
"""The most leaf hashes one call of :func:`leaf_hashes` returns."""


class LedgerError(Exception):
    """A request the ledger cannot answer."""


class UnknownTreeSize(LedgerError):
    """The tree has not (yet) grown to the requested size."""


class InvalidRequest(LedgerError):
    """The request's indices or sizes contradict each other."""


class LedgerCorrupt(LedgerError):
    """A stored node that must exist is missing: run ``tinhso verify-audit``."""


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head: the tree had ``size`` leaves and root ``root_hash`` at that time."""

    size: int
    root_hash: bytes
    timestamp_ms: int
    signature: bytes


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _lock_head() -> LedgerHead:
    """Return the sequencer row, locked until the current transaction ends."""
    head = LedgerHead.objects.select_for_update().filter(pk=LedgerHead.SINGLETON).first()
    if head is None:
        LedgerHead.objects.bulk_create([LedgerHead(pk=LedgerHead.SINGLETON)], ignore_conflicts=True)
        head = LedgerHead.objects.select_for_update().get(pk=LedgerHead.SINGLETON)
    return head


def _sign_and_save(head: LedgerHead, tree: CompactRange) -> None:
    """Make ``tree`` the new signed head; timestamps strictly increase (RFC 6962 §3.5)."""
    root = tree.root()
    timestamp = max(_now_ms(), head.timestamp_ms + 1)
    head.size = tree.size
    head.frontier = tree.to_bytes()
    head.root_hash = root
    head.timestamp_ms = timestamp
    head.signature = signing.sign_tree_head(timestamp, tree.size, root)
    head.save(update_fields=["size", "frontier", "root_hash", "timestamp_ms", "signature"])


def _nodes(tree: CompactRange, leaves: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
    born: list[tuple[int, int, bytes]] = []
    for leaf in leaves:
        born.extend(tree.append(leaf))
    return born


def append_entry(draft: EntryDraft) -> AuditEntry:
    """Append one entry in the current transaction (opening one if needed); return its row.

    Four queries: lock the head, insert the entry, insert its nodes, update the head. Call it
    after the action's other writes: the head stays locked until the transaction commits.
    """
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        tree = CompactRange.from_bytes(head.size, bytes(head.frontier))
        content = content_of(draft)
        entry = AuditEntry(**content, leaf_index=tree.size, salt=new_salt())
        entry.save(force_insert=True)
        leaf = entry_leaf_hash(content, entry_id=entry.pk, index=entry.leaf_index, salt=entry.salt)
        LedgerNode.objects.bulk_create(
            [LedgerNode(level=lv, index=ix, digest=h) for lv, ix, h in _nodes(tree, [leaf])]
        )
        _sign_and_save(head, tree)
    return entry


def append_batch(drafts: Sequence[EntryDraft]) -> range:
    """Append many entries in the current transaction (opening one if needed).

    The path for bulk auditing and imports: one lock, one signature and a few statements per
    batch (``COPY`` on PostgreSQL, multi-row ``INSERT`` elsewhere). Returns the leaf indices
    given to the drafts, in order.
    """
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        first = head.size
        if not drafts:
            return range(first, first)
        tree = CompactRange.from_bytes(head.size, bytes(head.frontier))
        contents = [content_of(draft) for draft in drafts]
        salts = [new_salt() for _ in drafts]
        if connection.vendor == "postgresql":
            ids = _reserve_ids(len(drafts))
        else:
            rows = AuditEntry.objects.bulk_create(
                [
                    AuditEntry(**content, leaf_index=first + i, salt=salt)
                    for i, (content, salt) in enumerate(zip(contents, salts, strict=True))
                ]
            )
            ids = [row.pk for row in rows]
        leaves = [
            entry_leaf_hash(content, entry_id=entry_id, index=first + i, salt=salt)
            for i, (content, entry_id, salt) in enumerate(zip(contents, ids, salts, strict=True))
        ]
        nodes = _nodes(tree, leaves)
        if connection.vendor == "postgresql":
            _copy_entries(first, ids, contents, salts)
            _copy_nodes(nodes)
        else:
            LedgerNode.objects.bulk_create(
                [LedgerNode(level=lv, index=ix, digest=h) for lv, ix, h in nodes],
                batch_size=5000,
            )
        _sign_and_save(head, tree)
    return range(first, first + len(drafts))


def _reserve_ids(count: int) -> list[int]:
    """Draw ``count`` primary keys from the audit table's sequence (PostgreSQL)."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_target(model: type[models.Model], names: list[str]) -> tuple[str, str]:
    """Return the quoted table and column list for ``COPY``."""
    quote = connection.ops.quote_name
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        columns.append(quote(field.column))
    return quote(model._meta.db_table), ", ".join(columns)


def _copy_entries(
    first: int, ids: list[int], contents: list[dict[str, Any]], salts: list[str]
) -> None:
    """Write entries with ``COPY … FROM STDIN`` (PostgreSQL)."""
    table, columns = _copy_target(AuditEntry, ["id", *CONTENT_FIELDS, "leaf_index", "salt"])
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for i, (entry_id, content, salt) in enumerate(zip(ids, contents, salts, strict=True)):
            values = {**content, "changes": json.dumps(content["changes"], ensure_ascii=False)}
            copy.write_row([entry_id, *(values[n] for n in CONTENT_FIELDS), first + i, salt])


def _copy_nodes(nodes: list[tuple[int, int, bytes]]) -> None:
    """Write node hashes with ``COPY … FROM STDIN`` (PostgreSQL)."""
    table, columns = _copy_target(LedgerNode, ["level", "index", "digest"])
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for node in nodes:
            copy.write_row(node)


def latest_checkpoint() -> Checkpoint:
    """Return the latest signed tree head (one query; an empty ledger's head is signed now)."""
    head = LedgerHead.objects.filter(pk=LedgerHead.SINGLETON).first()
    if head is None or not head.size:
        timestamp = _now_ms()
        return Checkpoint(
            0, EMPTY_ROOT, timestamp, signing.sign_tree_head(timestamp, 0, EMPTY_ROOT)
        )
    return Checkpoint(head.size, bytes(head.root_hash), head.timestamp_ms, bytes(head.signature))


def tree_size() -> int:
    """Return the number of leaves in the latest signed tree head."""
    size = LedgerHead.objects.filter(pk=LedgerHead.SINGLETON).values_list("size", flat=True).first()
    return size or 0


def _fetch_nodes(keys: set[NodeKey]) -> dict[NodeKey, bytes]:
    """Read stored node hashes in one query."""
    if not keys:
        return {}
    rows = LedgerNode.objects.filter(pk__in=sorted(keys)).values_list("level", "index", "digest")
    found = {(level, index): bytes(digest) for level, index, digest in rows}
    missing = keys - found.keys()
    if missing:
        raise LedgerCorrupt(f"missing ledger nodes {sorted(missing)[:5]}")
    return found


def _check_size(size: int) -> None:
    current = tree_size()
    if size > current:
        raise UnknownTreeSize(f"tree size {size} is beyond the current size {current}")


def _hashes_of(ranges: list[tuple[int, int]]) -> list[bytes]:
    nodes = _fetch_nodes(nodes_for(ranges))
    return [range_hash(start, end, nodes.__getitem__) for start, end in ranges]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """Return PATH(index, D[size]) (RFC 9162 §2.1.3.1) in two queries.

    Raises:
        InvalidRequest: ``index`` is not below ``size``.
        UnknownTreeSize: the tree is smaller than ``size``.
    """
    if not 0 <= index < size:
        raise InvalidRequest("index must be below size")
    _check_size(size)
    return _hashes_of(inclusion_ranges(index, size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    """Return PROOF(first, D[second]) (RFC 9162 §2.1.4.1) in two queries.

    Raises:
        InvalidRequest: unless 0 < first <= second.
        UnknownTreeSize: the tree is smaller than ``second``.
    """
    if not 0 < first <= second:
        raise InvalidRequest("sizes must satisfy 0 < first <= second")
    _check_size(second)
    return _hashes_of(consistency_ranges(first, second))


def root_at(size: int) -> bytes:
    """Return the root hash the tree had at ``size`` leaves (two queries).

    Raises:
        UnknownTreeSize: the tree is smaller than ``size``.
    """
    _check_size(size)
    nodes = _fetch_nodes(set(perfect_nodes(0, size)))
    return range_hash(0, size, nodes.__getitem__)


def leaf_hashes(start: int, end: int) -> list[tuple[int, bytes]]:
    """Return ``(index, leaf hash)`` for stored leaves in ``[start, end)``, capped per page.

    One query; at most :data:`MAX_LEAVES_PAGE` leaves.
    """
    end = min(end, start + MAX_LEAVES_PAGE)
    rows = (
        LedgerNode.objects.filter(level=0, index__gte=start, index__lt=end)
        .order_by("index")
        .values_list("index", "digest")
    )
    return [(index, bytes(digest)) for index, digest in rows]
