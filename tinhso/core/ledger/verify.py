"""Recompute the ledger from its rows and compare it with the stored hashes and signed head.

Used by ``tinhso verify-audit``. Reads the ledger in chunks (memory stays O(chunk)):

1. the signed tree head's signature, with the configured key;
2. every entry, in leaf order: its recomputed leaf hash against the stored one, and no gap,
   extra or out-of-range leaf index;
3. every stored inner node against the one recomputed from the entries (a node above an
   already reported leaf is not reported again);
4. the root recomputed from the entries against the signed root, and the head's compact range
   (which the next append hashes against) against the stored nodes it copies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from tinhso.core.ledger import signing
from tinhso.core.ledger.entries import CONTENT_FIELDS, entry_leaf_hash
from tinhso.core.ledger.merkle import EMPTY_ROOT, CompactRange, perfect_nodes
from tinhso.core.models import AuditEntry, LedgerHead, LedgerNode

MAX_FINDINGS = 100
"""Findings kept in a report; the rest are only counted."""


@dataclass(frozen=True)
class Finding:
    """One inconsistency; ``index`` is the first leaf it concerns, if any."""

    index: int | None
    message: str


@dataclass
class Report:
    """The outcome of :func:`verify_ledger`."""

    size: int = 0
    timestamp_ms: int = 0
    signed_root: bytes = EMPTY_ROOT
    computed_root: bytes = EMPTY_ROOT
    entries_checked: int = 0
    nodes_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    finding_count: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return self.finding_count == 0

    @property
    def first_bad_index(self) -> int | None:
        """The smallest leaf index involved in a finding."""
        indices = [f.index for f in self.findings if f.index is not None]
        return min(indices) if indices else None

    def add(self, index: int | None, message: str) -> None:
        """Record a finding."""
        self.finding_count += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(index, message))


def work_estimate() -> int:
    """Return roughly how many rows :func:`verify_ledger` reads: entries, leaves, inner nodes."""
    size = LedgerHead.objects.filter(pk=LedgerHead.SINGLETON).values_list("size", flat=True)
    return 3 * (size.first() or 0)


def verify_ledger(
    *, chunk_size: int = 10_000, progress: Callable[[int], None] | None = None
) -> Report:
    """Check the whole ledger; ``progress`` is called with the number of rows just read."""
    tick = progress or (lambda _count: None)
    report = Report()
    head = LedgerHead.objects.filter(pk=LedgerHead.SINGLETON).first()
    if head is not None:
        report.size = head.size
        report.timestamp_ms = head.timestamp_ms
        report.signed_root = bytes(head.root_hash) if head.size else EMPTY_ROOT
    if report.size and not signing.verify_tree_head(
        signing.public_key_bytes(),
        report.timestamp_ms,
        report.size,
        report.signed_root,
        bytes(head.signature) if head else b"",
    ):
        report.add(None, "chữ ký đầu cây không hợp lệ (tree head signature is invalid)")

    tree = _check_tree(report, chunk_size, tick)
    report.computed_root = tree.root()
    if report.computed_root != report.signed_root:
        report.add(None, "băm gốc tính lại khác băm gốc đã ký (recomputed root ≠ signed root)")
    if head is not None and bytes(head.frontier) != _stored_frontier(report.size):
        report.add(None, "biên phải lưu trữ bị sửa (stored frontier differs from its nodes)")
    return report


def _stored_frontier(size: int) -> bytes:
    """Return the stored roots of the perfect subtrees covering ``[0, size)``, concatenated."""
    keys = perfect_nodes(0, size)
    if not keys:
        return b""
    wanted = Q()
    for level, index in keys:
        wanted |= Q(level=level, index=index)
    rows = LedgerNode.objects.filter(wanted).values_list("level", "index", "digest")
    found = {(level, index): bytes(digest) for level, index, digest in rows}
    return b"".join(found.get(key, b"") for key in keys)


def _stored_nodes(start: int, end: int) -> dict[tuple[int, int], bytes]:
    """Read every stored node born while appending leaves ``[start, end)``, in one query."""
    if start >= end:
        return {}
    span = Q()
    level = 0
    while (end >> level) > (start >> level):
        span |= Q(level=level, index__gte=start >> level, index__lt=end >> level)
        level += 1
    rows = LedgerNode.objects.filter(span).values_list("level", "index", "digest")
    return {(lv, ix): bytes(digest) for lv, ix, digest in rows}


def _check_tree(report: Report, chunk_size: int, tick: Callable[[int], None]) -> CompactRange:
    """Recompute every leaf and inner node in order and compare them with the stored ones."""
    size = report.size
    outside = AuditEntry.objects.filter(Q(leaf_index__lt=0) | Q(leaf_index__gte=size))
    for index in outside.order_by("leaf_index").values_list("leaf_index", flat=True)[:MAX_FINDINGS]:
        report.add(index, "bản ghi ngoài cây đã ký (entry outside the signed tree)")
    tree = CompactRange()
    last_bad_leaf = -1
    columns = ("id", "leaf_index", "salt", *CONTENT_FIELDS)
    for start in range(0, size, chunk_size):
        end = min(start + chunk_size, size)
        rows = AuditEntry.objects.filter(leaf_index__gte=start, leaf_index__lt=end).values_list(
            *columns
        )
        entries = {row[1]: row for row in rows}
        stored = _stored_nodes(start, end)
        for index in range(start, end):
            row = entries.get(index)
            if row is None:
                report.add(index, "thiếu bản ghi (entry missing: deleted or re-indexed)")
                last_bad_leaf = index
                leaf = stored.get((0, index), EMPTY_ROOT)
            else:
                content = dict(zip(columns, row, strict=True))
                leaf = entry_leaf_hash(content, entry_id=row[0], index=index, salt=row[2])
            for level, position, digest in tree.append(leaf):
                kept = stored.get((level, position))
                if kept == digest:
                    continue
                if kept is None:
                    report.add(position << level, f"thiếu nút ({level}, {position}) (node missing)")
                elif level == 0:
                    report.add(
                        index,
                        "băm lá không khớp, bản ghi bị sửa hoặc hoán đổi "
                        "(leaf hash mismatch: entry edited or swapped)",
                    )
                    last_bad_leaf = index
                elif last_bad_leaf < position << level:
                    report.add(
                        position << level, f"nút ({level}, {position}) bị sửa (node altered)"
                    )
        report.entries_checked += len(entries)
        report.nodes_checked += len(stored)
        tick(len(entries) + len(stored))
    return tree
