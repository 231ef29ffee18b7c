"""The ledger in the database: the sequencer that appends entries, and proofs read back.

Appending happens inside the caller's transaction and holds the single ``LedgerHead`` row
(``SELECT … FOR UPDATE``) until that transaction commits, so leaf indices follow commit order on
PostgreSQL as on SQLite (whose write transactions are serialised anyway). See
``docs/adr/0004-audit-ledger.md``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, models, transaction

from tinhso.core.ledger import signing
from tinhso.core.ledger.entries import (
    CONTENT_FIELDS,
    EntryDraft,
    content_of,
    dump_plain,
    entry_leaf_hash,
    new_salts,
    normal_time,
)
from tinhso.core.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    NodeKey,
    consistency_ranges,
    inclusion_ranges,
    nodes_for,
    range_hash,
)
from tinhso.core.models import AuditEntry, LedgerHead, LedgerNode

MAX_LEAVES_PAGE = 1000
"""The most leaf hashes one call of :func:`leaf_hashes` returns."""

_ENTRY_COLUMNS = ("id", *CONTENT_FIELDS, "leaf_index", "salt")
_NODE_COLUMNS = ("level", "index", "digest")
_COPY_CHUNK = 500
"""Entry lines sent to PostgreSQL per write while a batch is being hashed."""
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_needs_escape = re.compile(r"[\\\t\n\r]").search


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
    locked = LedgerHead.objects.select_for_update()
    try:
        return locked.get(pk=LedgerHead.SINGLETON)
    except LedgerHead.DoesNotExist:
        LedgerHead.objects.bulk_create([LedgerHead(pk=LedgerHead.SINGLETON)], ignore_conflicts=True)
        return locked.get(pk=LedgerHead.SINGLETON)


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


def append_entry(draft: EntryDraft) -> AuditEntry:
    """Append one entry in the current transaction (opening one if needed); return its row.

    Four queries: lock the head, insert the entry, insert its nodes, update the head. Call it
    after the action's other writes: the head stays locked until the transaction commits.
    """
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        tree = CompactRange.from_bytes(head.size, bytes(head.frontier))
        content = content_of(draft)
        (salt,) = new_salts(1)
        entry = AuditEntry.objects.create(**content, leaf_index=tree.size, salt=salt)
        leaf = entry_leaf_hash(content, entry_id=entry.pk, index=entry.leaf_index, salt=salt)
        LedgerNode.objects.bulk_create(
            [LedgerNode(level=lv, index=ix, digest=h) for lv, ix, h in tree.append(leaf)]
        )
        _sign_and_save(head, tree)
    return entry


def append_batch(drafts: Sequence[EntryDraft]) -> range:
    """Append many entries in the current transaction (opening one if needed).

    The path for bulk auditing and imports: one lock, one signature and a few statements per
    batch (``COPY`` on PostgreSQL, ``executemany`` on SQLite). Returns the leaf indices given
    to the drafts, in order.
    """
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        first = head.size
        if drafts:
            tree = CompactRange.from_bytes(head.size, bytes(head.frontier))
            if connection.vendor == "postgresql":
                _copy_rows(tree, drafts)
            else:
                _insert_rows(tree, drafts)
            _sign_and_save(head, tree)
    return range(first, first + len(drafts))


def _reserve_ids(count: int) -> range:
    """Take ``count`` consecutive primary keys for new entries.

    Safe because every insert into the audit table happens under the sequencer lock we hold.
    PostgreSQL advances the table's sequence; SQLite continues after the highest id ever used.
    """
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(seq, nextval(seq) + %s - 1)"
                " FROM pg_get_serial_sequence(%s, 'id') AS seq",
                [count, table],
            )
            (last,) = cursor.fetchone()
            return range(last - count + 1, last + 1)
        cursor.execute(
            'SELECT MAX(n) FROM (SELECT MAX("id") AS n FROM "core_auditentry"'
            " UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        (highest,) = cursor.fetchone()
    first = (highest or 0) + 1
    return range(first, first + count)


def _insert_rows(tree: CompactRange, drafts: Sequence[EntryDraft]) -> None:
    """Insert a batch with two ``executemany`` statements (SQLite)."""
    adapt_time = connection.ops.adapt_datetimefield_value
    entry_rows = []
    nodes: list[tuple[int, int, bytes]] = []
    for entry_id, draft, salt in zip(
        _reserve_ids(len(drafts)), drafts, new_salts(len(drafts)), strict=True
    ):
        content = content_of(draft)
        changes = dump_plain(content["changes"])
        index = tree.size
        leaf = entry_leaf_hash(
            content, entry_id=entry_id, index=index, salt=salt, changes_json=changes
        )
        nodes += tree.append(leaf)
        content["created_at"] = adapt_time(content["created_at"])
        content["changes"] = changes
        entry_rows.append((entry_id, *map(content.__getitem__, CONTENT_FIELDS), index, salt))
    with connection.cursor() as cursor:
        for model, columns, rows in (
            (AuditEntry, _ENTRY_COLUMNS, entry_rows),
            (LedgerNode, _NODE_COLUMNS, nodes),
        ):
            table, names = _copy_target(model, columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _copy_target(model: type[models.Model], names: Sequence[str]) -> tuple[str, str]:
    """Return the quoted table and column list for a hand-written ``COPY`` or ``INSERT``."""
    quote = connection.ops.quote_name
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        columns.append(quote(field.column))
    return quote(model._meta.db_table), ", ".join(columns)


def _copy_int(value: int | None) -> str:
    """Return an integer field in PostgreSQL's ``COPY`` text format."""
    return "\\N" if value is None else str(value)


def _copy_rows(tree: CompactRange, drafts: Sequence[EntryDraft]) -> None:
    """Stream entries, then their nodes, with ``COPY … FROM STDIN`` (PostgreSQL).

    Entry lines are written in COPY text format by hand (the hashing already produced the
    canonical timestamp and JSON), in chunks, so the server inserts while we hash.
    """
    ids = _reserve_ids(len(drafts))
    nodes: list[tuple[int, int, bytes]] = []
    table, columns = _copy_target(AuditEntry, _ENTRY_COLUMNS)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        lines: list[str] = []
        for entry_id, draft, salt in zip(ids, drafts, new_salts(len(drafts)), strict=True):
            content = content_of(draft)
            changes = dump_plain(content["changes"])
            created = normal_time(content["created_at"])
            index = tree.size
            leaf = entry_leaf_hash(
                content,
                entry_id=entry_id,
                index=index,
                salt=salt,
                changes_json=changes,
                created_text=created,
            )
            nodes += tree.append(leaf)
            texts = [
                content["actor_label"],
                content["action"],
                content["object_type"],
                content["object_id"],
                content["object_repr"],
                changes,
                content["ip_address"] or "",
                content["client"],
            ]
            if _needs_escape("".join(texts)):
                texts = [t.translate(_COPY_ESCAPES) for t in texts]
            actor_label, action, object_type, object_id, object_repr, changes, ip, client = texts
            lines.append(
                "\t".join(
                    (
                        str(entry_id),
                        created,
                        _copy_int(content["actor_id"]),
                        actor_label,
                        action,
                        object_type,
                        object_id,
                        object_repr,
                        changes,
                        ip or "\\N",
                        client,
                        _copy_int(content["batch_count"]),
                        str(index),
                        salt,
                    )
                )
            )
            if len(lines) == _COPY_CHUNK:
                copy.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            copy.write("\n".join(lines) + "\n")
    table, columns = _copy_target(LedgerNode, _NODE_COLUMNS)
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


_READ_HEAD_SQL = 'SELECT -1, "size", NULL FROM "core_ledgerhead" WHERE "id" = %s'
_READ_TREE_SQL = (
    'WITH wanted ("level", "index") AS (VALUES <pairs>) '
    'SELECT -1, "size", NULL FROM "core_ledgerhead" WHERE "id" = %s '
    'UNION ALL SELECT n."level", n."index", n."digest" FROM wanted '
    'JOIN "core_ledgernode" AS n ON n."level" = wanted."level" AND n."index" = wanted."index"'
)


def _read_tree(size: int, keys: set[NodeKey]) -> dict[NodeKey, bytes]:
    """Read the nodes ``keys`` of the tree of ``size`` leaves, and the current size, at once.

    Proofs are the hot public read path, so this is one hand-written round trip instead of two
    ORM queries: the wanted (level, index) pairs are joined to the node table's primary key,
    which both PostgreSQL and SQLite turn into one index lookup per pair.

    Raises:
        UnknownTreeSize: the tree is smaller than ``size``.
        LedgerCorrupt: a node that must exist is missing.
    """
    ordered = sorted(keys)
    if ordered:
        pairs = ", ".join(["(%s, %s)"] * len(ordered))
        sql = _READ_TREE_SQL.replace("<pairs>", pairs)  # only placeholders go into the SQL
        params = [value for key in ordered for value in key] + [LedgerHead.SINGLETON]
    else:
        sql, params = _READ_HEAD_SQL, [LedgerHead.SINGLETON]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    current = next((row[1] for row in rows if row[0] == -1), 0)
    if size > current:
        raise UnknownTreeSize(f"tree size {size} is beyond the current size {current}")
    found = {(row[0], row[1]): bytes(row[2]) for row in rows if row[0] != -1}
    missing = keys - found.keys()
    if missing:
        raise LedgerCorrupt(f"missing ledger nodes {sorted(missing)[:5]}")
    return found


def _hashes_of(size: int, ranges: list[tuple[int, int]]) -> list[bytes]:
    nodes = _read_tree(size, nodes_for(ranges))
    return [range_hash(start, end, nodes.__getitem__) for start, end in ranges]


def inclusion_proof(index: int, size: int) -> list[bytes]:
    """Return PATH(index, D[size]) (RFC 9162 §2.1.3.1) in one query.

    Raises:
        InvalidRequest: ``index`` is not below ``size``.
        UnknownTreeSize: the tree is smaller than ``size``.
    """
    if not 0 <= index < size:
        raise InvalidRequest("index must be below size")
    return _hashes_of(size, inclusion_ranges(index, size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    """Return PROOF(first, D[second]) (RFC 9162 §2.1.4.1) in one query.

    Raises:
        InvalidRequest: unless 0 < first <= second.
        UnknownTreeSize: the tree is smaller than ``second``.
    """
    if not 0 < first <= second:
        raise InvalidRequest("sizes must satisfy 0 < first <= second")
    return _hashes_of(second, consistency_ranges(first, second))


def root_at(size: int) -> bytes:
    """Return the root hash the tree had at ``size`` leaves (one query).

    Raises:
        UnknownTreeSize: the tree is smaller than ``size``.
    """
    (root,) = _hashes_of(size, [(0, size)]) if size else [EMPTY_ROOT]
    return root


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
