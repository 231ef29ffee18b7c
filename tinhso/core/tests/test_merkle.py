"""RFC 6962/9162 hashing and proofs against the Certificate Transparency test vectors.

Vectors from transparency-dev/merkle (proof/verify_test.go, rfc6962/rfc6962_test.go) as listed in
``shared/reference/trace-iot.md`` §1.5; where that list abbreviates a hash the test compares its
prefix and suffix and recomputes the rest from the leaves.
"""

from __future__ import annotations

import pytest

from tinhso.core.ledger import merkle
from tinhso.core.tests import naive_merkle as naive

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]

ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

# Full hashes of the CT vectors (transparency-dev/merkle, carried over from Trillian's
# log_verifier_test.go): names are level_index of the subtree each one hashes.
H0_0 = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
H0_1 = "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
H0_4 = "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
H0_6 = "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"
H1_0 = "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
H1_1 = "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
H1_2 = "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
H1_3 = "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
H2_0 = "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"
H2_1 = "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"

INCLUSION = {
    (0, 8): [H0_1, H1_1, H2_1],
    (5, 8): [H0_4, H1_3, H2_0],
    (2, 3): [H1_0],
    (1, 5): [H0_0, H1_1, H0_4],
}

CONSISTENCY = {
    (1, 8): [H0_1, H1_1, H2_1],
    (6, 8): [H1_2, H1_3, H2_0],
    (2, 5): [H1_1, H0_4],
    (6, 7): [H1_2, H0_6, H2_0],
}


def leaf_hashes(n: int) -> list[bytes]:
    return [merkle.leaf_hash(d) for d in LEAVES[:n]]


def tree_nodes(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every perfect subtree of a tree over ``leaves``, from the naive oracle."""
    nodes = {}
    level = 0
    while 1 << level <= len(leaves):
        width = 1 << level
        for index in range(len(leaves) // width):
            nodes[(level, index)] = naive.mth(leaves[index * width : (index + 1) * width])
        level += 1
    return nodes


def proof_from_nodes(ranges: list[tuple[int, int]], leaves: list[bytes]) -> list[bytes]:
    nodes = tree_nodes(leaves)
    return [merkle.range_hash(start, end, nodes.__getitem__) for start, end in ranges]


def test_empty_tree_root_is_sha256_of_nothing():
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.CompactRange().root() == merkle.EMPTY_ROOT


def test_leaf_and_node_hashes_match_ct_vectors():
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert merkle.leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert merkle.node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


def test_leaf_hash_differs_from_node_hash_of_the_same_bytes():
    left, right = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.leaf_hash(left + right) != merkle.node_hash(left, right)


@pytest.mark.parametrize("size", sorted(ROOTS))
def test_root_of_first_n_vector_leaves_matches_ct_vectors(size):
    tree = merkle.CompactRange()
    for leaf in leaf_hashes(size):
        tree.append(leaf)
    assert tree.root().hex() == ROOTS[size]
    assert naive.mth(LEAVES[:size]).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION))
def test_inclusion_proof_matches_ct_vectors_and_verifies(index, size):
    proof = proof_from_nodes(merkle.inclusion_ranges(index, size), LEAVES[:size])
    assert [h.hex() for h in proof] == INCLUSION[index, size]
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(index, size, merkle.leaf_hash(LEAVES[index]), proof, root)


@pytest.mark.parametrize(("first", "second"), sorted(CONSISTENCY))
def test_consistency_proof_matches_ct_vectors_and_verifies(first, second):
    proof = proof_from_nodes(merkle.consistency_ranges(first, second), LEAVES[:second])
    assert [h.hex() for h in proof] == CONSISTENCY[first, second]
    assert merkle.verify_consistency(
        first, second, bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second]), proof
    )


def _inclusion_case(index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
    leaf = merkle.leaf_hash(LEAVES[index])
    return leaf, naive.path(index, LEAVES[:size]), bytes.fromhex(ROOTS[size])


@pytest.mark.parametrize(
    ("mutation", "case"),
    [
        ("wrong index", lambda leaf, p, root: (6, 8, leaf, p, root)),
        ("index equals size", lambda leaf, p, root: (8, 8, leaf, p, root)),
        ("wrong size", lambda leaf, p, root: (5, 6, leaf, p, root)),
        ("wrong leaf", lambda leaf, p, root: (5, 8, merkle.leaf_hash(b"x"), p, root)),
        ("wrong root", lambda leaf, p, root: (5, 8, leaf, p, merkle.EMPTY_ROOT)),
        ("proof truncated", lambda leaf, p, root: (5, 8, leaf, p[:-1], root)),
        ("proof extended", lambda leaf, p, root: (5, 8, leaf, [*p, p[-1]], root)),
        ("hash flipped", lambda leaf, p, root: (5, 8, leaf, [p[0], bytes(32), p[2]], root)),
        ("short hash", lambda leaf, p, root: (5, 8, leaf, [p[0][:31], p[1], p[2]], root)),
        ("empty leaf hash", lambda leaf, p, root: (5, 8, b"", p, root)),
        ("empty root", lambda leaf, p, root: (5, 8, leaf, p, b"")),
        ("proof reversed", lambda leaf, p, root: (5, 8, leaf, p[::-1], root)),
    ],
)
def test_inclusion_verification_rejects_tampered_input(mutation, case):
    leaf, proof, root = _inclusion_case(5, 8)
    assert merkle.verify_inclusion(5, 8, leaf, proof, root)
    assert not merkle.verify_inclusion(*case(leaf, proof, root)), mutation


@pytest.mark.parametrize(
    ("mutation", "case"),
    [
        ("from empty tree", lambda r1, r2, p: (0, 8, merkle.EMPTY_ROOT, r2, p)),
        ("first after second", lambda r1, r2, p: (8, 6, r2, r1, p)),
        ("wrong first size", lambda r1, r2, p: (5, 8, r1, r2, p)),
        ("wrong second size", lambda r1, r2, p: (6, 9, r1, r2, p)),
        ("wrong first root", lambda r1, r2, p: (6, 8, r2, r2, p)),
        ("wrong second root", lambda r1, r2, p: (6, 8, r1, r1, p)),
        ("empty proof", lambda r1, r2, p: (6, 8, r1, r2, [])),
        ("proof truncated", lambda r1, r2, p: (6, 8, r1, r2, p[:-1])),
        ("proof extended", lambda r1, r2, p: (6, 8, r1, r2, [*p, p[0]])),
        ("hash flipped", lambda r1, r2, p: (6, 8, r1, r2, [p[0], bytes(32), p[2]])),
        ("short hash", lambda r1, r2, p: (6, 8, r1, r2, [p[0], p[1], p[2][:16]])),
        ("equal sizes with a proof", lambda r1, r2, p: (8, 8, r2, r2, p)),
        ("equal sizes, different roots", lambda r1, r2, p: (8, 8, r1, r2, [])),
    ],
)
def test_consistency_verification_rejects_tampered_input(mutation, case):
    first_root, second_root = bytes.fromhex(ROOTS[6]), bytes.fromhex(ROOTS[8])
    proof = naive.proof(6, LEAVES)
    assert merkle.verify_consistency(6, 8, first_root, second_root, proof)
    assert not merkle.verify_consistency(*case(first_root, second_root, proof)), mutation


def test_equal_sizes_are_consistent_with_an_empty_proof():
    root = bytes.fromhex(ROOTS[8])
    assert merkle.consistency_ranges(8, 8) == []
    assert merkle.verify_consistency(8, 8, root, root, [])


@pytest.mark.parametrize(("index", "size"), [(-1, 3), (3, 3), (0, 0)])
def test_inclusion_ranges_reject_a_leaf_outside_the_tree(index, size):
    with pytest.raises(ValueError, match="index"):
        merkle.inclusion_ranges(index, size)


@pytest.mark.parametrize(("first", "second"), [(0, 3), (4, 3), (-1, 2)])
def test_consistency_ranges_reject_impossible_sizes(first, second):
    with pytest.raises(ValueError, match="sizes"):
        merkle.consistency_ranges(first, second)


MAX_SIZE = 40
DATA = [b"entry-%d" % i for i in range(MAX_SIZE)]


def test_every_inclusion_proof_up_to_size_40_equals_the_naive_path_and_verifies():
    checked = 0
    for size in range(1, MAX_SIZE + 1):
        root = naive.mth(DATA[:size])
        other_root = naive.mth([*DATA[:size], b"one more"])
        nodes = tree_nodes(DATA[:size])
        for index in range(size):
            ranges = merkle.inclusion_ranges(index, size)
            proof = [merkle.range_hash(s, e, nodes.__getitem__) for s, e in ranges]
            assert proof == naive.path(index, DATA[:size]), (index, size)
            leaf = merkle.leaf_hash(DATA[index])
            assert merkle.verify_inclusion(index, size, leaf, proof, root)
            other_leaf = merkle.leaf_hash(b"not-" + DATA[index])
            assert not merkle.verify_inclusion(index, size, other_leaf, proof, root)
            assert not merkle.verify_inclusion(index, size, leaf, proof, other_root)
            if proof:
                assert not merkle.verify_inclusion(index, size, leaf, proof[:-1], root)
            checked += 1
    assert checked == MAX_SIZE * (MAX_SIZE + 1) // 2


def test_every_consistency_proof_up_to_size_40_equals_the_naive_proof_and_verifies():
    roots = [naive.mth(DATA[:n]) for n in range(MAX_SIZE + 1)]
    for second in range(1, MAX_SIZE + 1):
        nodes = tree_nodes(DATA[:second])
        for first in range(1, second + 1):
            ranges = merkle.consistency_ranges(first, second)
            proof = [merkle.range_hash(s, e, nodes.__getitem__) for s, e in ranges]
            assert proof == naive.proof(first, DATA[:second]), (first, second)
            assert merkle.verify_consistency(first, second, roots[first], roots[second], proof)
            if first < second:
                other = roots[first - 1] if first > 1 else roots[second]
                assert not merkle.verify_consistency(first, second, other, roots[second], proof)
                assert not merkle.verify_consistency(
                    first, second, roots[first], roots[second - 1], proof
                )


def test_compact_range_emits_every_perfect_subtree_once_and_tracks_the_root():
    tree = merkle.CompactRange()
    born: dict[tuple[int, int], bytes] = {}
    for size in range(1, MAX_SIZE + 1):
        for level, index, digest in tree.append(merkle.leaf_hash(DATA[size - 1])):
            assert (level, index) not in born
            born[level, index] = digest
        assert tree.root() == naive.mth(DATA[:size])
        restored = merkle.CompactRange.from_bytes(size, tree.to_bytes())
        assert restored.root() == tree.root()
    assert born == tree_nodes(DATA)


def test_compact_range_refuses_hashes_that_do_not_fit_its_size():
    with pytest.raises(ValueError, match="popcount"):
        merkle.CompactRange(3, [merkle.EMPTY_ROOT])


def test_root_of_any_size_folds_popcount_stored_subtrees():
    nodes = tree_nodes(DATA)
    for size in range(MAX_SIZE + 1):
        assert len(merkle.perfect_nodes(0, size)) == size.bit_count()
        assert merkle.range_hash(0, size, nodes.__getitem__) == naive.mth(DATA[:size])
