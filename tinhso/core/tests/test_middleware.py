"""Request plumbing: client addresses behind proxies, NUL characters refused at the door."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from tinhso.core.middleware import client_ip


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        # Not from a trusted proxy: the header is ignored, whatever it says.
        ("203.0.113.9", "198.51.100.1", [], "203.0.113.9"),
        # Behind our nginx: the right-most untrusted hop is the client; forged entries to its
        # left are ignored.
        ("127.0.0.1", "198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, 10.0.0.2", ["127.0.0.1", "10.0.0.2"], "198.51.100.1"),
        ("127.0.0.1", "", ["127.0.0.1"], "127.0.0.1"),
    ],
)
def test_client_address_looks_through_trusted_proxies_only(
    settings: Any, remote: str, forwarded: str, trusted: list[str], expected: str
) -> None:
    settings.TINHSO_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/directory/units?q=a%00b", "/api/v1/directory/units/%00", "/units/?q=%00"],
)
def test_nul_characters_are_refused_with_a_problem_document(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_nul_in_a_json_body_is_refused(client: Client) -> None:
    response = client.post(
        "/api/v1/auth/token",
        '{"username": "a\\u0000b", "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_wrong_method_on_an_api_path_is_a_problem_document(client: Client) -> None:
    response = client.delete("/api/v1/ledger/checkpoint")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 405
    assert "GET" in response["Allow"]
