"""Public API of the audit ledger, mounted at ``/api/v1/ledger`` by ``tinhso/api.py``.

Only hashes leave the server: the signed tree head, leaf hashes and RFC 9162 proofs, so that
anyone can check that the ledger only grows and that a given entry is in it.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from tinhso.core import ledger
from tinhso.core.ledger import signing
from tinhso.core.schemas import (
    CheckpointOut,
    ConsistencyProofOut,
    InclusionProofOut,
    LeafOut,
    LeavesOut,
    PublicKeyOut,
)

router = Router(tags=["ledger"])

MAX_POSITION = 2**62
"""Upper bound on indices and sizes accepted from clients (fits a signed 64-bit column)."""


NOT_YET = "Cây nhật ký chưa có kích thước này (the ledger has not reached this size)."


@router.get(
    "/checkpoint",
    response=CheckpointOut,
    operation_id="ledger_checkpoint",
    summary="Đầu cây đã ký mới nhất (latest signed checkpoint)",
)
def checkpoint(request: HttpRequest) -> CheckpointOut:
    """Return the latest signed tree head; verify it with ``/ledger/public-key``."""
    head = ledger.latest_checkpoint()
    return CheckpointOut(
        size=head.size,
        root_hash=head.root_hash.hex(),
        timestamp=head.timestamp_ms,
        signature=head.signature.hex(),
    )


@router.get(
    "/public-key",
    response=PublicKeyOut,
    operation_id="ledger_public_key",
    summary="Khóa công khai kiểm tra chữ ký (checkpoint verification key)",
)
def public_key(request: HttpRequest) -> PublicKeyOut:
    """Return the Ed25519 public key and the exact byte layout it signs."""
    raw = signing.public_key_bytes()
    return PublicKeyOut(
        algorithm="Ed25519",
        public_key=raw.hex(),
        public_key_pem=signing.public_key_pem(),
        key_id=signing.key_id(raw).hex(),
        signed_message=signing.MESSAGE_LAYOUT,
    )


@router.get(
    "/leaves",
    response=LeavesOut,
    operation_id="ledger_leaves",
    summary="Băm các lá theo trang (leaf hashes, paged)",
)
def leaves(
    request: HttpRequest,
    start: int = Query(0, ge=0, le=MAX_POSITION, description="First leaf index (inclusive)."),
    end: int | None = Query(
        None,
        ge=1,
        le=MAX_POSITION,
        description="Last leaf index (exclusive); at most 1000 leaves are returned per page.",
    ),
) -> LeavesOut:
    """Return leaf hashes ``[start, end)`` that exist, capped at 1000 per page."""
    stop = start + ledger.MAX_LEAVES_PAGE if end is None else end
    if stop <= start:
        raise HttpError(400, "end phải lớn hơn start (end must be greater than start).")
    return LeavesOut(
        leaves=[
            LeafOut(index=index, leaf_hash=digest.hex())
            for index, digest in ledger.leaf_hashes(start, stop)
        ]
    )


@router.get(
    "/proof/inclusion",
    response=InclusionProofOut,
    operation_id="ledger_inclusion_proof",
    summary="Bằng chứng một lá thuộc cây (inclusion proof, RFC 9162 PATH)",
)
def inclusion_proof(
    request: HttpRequest,
    index: int = Query(..., ge=0, le=MAX_POSITION, description="0-based leaf index."),
    size: int = Query(..., ge=1, le=MAX_POSITION, description="Tree size the proof is for."),
) -> InclusionProofOut:
    """Return the audit path of leaf ``index`` in the tree of ``size`` leaves."""
    try:
        hashes = ledger.inclusion_proof(index, size)
    except ledger.InvalidRequest as exc:
        raise HttpError(400, "index phải nhỏ hơn size (index must be below size).") from exc
    except ledger.UnknownTreeSize as exc:
        raise HttpError(404, NOT_YET) from exc
    return InclusionProofOut(index=index, size=size, hashes=[h.hex() for h in hashes])


@router.get(
    "/proof/consistency",
    response=ConsistencyProofOut,
    operation_id="ledger_consistency_proof",
    summary="Bằng chứng cây chỉ nối thêm (consistency proof, RFC 9162 PROOF)",
)
def consistency_proof(
    request: HttpRequest,
    first: int = Query(..., ge=1, le=MAX_POSITION, description="Size of the older tree."),
    second: int = Query(..., ge=1, le=MAX_POSITION, description="Size of the newer tree."),
) -> ConsistencyProofOut:
    """Return the proof that the tree of ``second`` leaves extends the tree of ``first``."""
    try:
        hashes = ledger.consistency_proof(first, second)
    except ledger.InvalidRequest as exc:
        raise HttpError(
            400, "first không được lớn hơn second (first must not exceed second)."
        ) from exc
    except ledger.UnknownTreeSize as exc:
        raise HttpError(404, NOT_YET) from exc
    return ConsistencyProofOut(first=first, second=second, hashes=[h.hex() for h in hashes])
