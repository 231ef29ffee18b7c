"""The web shell: Vietnamese by default, English on request, no CDN, strict headers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tinhso.core import registry

pytestmark = pytest.mark.django_db


def test_home_page_is_vietnamese_by_default_with_lang_attribute(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Các hệ thống của Nghị quyết 111-NQ/TU" in html


def test_language_switch_serves_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html


def test_pages_load_assets_only_from_our_own_origin(client: Client) -> None:
    html = client.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "expected asset references"
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert "/static/vendor/htmx-2.0.8/htmx.min.js" in html


def test_pages_send_security_headers(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_home_shows_registered_tiles(client: Client) -> None:
    registry.register_tile(registry.Tile(key="zz-test", title="Ô thử nghiệm", value=lambda: 1234))
    try:
        html = client.get("/").content.decode()
    finally:
        registry._tiles.pop("zz-test")
    assert 'data-tile="zz-test"' in html
    assert "1.234" in html  # Vietnamese thousands separator


def test_browser_language_alone_does_not_switch_away_from_vietnamese(client: Client) -> None:
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in html


def test_home_page_costs_one_query_per_tile(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    tiles = len(registry.tiles())
    with django_assert_max_num_queries(tiles + 2):  # + session and language lookups at most
        assert client.get("/").status_code == 200
