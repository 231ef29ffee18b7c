"""The auditor's page: a background integrity check of the ledger, and a CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tinhso.accounts.tests.factories import World
from tinhso.core import context
from tinhso.core.audit import record_write
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def run_worker() -> None:
    """Run the real task worker once over every queue (the ledger check runs on ``ledger``).

    The worker closes the database connection when done, so tests that call it need
    ``transaction=True``: a connection wrapped in the test's transaction would be lost.
    """
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_auditor_queues_a_ledger_check_and_sees_it_pass(client: Client, world: World) -> None:
    record_write(actor=world["operator"], action="directory.unit.create", target=world.tuan_dao)
    client.force_login(world["auditor"])

    response = client.post("/accounts/audit/verify/")
    assert response.status_code == 302
    requested = AuditEntry.objects.get(action="core.ledger.verify_requested")
    assert requested.actor_label == "auditor"
    pending = client.get("/accounts/audit/verify/status/").content.decode()
    assert "Đang kiểm tra" in pending and 'hx-trigger="load delay:2s"' in pending

    run_worker()
    done = client.get("/accounts/audit/verify/status/").content.decode()
    assert "Toàn vẹn" in done
    assert "hx-trigger" not in done  # no more polling once finished


@pytest.mark.django_db(transaction=True)
def test_ledger_check_reports_a_tampered_entry(client: Client, world: World) -> None:
    entry = record_write(actor=world["operator"], action="accounts.role.grant")
    record_write(actor=world["operator"], action="accounts.role.revoke")
    AuditEntry.objects.filter(pk=entry.pk).update(action="accounts.role.revoke")
    client.force_login(world["auditor"])
    client.post("/accounts/audit/verify/")
    run_worker()
    page = client.get("/accounts/audit/").content.decode()
    assert "Phát hiện sai lệch" in page
    assert f"số {entry.leaf_index}" in page


@pytest.mark.parametrize("actor", ["officer_a", "leader_so", "citizen_a"])
def test_only_auditors_and_operators_may_request_a_ledger_check(
    client: Client, world: World, actor: str
) -> None:
    client.force_login(world[actor])
    assert client.post("/accounts/audit/verify/").status_code == 403
    assert not AuditEntry.objects.filter(action="core.ledger.verify_requested").exists()


def csv_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_audit_log_downloads_the_filtered_entries_as_csv(client: Client, world: World) -> None:
    record_write(actor=world["operator"], action="accounts.role.grant", target=world["citizen_a"])
    record_write(actor=world["operator"], action="directory.unit.create", target=world.tuan_dao)
    client.force_login(world["auditor"])

    response = client.get("/accounts/audit/", {"action": "directory", "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["action"] for row in rows] == ["directory.unit.create"]
    assert rows[0]["object_repr"] == str(world.tuan_dao)


@pytest.mark.parametrize(
    "client_label",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"],
)
def test_audit_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    client: Client, world: World, client_label: str
) -> None:
    token = context.set_meta(context.RequestMeta(ip_address="10.0.0.1", client=client_label))
    try:
        record_write(actor=world["operator"], action="directory.unit.create", target=world.tuan_dao)
    finally:
        context.reset(token)
    client.force_login(world["auditor"])

    rows = csv_rows(client.get("/accounts/audit/", {"format": "csv"}))

    assert [row["client"] for row in rows] == ["'" + client_label]
    assert rows[0]["action"] == "directory.unit.create"  # ordinary cells are left alone
