"""Background work of the core app, run by ``tinhso worker`` through the Django tasks API."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from tinhso.core.ledger.verify import verify_ledger

FINDINGS_SHOWN = 10


@task(queue_name="ledger")
def verify_ledger_in_background() -> dict[str, Any]:
    """Recompute the whole audit ledger (as ``tinhso verify-audit`` does) and summarise it."""
    report = verify_ledger()
    return {
        "ok": report.ok,
        "size": report.size,
        "entries_checked": report.entries_checked,
        "nodes_checked": report.nodes_checked,
        "root_hash": report.computed_root.hex(),
        "first_bad_index": report.first_bad_index,
        "finding_count": report.finding_count,
        "findings": [finding.message for finding in report.findings[:FINDINGS_SHOWN]],
    }
