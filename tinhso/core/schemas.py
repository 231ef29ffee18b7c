"""Response schemas of the public audit-ledger API (hashes only, never entry content)."""

from __future__ import annotations

from ninja import Field, Schema

HEX_HASH = r"^[0-9a-f]{64}$"


class CheckpointOut(Schema):
    """The latest signed tree head of the audit ledger."""

    size: int = Field(..., ge=0, description="Số lá của cây (number of leaves).")
    root_hash: str = Field(..., pattern=HEX_HASH, description="Băm gốc (root hash), hex.")
    timestamp: int = Field(
        ..., ge=0, description="Thời điểm ký, mili giây từ 1970 UTC (signing time, ms)."
    )
    signature: str = Field(
        ...,
        pattern=r"^[0-9a-f]{128}$",
        description=(
            "Chữ ký Ed25519, hex, trên 0x00‖0x01‖u64be(timestamp)‖u64be(size)‖root_hash "
            "(Ed25519 signature over the RFC 6962 §3.5 tree-head layout)."
        ),
    )


class PublicKeyOut(Schema):
    """The key that verifies checkpoint signatures, and what exactly is signed."""

    algorithm: str = Field(..., description="Always Ed25519.")
    public_key: str = Field(..., pattern=HEX_HASH, description="Raw 32-byte public key, hex.")
    public_key_pem: str = Field(..., description="The same key as PEM SubjectPublicKeyInfo.")
    key_id: str = Field(..., pattern=HEX_HASH, description="SHA-256 of the raw key, hex.")
    signed_message: str = Field(..., description="Byte layout of the signed tree head.")


class LeafOut(Schema):
    """One leaf of the ledger's Merkle tree."""

    index: int = Field(..., ge=0, description="Chỉ mục lá, từ 0 (0-based leaf index).")
    leaf_hash: str = Field(..., pattern=HEX_HASH, description="SHA-256(0x00‖leaf data), hex.")


class LeavesOut(Schema):
    """A page of leaf hashes in index order."""

    leaves: list[LeafOut]


class InclusionProofOut(Schema):
    """RFC 9162 §2.1.3 inclusion proof (PATH) of leaf ``index`` in the tree of ``size`` leaves."""

    index: int = Field(..., ge=0)
    size: int = Field(..., ge=1)
    hashes: list[str] = Field(..., description="Audit path, leaf level first, hex.")


class ConsistencyProofOut(Schema):
    """RFC 9162 §2.1.4 consistency proof (PROOF) between trees of ``first`` and ``second``."""

    first: int = Field(..., ge=1)
    second: int = Field(..., ge=1)
    hashes: list[str] = Field(..., description="Consistency path, hex.")
