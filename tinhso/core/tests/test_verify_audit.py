"""``tinhso verify-audit`` passes an intact ledger and reports any edited, deleted or moved row."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tinhso.core.ledger import merkle, signing
from tinhso.core.management.commands.verify_audit import Command
from tinhso.core.models import AuditEntry, LedgerHead, LedgerNode
from tinhso.core.tests.factories import append_drafts, write_entries

pytestmark = pytest.mark.django_db


def verify(**options: object) -> str:
    out = StringIO()
    call_command("verify_audit", "--no-progress", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as caught:
        verify()
    assert caught.value.returncode == 1
    return str(caught.value)


@pytest.fixture
def entries() -> list[AuditEntry]:
    """Twelve entries: seven single writes and a batch of five."""
    written = write_entries(7)
    append_drafts(5)
    return written


def test_intact_ledger_passes_and_names_its_root(entries):
    out = verify(chunk_size=3)
    assert "audit ledger intact" in out
    assert "12" in out
    assert LedgerHead.objects.get().root_hash.hex() in out


def test_empty_ledger_passes():
    assert "audit ledger intact" in verify()


def test_help_explains_the_command():
    text = Command().create_parser("tinhso", "verify_audit").format_help()
    assert "--chunk-size" in text
    assert "first bad leaf" in text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("action", "test.group.delete"),
        ("actor_id", 99),
        ("actor_label", "mallory"),
        ("object_id", "42"),
        ("object_repr", "something else"),
        ("changes", {"name": ["a", "b"]}),
        ("ip_address", "10.0.0.1"),
        ("client", "forged-agent"),
        ("batch_count", 7),
        ("salt", "00" * 16),
    ],
)
def test_editing_any_field_of_an_entry_is_reported_at_its_index(entries, field, value):
    AuditEntry.objects.filter(leaf_index=4).update(**{field: value})
    report = verify_fails()
    assert "TAMPERING DETECTED" in report
    assert "first bad index): 4" in report
    assert "leaf hash mismatch" in report


def test_backdating_an_entry_is_reported(entries):
    AuditEntry.objects.filter(leaf_index=0).update(created_at=timezone.now())
    assert "first bad index): 0" in verify_fails()


def test_deleting_an_entry_is_reported_at_its_index(entries):
    AuditEntry.objects.filter(leaf_index=5).delete()
    report = verify_fails()
    assert "first bad index): 5" in report
    assert "entry missing" in report


def test_deleting_the_newest_entry_is_reported(entries):
    AuditEntry.objects.filter(leaf_index=11).delete()
    assert "first bad index): 11" in verify_fails()


def test_swapping_the_contents_of_two_entries_is_reported(entries):
    columns = ["action", "object_id", "object_repr", "changes", "batch_count", "created_at"]
    first, second = (AuditEntry.objects.get(leaf_index=i) for i in (2, 3))
    for entry, other in ((first, second), (second, first)):
        AuditEntry.objects.filter(pk=entry.pk).update(**{c: getattr(other, c) for c in columns})
    report = verify_fails()
    assert "first bad index): 2" in report
    assert report.count("leaf hash mismatch") == 2


def test_swapping_the_leaf_indices_of_two_entries_is_reported(entries):
    first, second = (AuditEntry.objects.get(leaf_index=i) for i in (8, 9))
    AuditEntry.objects.filter(pk=first.pk).update(leaf_index=-1)
    AuditEntry.objects.filter(pk=second.pk).update(leaf_index=8)
    AuditEntry.objects.filter(pk=first.pk).update(leaf_index=9)
    assert "first bad index): 8" in verify_fails()


def test_an_entry_slipped_in_outside_the_sequencer_is_reported(entries):
    row = AuditEntry.objects.get(leaf_index=1)
    row.pk = None
    row.leaf_index = 12
    row.save()
    report = verify_fails()
    assert "first bad index): 12" in report
    assert "entry outside the signed tree" in report


def test_an_entry_moved_far_beyond_the_tree_is_reported_without_scanning_the_gap(entries):
    AuditEntry.objects.filter(leaf_index=3).update(leaf_index=10**15)
    report = verify_fails()
    assert "first bad index): 3" in report
    assert "entry missing" in report
    assert "entry outside the signed tree" in report


def test_rewriting_a_stored_leaf_hash_is_reported(entries):
    LedgerNode.objects.filter(level=0, index=6).update(digest=merkle.leaf_hash(b"forged"))
    report = verify_fails()
    assert "first bad index): 6" in report


def test_rewriting_an_inner_node_is_reported(entries):
    LedgerNode.objects.filter(level=2, index=1).update(digest=bytes(32))
    report = verify_fails()
    assert "node altered" in report
    assert "first bad index): 4" in report


def test_rewriting_the_signed_root_breaks_the_signature(entries):
    LedgerHead.objects.update(root_hash=bytes(32))
    report = verify_fails()
    assert "tree head signature is invalid" in report
    assert "recomputed root ≠ signed root" in report


def test_a_head_signed_with_another_key_is_reported(entries, settings):
    head = LedgerHead.objects.get()
    settings.TINHSO_LEDGER_SIGNING_KEY = "11" * 32
    forged = signing.sign_tree_head(head.timestamp_ms, head.size, bytes(head.root_hash))
    settings.TINHSO_LEDGER_SIGNING_KEY = bytes(range(32)).hex()
    LedgerHead.objects.update(signature=forged)
    assert "tree head signature is invalid" in verify_fails()


def test_an_edited_entry_is_not_blamed_on_the_frontier(entries):
    AuditEntry.objects.filter(leaf_index=10).update(action="test.forged")
    report = verify_fails()
    assert "TAMPERING DETECTED): 2 " in report
    assert "frontier" not in report


def test_rewriting_the_frontier_is_reported(entries):
    LedgerHead.objects.update(frontier=bytes(64))
    assert "stored frontier differs" in verify_fails()


def test_chunk_size_must_be_positive():
    with pytest.raises(CommandError, match="chunk-size"):
        verify(chunk_size=0)
