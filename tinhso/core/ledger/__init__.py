"""The audit ledger: append-only entries hash-chained in an RFC 6962/9162 Merkle tree.

Other apps write through ``tinhso.core.audit.record_write`` (one entry) or :func:`append_batch`
(many, e.g. bulk machine data); the public API under ``/api/v1/ledger`` and
``tinhso verify-audit`` read it. Design: ``docs/adr/0004-audit-ledger.md``.
"""

from tinhso.core.ledger.entries import EntryDraft
from tinhso.core.ledger.store import (
    MAX_LEAVES_PAGE,
    Checkpoint,
    InvalidRequest,
    LedgerCorrupt,
    LedgerError,
    UnknownTreeSize,
    append_batch,
    append_entry,
    consistency_proof,
    inclusion_proof,
    latest_checkpoint,
    leaf_hashes,
    root_at,
    tree_size,
)

__all__ = [
    "MAX_LEAVES_PAGE",
    "Checkpoint",
    "EntryDraft",
    "InvalidRequest",
    "LedgerCorrupt",
    "LedgerError",
    "UnknownTreeSize",
    "append_batch",
    "append_entry",
    "consistency_proof",
    "inclusion_proof",
    "latest_checkpoint",
    "leaf_hashes",
    "root_at",
    "tree_size",
]
