"""Reads of the core app shared by pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from tinhso.core.tasks import verify_ledger_in_background


@dataclass(frozen=True)
class LedgerVerification:
    """The state of a background ledger check, for the auditor's page."""

    result_id: str
    status: str
    finished: bool
    summary: dict[str, Any] = field(default_factory=dict)


def ledger_verification(result_id: str) -> LedgerVerification | None:
    """Return the state of the ledger check ``result_id``, or None if it is unknown."""
    try:
        result = verify_ledger_in_background.get_result(result_id)
    except TaskResultDoesNotExist:
        return None
    finished = result.status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}
    summary = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None
    return LedgerVerification(
        result_id=result_id,
        status=str(result.status),
        finished=finished,
        summary=summary or {},
    )
