"""Record writes in the audit ledger. Every function in an ``actions.py`` calls ``record_write``."""

from __future__ import annotations

from typing import Any

from django.db import models

from tinhso.core import context
from tinhso.core.models import AuditEntry


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
    ``directory.unit.create``; ``changes`` maps field names to ``[old, new]``; bulk machine data
    is audited once per batch with ``batch_count`` rows.
    """
    meta = context.current()
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_label=getattr(actor, "username", "") or ("system" if actor is None else str(actor)),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        changes=changes or {},
        ip_address=meta.ip_address,
        client=meta.client,
        batch_count=batch_count,
    )
