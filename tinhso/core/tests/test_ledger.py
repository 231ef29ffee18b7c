"""The audit ledger in the database: sequencing, stored nodes, proofs, signed heads and keys."""

from __future__ import annotations

import stat
import threading
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from tinhso.core import audit, context, ledger
from tinhso.core.ledger import EntryDraft, merkle, signing
from tinhso.core.ledger.entries import CONTENT_FIELDS, leaf_data
from tinhso.core.ledger.verify import verify_ledger
from tinhso.core.models import AuditEntry, LedgerHead, LedgerNode
from tinhso.core.tests import naive_merkle as naive
from tinhso.core.tests.conftest import TEST_SEED
from tinhso.core.tests.factories import append_drafts, write_entries

pytestmark = pytest.mark.django_db


def stored_leaf_data() -> list[bytes]:
    """The canonical bytes of every entry, in leaf order, read back from the database."""
    rows = AuditEntry.objects.order_by("leaf_index").values(
        "id", "leaf_index", "salt", *CONTENT_FIELDS
    )
    return [
        leaf_data(row, entry_id=row["id"], index=row["leaf_index"], salt=row["salt"])
        for row in rows
    ]


def test_record_write_gives_each_entry_the_next_leaf_index():
    entries = write_entries(5)
    assert [e.leaf_index for e in entries] == [0, 1, 2, 3, 4]
    assert ledger.tree_size() == 5
    assert LedgerNode.objects.filter(level=0).count() == 5


def test_record_write_takes_four_queries_once_the_ledger_exists(django_assert_num_queries):
    write_entries(1)
    with django_assert_num_queries(4):
        audit.record_write(actor=None, action="test.noop")


def test_rolled_back_write_leaves_no_entry_and_no_leaf():
    write_entries(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record_write(actor=None, action="test.doomed")
        raise RuntimeError("the action failed after auditing")
    assert ledger.tree_size() == 2
    assert AuditEntry.objects.count() == 2
    assert audit.record_write(actor=None, action="test.next").leaf_index == 2
    assert verify_ledger().ok


def test_stored_root_equals_naive_root_of_the_entries_as_read_back():
    write_entries(7)
    append_drafts(6)
    checkpoint = ledger.latest_checkpoint()
    assert checkpoint.size == 13
    assert checkpoint.root_hash == naive.mth(stored_leaf_data())


def test_changes_are_stored_as_plain_json_and_survive_the_round_trip():
    entry = write_entries(1)[0]
    stored = AuditEntry.objects.get(pk=entry.pk).changes
    assert stored["fee"] == "12.50"
    assert stored["score"] == [0, 100000000000000000000]
    assert isinstance(stored["due"], str)
    assert verify_ledger().ok


def test_request_origin_is_recorded_and_normalised():
    token = context.set_meta(context.RequestMeta(ip_address="2001:DB8::0:1", client="curl/8"))
    try:
        entry = audit.record_write(actor=None, action="test.origin")
    finally:
        context.reset(token)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.ip_address == "2001:db8::1"
    assert stored.client == "curl/8"
    assert stored.actor_label == "system"
    assert verify_ledger().ok


@pytest.mark.parametrize("given", ["203.113.0.7", "::ffff:1.2.3.4", "fe80::1", "not-an-ip", ""])
def test_any_client_address_survives_the_database_round_trip(given):
    token = context.set_meta(context.RequestMeta(ip_address=given))
    try:
        audit.record_write(actor=None, action="test.origin")
        ledger.append_batch([audit.prepare_entry(actor=None, action="test.origin.batch")])
    finally:
        context.reset(token)
    assert verify_ledger().ok


def test_overlong_text_is_cut_to_the_column_before_hashing():
    entry = audit.record_write(actor="x" * 400, action="a" * 300)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (len(stored.actor_label), len(stored.action)) == (150, 100)
    assert verify_ledger().ok


def test_append_batch_assigns_contiguous_indices_after_single_writes():
    write_entries(3)
    indices = append_drafts(10)
    assert indices == range(3, 13)
    assert list(AuditEntry.objects.values_list("leaf_index", flat=True)) == list(range(13))
    assert ledger.append_batch([]) == range(13, 13)
    assert verify_ledger().ok


AWKWARD = [
    "tab\there",
    "line\nbreak\r\n",
    "back\\slash",
    "\\N",
    "\\.",
    '"quoted"',
    "Bắc Giang 🍒",
    "",
]


def test_append_batch_stores_awkward_text_exactly():
    drafts = [
        EntryDraft(
            action=f"test.awkward.{i}",
            actor_label=text,
            object_repr=text,
            client=text,
            changes={text: [text, 0.5, None, True]},
        )
        for i, text in enumerate(AWKWARD)
    ]
    ledger.append_batch(drafts)
    stored = AuditEntry.objects.order_by("leaf_index")
    assert [e.object_repr for e in stored] == AWKWARD
    assert [e.client for e in stored] == AWKWARD
    assert [e.changes for e in stored] == [{t: [t, 0.5, None, True]} for t in AWKWARD]
    assert verify_ledger().ok


def test_append_batch_needs_a_handful_of_queries_not_one_per_entry(
    django_assert_max_num_queries,
):
    append_drafts(1)
    with django_assert_max_num_queries(15):
        append_drafts(500)


def test_every_proof_from_the_database_matches_the_naive_recomputation():
    write_entries(9)
    append_drafts(24)
    data = stored_leaf_data()
    assert len(data) == 33
    for size in range(1, 34):
        root = naive.mth(data[:size])
        assert ledger.root_at(size) == root
        for index in range(size):
            proof = ledger.inclusion_proof(index, size)
            assert proof == naive.path(index, data[:size])
            assert merkle.verify_inclusion(index, size, merkle.leaf_hash(data[index]), proof, root)
        for first in range(1, size + 1):
            proof = ledger.consistency_proof(first, size)
            assert proof == naive.proof(first, data[:size])


def test_hand_written_sql_names_the_model_tables_and_columns():
    assert AuditEntry._meta.db_table == "core_auditentry"
    assert LedgerNode._meta.db_table == "core_ledgernode"
    assert LedgerHead._meta.db_table == "core_ledgerhead"
    assert [f.column for f in LedgerNode._meta.local_concrete_fields] == [
        "level",
        "index",
        "digest",
    ]
    assert (LedgerHead._meta.pk.column, LedgerHead._meta.get_field("size").column) == (
        "id",
        "size",
    )


def test_a_proof_is_read_in_one_query(django_assert_num_queries):
    write_entries(9)
    with django_assert_num_queries(1):
        ledger.inclusion_proof(3, 9)
    with django_assert_num_queries(1):
        ledger.consistency_proof(3, 9)
    with django_assert_num_queries(1):
        root = ledger.root_at(9)
    assert root == ledger.latest_checkpoint().root_hash


def test_proof_requests_outside_the_tree_are_refused():
    write_entries(4)
    with pytest.raises(ledger.InvalidRequest):
        ledger.inclusion_proof(4, 4)
    with pytest.raises(ledger.UnknownTreeSize):
        ledger.inclusion_proof(0, 5)
    with pytest.raises(ledger.InvalidRequest):
        ledger.consistency_proof(0, 4)
    with pytest.raises(ledger.InvalidRequest):
        ledger.consistency_proof(3, 2)
    with pytest.raises(ledger.UnknownTreeSize):
        ledger.consistency_proof(2, 5)


def test_missing_node_is_reported_as_corruption_not_a_wrong_proof():
    write_entries(4)
    LedgerNode.objects.filter(level=1, index=1).delete()
    with pytest.raises(ledger.LedgerCorrupt):
        ledger.inclusion_proof(0, 4)


def test_each_append_signs_a_head_with_a_strictly_later_timestamp(ledger_signing_key):
    times = []
    for _ in range(3):
        audit.record_write(actor=None, action="test.tick")
        head = ledger.latest_checkpoint()
        message = signing.tree_head_message(head.timestamp_ms, head.size, head.root_hash)
        ledger_signing_key.verify(head.signature, message)
        times.append(head.timestamp_ms)
    assert times == sorted(set(times))


def test_empty_ledger_has_a_signed_empty_root(ledger_signing_key):
    head = ledger.latest_checkpoint()
    assert (head.size, head.root_hash) == (0, merkle.EMPTY_ROOT)
    ledger_signing_key.verify(
        head.signature, signing.tree_head_message(head.timestamp_ms, 0, head.root_hash)
    )


def test_signed_message_is_the_rfc6962_tree_head_layout():
    message = signing.tree_head_message(0x0102, 0x0304, bytes(range(32)))
    assert message == bytes.fromhex("000100000000000001020000000000000304") + bytes(range(32))


def test_hex_and_base64_seeds_name_the_same_key():
    import base64

    assert signing.parse_seed(TEST_SEED.hex()) == TEST_SEED
    assert signing.parse_seed(base64.b64encode(TEST_SEED).decode()) == TEST_SEED
    assert signing.parse_seed(base64.urlsafe_b64encode(TEST_SEED).decode()) == TEST_SEED


@pytest.mark.parametrize("bad", ["abc", "00" * 31, "zz" * 32, "AAAA"])
def test_malformed_seed_is_refused(bad):
    with pytest.raises(ImproperlyConfigured, match="32-byte"):
        signing.parse_seed(bad)


def test_without_a_configured_key_dev_keeps_one_in_the_data_dir(settings, tmp_path):
    settings.TINHSO_LEDGER_SIGNING_KEY = ""
    settings.DATA_DIR = tmp_path
    first = signing.public_key_bytes()
    path = tmp_path / signing.KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing.public_key_bytes() == first


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_concurrent_postgresql_writers_get_gapless_indices_in_commit_order():
    audit.record_write(actor=None, action="test.first")
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for i in range(8):
                with transaction.atomic():
                    audit.record_write(actor=None, action=f"test.thread{number}.{i}")
                    time.sleep(0.002 * ((number + i) % 3))
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = list(AuditEntry.objects.order_by("leaf_index").values_list("leaf_index", "id"))
    assert [index for index, _ in rows] == list(range(33))
    assert [entry_id for _, entry_id in rows] == sorted(entry_id for _, entry_id in rows)
    assert LedgerHead.objects.get().size == 33
    assert verify_ledger().ok
