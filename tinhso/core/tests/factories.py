"""Explicit test data for the audit ledger."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from tinhso.core import audit, ledger
from tinhso.core.models import AuditEntry


def write_entries(count: int) -> list[AuditEntry]:
    """Record ``count`` varied writes through ``record_write``, one entry each."""
    group, _ = Group.objects.get_or_create(name="Phòng Tư pháp huyện Lục Ngạn")
    entries = []
    for i in range(count):
        entries.append(
            audit.record_write(
                actor=None,
                action="test.group.rename" if i % 2 else "test.group.create",
                target=group if i % 3 else None,
                changes={
                    "name": [f"Phòng {i}", f"Phòng {i + 1}"],
                    "score": [i / 4, 1e20],
                    "fee": Decimal("12.50"),
                    "due": timezone.now().date(),
                },
                batch_count=i if i % 5 == 0 else None,
            )
        )
    return entries


def append_drafts(count: int, *, action: str = "test.sensor.batch") -> range:
    """Append ``count`` entries in one batch through ``ledger.append_batch``."""
    drafts = [
        audit.prepare_entry(actor=None, action=action, changes={"reading": i}, batch_count=100)
        for i in range(count)
    ]
    return ledger.append_batch(drafts)
