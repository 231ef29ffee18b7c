"""The OpenAPI document: committed snapshot, explicit operation ids, problem+json errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from tinhso.core.testing import PROBLEM_JSON, openapi

SNAPSHOT = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"
REFRESH = (
    "tinhso export_openapi_schema --api tinhso.api.api --indent 2 --sorted "
    "--output docs/api/openapi.json"
)


def test_committed_openapi_snapshot_matches_the_code() -> None:
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    generated = json.loads(json.dumps(openapi(), sort_keys=True))
    assert committed == generated, f"The API changed: refresh the snapshot with `{REFRESH}`"


def test_every_operation_has_an_explicit_id_and_summary() -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, operations in openapi()["paths"].items()
        for method, operation in operations.items()
        if not operation.get("operationId")
        or not operation.get("summary")
        or operation["operationId"].startswith("tinhso_")  # ninja's generated fallback
    ]
    assert not missing


def test_operation_ids_are_unique() -> None:
    ids = [op["operationId"] for ops in openapi()["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/directory/units?as_of=not-a-date", 422),
        ("/api/v1/directory/units/99999?as_of=2025-07-01", 404),
        ("/api/v1/ledger/proof/inclusion?index=5&size=1", 400),
        ("/api/v1/auth/me", 401),
        ("/api/v1/no-such-thing", 404),
        ("/api/v1/people/abc", 404),
        ("/api/v2/directory/units", 404),
    ],
)
def test_api_errors_are_problem_json(client: Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["status"] == status
    assert body["title"]


def test_openapi_document_and_docs_page_are_served(client: Client) -> None:
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "tinhso API"
    assert client.get("/api/v1/docs").status_code == 200


def test_every_operation_documents_its_errors_as_problem_json() -> None:
    undocumented = [
        f"{method.upper()} {path} {status}"
        for path, operations in openapi()["paths"].items()
        for method, operation in operations.items()
        for status in ("401", "403", "404", "422")
        if PROBLEM_JSON not in operation["responses"].get(status, {}).get("content", {})
    ]
    assert not undocumented
