"""Writes of the core app; each is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tinhso.core.audit import record_write
from tinhso.core.tasks import verify_ledger_in_background


def request_ledger_verification(*, actor: Any) -> str:
    """Queue a full recomputation of the audit ledger; return the task's result id.

    The request itself is audited, so the ledger records who asked for its own check.
    """
    with transaction.atomic():
        result = verify_ledger_in_background.enqueue()
        record_write(
            actor=actor, action="core.ledger.verify_requested", changes={"task": result.id}
        )
    return result.id
