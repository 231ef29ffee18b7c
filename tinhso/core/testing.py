"""Test helpers shared by every app: API contract checks against our own OpenAPI document."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from django.http import HttpResponse
from jsonschema import Draft202012Validator

PROBLEM_JSON = "application/problem+json"


@cache
def openapi() -> dict[str, Any]:
    """Return the OpenAPI document the running code serves (not the committed snapshot)."""
    from django.test import Client

    document: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return document


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """Find the documented operation whose path template matches a concrete request path."""
    bare = path.split("?", 1)[0]
    for template, operations in openapi()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, bare) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {bare} is not in the OpenAPI document")


def assert_matches_openapi(response: HttpResponse, method: str, path: str) -> Any:
    """Assert that a response is documented and its body matches the documented schema.

    Errors (4xx/5xx) must be ``application/problem+json`` with ``title`` and ``status``, and
    documented like any other response.
    Returns the decoded body.
    """
    template, operation = _operation(method, path)
    body: Any = json.loads(response.content) if response.content else None
    status = response.status_code
    if status >= 400:
        assert response["Content-Type"].startswith(PROBLEM_JSON), (
            f"{method} {template} returned {status} as {response['Content-Type']}"
        )
    documented = operation["responses"].get(str(status))
    assert documented is not None, f"{method} {template}: {status} not documented"
    content = documented.get("content", {})
    schema = (content.get(PROBLEM_JSON) or content.get("application/json") or {}).get("schema")
    if schema is not None:
        root = {**schema, "components": openapi().get("components", {})}
        errors = sorted(Draft202012Validator(root).iter_errors(body), key=str)
        assert not errors, f"{method} {template}: " + "; ".join(e.message for e in errors[:5])
    if status >= 400:
        assert body["status"] == status and body["title"]
    return body
