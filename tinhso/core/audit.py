"""Record writes in the audit ledger. Every function in an ``actions.py`` calls ``record_write``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from tinhso.core import context, ledger
from tinhso.core.ledger import EntryDraft
from tinhso.core.models import AuditEntry


def prepare_entry(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    batch_count: int | None = None,
    created_at: datetime | None = None,
) -> EntryDraft:
    """Describe one write for the ledger: who, what, on which object, from where.

    The origin (IP address, client) comes from the current request context. Use it with
    ``tinhso.core.ledger.append_batch`` to audit many writes at once.
    """
    meta = context.current()
    return EntryDraft(
        actor_id=getattr(actor, "pk", None),
        actor_label=getattr(actor, "username", "") or ("system" if actor is None else str(actor)),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target) if target is not None else "",
        changes=changes or {},
        ip_address=meta.ip_address,
        client=meta.client,
        batch_count=batch_count,
        created_at=created_at or timezone.now(),
    )


def record_write(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    batch_count: int | None = None,
) -> AuditEntry:
    """Append one entry to the audit ledger inside the caller's transaction.

    ``actor`` is a user (or None for the system); ``action`` a dotted verb such as
    ``directory.unit.create``; ``changes`` maps field names to ``[old, new]`` (JSON-able; dates
    and decimals become strings); bulk machine data is audited once per batch with
    ``batch_count`` rows. Call it after the action's own writes: it locks the ledger's sequencer
    until the transaction commits, which keeps leaf indices in commit order.
    """
    return ledger.append_entry(
        prepare_entry(
            actor=actor, action=action, target=target, changes=changes, batch_count=batch_count
        )
    )
