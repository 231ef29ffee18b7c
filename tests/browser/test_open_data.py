"""A citizen finds air-quality data without typing accents, previews it and downloads the CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.opendata import actions
from tinhso.opendata.datastore.loader import load_resource
from tinhso.opendata.models import Dataset, Resource
from tinhso.opendata.tests.factories import build_opendata, make_dataset

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
CSV_BYTES = (
    "Trạm,Ngày,PM2.5 (µg/m³),AQI\n"
    "Phường Bắc Giang,01/03/2025,41.5,112\n"
    "Xã Tuấn Đạo,01/03/2025,28.0,85\n"
    "Phường Việt Yên,01/03/2025,55.2,151\n"
).encode()


@pytest.fixture
def air(transactional_db: None, settings: Any, tmp_path: Path) -> tuple[Dataset, Resource]:
    settings.MEDIA_ROOT = tmp_path / "media"
    od = build_opendata()
    make_dataset(od.so, "Ngân sách địa phương năm 2024")
    dataset = make_dataset(
        od.phuong,
        "Chất lượng không khí phường Bắc Giang năm 2025",
        notes="Chỉ số chất lượng không khí (AQI) và bụi mịn PM2.5 hằng ngày.",
        tags=["môi trường", "không khí"],
        themes=["moi-truong"],
    )
    resource = actions.create_resource(
        dataset,
        {"name": "Quan trắc tháng 3/2025", "format": ""},
        actor=None,
        upload=SimpleUploadedFile("khong-khi-2025-03.csv", CSV_BYTES, "text/csv"),
    )
    table = load_resource(str(resource.pk))
    assert table.row_count == 3
    return dataset, resource


def test_citizen_searches_previews_and_downloads_on_a_phone(
    live_server: Any, page: Any, air: tuple[Dataset, Resource]
) -> None:
    dataset, _resource = air
    base = live_server.url
    page.set_viewport_size(PHONE)

    page.goto(f"{base}/dataset/")
    page.fill("#id_q", "chat luong khong khi")
    page.press("#id_q", "Enter")
    # htmx swaps the results in and puts the search in the address bar.
    page.wait_for_url(lambda url: "q=chat" in url)
    results = page.locator(".od-item-title")
    assert results.all_inner_texts() == ["Chất lượng không khí phường Bắc Giang năm 2025"]

    # The live server shares SQLite's in-memory database with the test, locking its tables while
    # either side uses them: the test reads only once the page's view beacon has been answered.
    with page.expect_response(lambda r: r.url.endswith("/xem")) as beacon:
        results.first.click()
    assert beacon.value.status == 204
    page.wait_for_url(f"{base}/dataset/{dataset.name}")
    table = page.locator("#od-preview-table")
    assert table.locator("tbody tr").count() == 3
    assert "Phường Việt Yên" in table.inner_text()
    assert page.locator(".od-chart svg rect.od-chart-bar").count() == 3
    # Nothing on the phone-sized page is wider than the screen (the table scrolls in its box).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_download() as download_info:
        page.click("a.od-download")
    download = download_info.value
    assert download.suggested_filename == "khong-khi-2025-03.csv"
    assert Path(download.path()).read_bytes() == CSV_BYTES

    dataset.refresh_from_db()
    assert dataset.download_count == 1
    # The page's beacon counted the visit.
    assert dataset.view_count == 1
