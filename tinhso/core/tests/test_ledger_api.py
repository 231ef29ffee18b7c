"""The public ledger API: hashes only, RFC 9162 proofs, signed checkpoints, problem+json errors."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tinhso.core.ledger import merkle, signing
from tinhso.core.testing import PROBLEM_JSON, assert_matches_openapi
from tinhso.core.tests import naive_merkle as naive
from tinhso.core.tests.factories import append_drafts, write_entries
from tinhso.core.tests.test_ledger import stored_leaf_data

pytestmark = pytest.mark.django_db

BASE = "/api/v1/ledger"


def get(client, path: str) -> dict:
    response = client.get(BASE + path)
    assert response.status_code == 200, response.content
    return assert_matches_openapi(response, "GET", BASE + path)


def verified_checkpoint(client) -> dict:
    """Fetch the checkpoint and check its signature with the key the API publishes."""
    checkpoint = get(client, "/checkpoint")
    key = bytes.fromhex(get(client, "/public-key")["public_key"])
    message = signing.tree_head_message(
        checkpoint["timestamp"], checkpoint["size"], bytes.fromhex(checkpoint["root_hash"])
    )
    Ed25519PublicKey.from_public_bytes(key).verify(bytes.fromhex(checkpoint["signature"]), message)
    return checkpoint


def test_checkpoint_is_signed_by_the_published_key(client, ledger_signing_key):
    write_entries(3)
    checkpoint = verified_checkpoint(client)
    assert checkpoint["size"] == 3
    assert checkpoint["root_hash"] == naive.mth(stored_leaf_data()).hex()
    published = get(client, "/public-key")
    assert published["algorithm"] == "Ed25519"
    assert "BEGIN PUBLIC KEY" in published["public_key_pem"]
    assert "u64be(timestamp_ms)" in published["signed_message"]


def test_empty_ledger_publishes_the_signed_empty_root(client):
    checkpoint = verified_checkpoint(client)
    assert checkpoint["size"] == 0
    assert checkpoint["root_hash"] == merkle.EMPTY_ROOT.hex()


def test_checkpoint_reads_one_row(client, django_assert_num_queries):
    write_entries(2)
    with django_assert_num_queries(1):
        client.get(BASE + "/checkpoint")


def test_leaves_are_paged_and_capped_at_a_thousand(client, django_assert_num_queries):
    append_drafts(1005)
    with django_assert_num_queries(1):
        page = get(client, "/leaves")["leaves"]
    assert [leaf["index"] for leaf in page] == list(range(1000))
    rest = get(client, "/leaves?start=1000&end=5000")["leaves"]
    assert [leaf["index"] for leaf in rest] == list(range(1000, 1005))
    assert get(client, "/leaves?start=2000")["leaves"] == []
    data = stored_leaf_data()
    assert page[17]["leaf_hash"] == merkle.leaf_hash(data[17]).hex()


def test_leaves_carry_no_entry_content(client):
    write_entries(1)
    (leaf,) = get(client, "/leaves?start=0&end=1")["leaves"]
    assert set(leaf) == {"index", "leaf_hash"}


def test_inclusion_proofs_verify_against_the_signed_checkpoint(client, django_assert_num_queries):
    write_entries(5)
    append_drafts(16)
    checkpoint = verified_checkpoint(client)
    size, root = checkpoint["size"], bytes.fromhex(checkpoint["root_hash"])
    data = stored_leaf_data()
    for index in range(size):
        with django_assert_num_queries(1):
            body = get(client, f"/proof/inclusion?index={index}&size={size}")
        assert (body["index"], body["size"]) == (index, size)
        proof = [bytes.fromhex(h) for h in body["hashes"]]
        assert proof == naive.path(index, data)
        assert merkle.verify_inclusion(index, size, merkle.leaf_hash(data[index]), proof, root)


def test_consistency_proof_links_an_old_checkpoint_to_the_new_one(
    client, django_assert_num_queries
):
    write_entries(6)
    old = verified_checkpoint(client)
    append_drafts(11)
    new = verified_checkpoint(client)
    path = f"/proof/consistency?first={old['size']}&second={new['size']}"
    with django_assert_num_queries(1):
        body = get(client, path)
    proof = [bytes.fromhex(h) for h in body["hashes"]]
    assert proof == naive.proof(old["size"], stored_leaf_data())
    assert merkle.verify_consistency(
        old["size"],
        new["size"],
        bytes.fromhex(old["root_hash"]),
        bytes.fromhex(new["root_hash"]),
        proof,
    )
    same = get(client, f"/proof/consistency?first={new['size']}&second={new['size']}")
    assert same["hashes"] == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/proof/inclusion?index=4&size=4", 400),
        ("/proof/inclusion?index=0&size=5", 404),
        ("/proof/inclusion?index=-1&size=4", 422),
        ("/proof/inclusion?index=x&size=4", 422),
        ("/proof/inclusion?size=4", 422),
        ("/proof/inclusion?index=0&size=0", 422),
        ("/proof/inclusion?index=0&size=99999999999999999999999", 422),
        ("/proof/consistency?first=0&second=4", 422),
        ("/proof/consistency?first=3&second=2", 400),
        ("/proof/consistency?first=2&second=5", 404),
        ("/proof/consistency?first=2", 422),
        ("/leaves?start=3&end=3", 400),
        ("/leaves?start=-1", 422),
        ("/leaves?start=99999999999999999999999", 422),
    ],
)
def test_bad_parameters_get_problem_json_not_a_server_error(client, path, status):
    write_entries(4)
    response = client.get(BASE + path)
    assert response.status_code == status
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = assert_matches_openapi(response, "GET", BASE + path)
    assert body["status"] == status
