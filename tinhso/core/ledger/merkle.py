"""RFC 6962 / RFC 9162 Merkle tree hashing, proof shapes and proof verification.

Pure functions over bytes, no Django: the audit ledger stores the hashes of *perfect* subtrees
by (level, index) — node ``(level, i)`` is the root of leaves ``[i·2^level, (i+1)·2^level)`` —
and every hash a proof needs is a fold of a few of them.

Conventions (RFC 9162 §2.1): leaf hash = SHA-256(0x00 ‖ data), node hash =
SHA-256(0x01 ‖ left ‖ right), the root of the empty tree = SHA-256(""); indices are 0-based.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]
"""A perfect subtree: ``(level, index)``."""

LeafRange = tuple[int, int]
"""Leaves ``[start, end)`` whose Merkle tree hash (MTH) is one element of a proof."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 hash of a leaf: SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 hash of an inner node: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """Return the largest power of two strictly smaller than ``size`` (``size`` ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_nodes(start: int, end: int) -> list[NodeKey]:
    """Cover leaves ``[start, end)`` with the fewest aligned perfect subtrees, left to right.

    For the ranges that occur in RFC 9162 proofs (and for ``[0, size)``) the subtrees come out
    in decreasing size, so the range's MTH is their right fold (:func:`fold`).
    """
    nodes: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """Return the MTH of adjacent perfect subtrees given left to right in decreasing size."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def range_hash(start: int, end: int, node: Callable[[NodeKey], bytes]) -> bytes:
    """Return MTH(D[start:end]) from stored perfect-subtree hashes looked up with ``node``."""
    return fold([node(key) for key in perfect_nodes(start, end)])


def inclusion_ranges(index: int, size: int) -> list[LeafRange]:
    """Return the leaf ranges whose MTHs form PATH(index, D[size]), leaf level first.

    Raises:
        ValueError: ``index`` is not a leaf of a tree of ``size`` leaves.
    """
    if not 0 <= index < size:
        raise ValueError("index must satisfy 0 <= index < size")
    ranges: list[LeafRange] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[LeafRange]:
    """Return the leaf ranges whose MTHs form PROOF(first, D[second]) (RFC 9162 §2.1.4.1).

    Raises:
        ValueError: unless 0 < first <= second.
    """
    if not 0 < first <= second:
        raise ValueError("sizes must satisfy 0 < first <= second")
    ranges: list[LeafRange] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def nodes_for(ranges: Iterable[LeafRange]) -> set[NodeKey]:
    """Return every perfect subtree needed to hash ``ranges``."""
    return {key for start, end in ranges for key in perfect_nodes(start, end)}


class CompactRange:
    """The right edge of a growing tree: the roots of the perfect subtrees covering [0, size).

    Appending a leaf returns every perfect subtree it completes, so that the ledger can store
    each node once, when it is born.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError("a compact range of size n holds popcount(n) hashes")
        self.size = size
        self.hashes = list(hashes)

    @classmethod
    def from_bytes(cls, size: int, packed: bytes) -> CompactRange:
        """Rebuild a compact range from :meth:`to_bytes`."""
        hashes = [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)]
        return cls(size, hashes)

    def to_bytes(self) -> bytes:
        """Return the hashes concatenated, largest subtree first."""
        return b"".join(self.hashes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return the ``(level, index, hash)`` of each subtree it completes."""
        index = self.size
        born = [(0, index, leaf)]
        current = leaf
        level = 0
        while (index >> level) & 1:
            current = node_hash(self.hashes.pop(), current)
            level += 1
            born.append((level, index >> level, current))
        self.hashes.append(current)
        self.size += 1
        return born

    def root(self) -> bytes:
        """Return MTH of the leaves appended so far."""
        return fold(self.hashes)


def _check_hashes(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof (RFC 9162 §2.1.3.2); every hash must be 32 bytes."""
    if not 0 <= index < size or not _check_hashes(leaf, root, *path):
        return False
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof (RFC 9162 §2.1.4.2); every hash must be 32 bytes.

    Equal sizes need an empty proof and equal roots; a proof from the empty tree is rejected.
    """
    if not 0 < first <= second or not _check_hashes(first_root, second_root, *proof):
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first_result = second_result = path[0]
    for step in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first_result = node_hash(step, first_result)
            second_result = node_hash(step, second_result)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            second_result = node_hash(second_result, step)
        fn >>= 1
        sn >>= 1
    return sn == 0 and first_result == first_root and second_result == second_root
