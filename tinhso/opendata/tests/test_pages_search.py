"""The citizens' search page ``/dataset/``: accents, facets, sort, pages, htmx, CSV export,
organisation and theme pages."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.opendata import page_views
from tinhso.opendata.models import Theme
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset

SEARCH = reverse("opendata:search")


def titles(response: Any) -> list[str]:
    """The dataset titles listed on a search page, in order."""
    html = response.content.decode()
    return re.findall(r'class="od-item-title" href="/dataset/[^"]+">([^<]+)</a>', html)


@pytest.fixture
def catalogue(od: OpenDataWorld) -> OpenDataWorld:
    make_dataset(
        od.phuong,
        "Chất lượng không khí phường Bắc Giang",
        tags=["môi trường"],
        themes=["moi-truong"],
    )
    budget = make_dataset(od.so, "Ngân sách địa phương năm 2024", tags=["ngân sách"])
    add_link(budget, "Dự toán", "CSV")
    make_dataset(od.so, "Danh sách trường học", tags=["giáo dục"])
    make_dataset(od.so, "Bản nháp chưa công bố về không khí", state="draft")
    return od


@pytest.mark.parametrize("q", ["chat luong khong khi", "Chất lượng không khí", "CHAT LUONG"])
def test_search_finds_the_dataset_with_or_without_accents(
    client: Client, catalogue: OpenDataWorld, q: str
) -> None:
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert titles(response) == ["Chất lượng không khí phường Bắc Giang"]
    assert "1 bộ dữ liệu" in response.content.decode()


def test_drafts_never_appear_in_public_search(client: Client, catalogue: OpenDataWorld) -> None:
    assert "Bản nháp chưa công bố về không khí" not in titles(client.get(SEARCH, {"q": "khi"}))


def test_facets_show_canonical_names_with_counts_and_toggle(
    client: Client, catalogue: OpenDataWorld
) -> None:
    html = client.get(SEARCH).content.decode()
    assert "Sở Khoa học và Công nghệ tỉnh Bắc Ninh" in html
    assert re.search(r"ngân sách</span> <span class=\"od-count\">1</span>", html)
    # Ticking the tag without accents narrows to the one dataset and shows it selected.
    selected = client.get(SEARCH, {"tags": "ngan sach"})
    assert titles(selected) == ["Ngân sách địa phương năm 2024"]
    assert 'aria-current="true"' in selected.content.decode()
    by_org = client.get(SEARCH, {"organization": "so-khcn"})
    assert sorted(titles(by_org)) == ["Danh sách trường học", "Ngân sách địa phương năm 2024"]
    by_format = client.get(SEARCH, {"res_format": "CSV"})
    assert titles(by_format) == ["Ngân sách địa phương năm 2024"]


def test_facet_link_removes_a_selected_value(client: Client, catalogue: OpenDataWorld) -> None:
    html = client.get(SEARCH, {"organization": "so-khcn", "page": "1"}).content.decode()
    # The chip to remove the filter leads back to no filter (and forgets the page).
    assert 'href="?"' in html


def test_sort_by_title_follows_vietnamese_order(client: Client, od: OpenDataWorld) -> None:
    for title in ("Yên Bái", "Đà Nẵng", "Bắc Giang", "Ba Vì", "An Giang"):
        make_dataset(od.so, title)
    response = client.get(SEARCH, {"sort": "title_string asc"})
    assert titles(response) == ["An Giang", "Ba Vì", "Bắc Giang", "Đà Nẵng", "Yên Bái"]


def test_sort_newest_first(client: Client, od: OpenDataWorld) -> None:
    for title in ("Thứ nhất", "Thứ hai", "Thứ ba"):
        make_dataset(od.so, title)
    response = client.get(SEARCH, {"sort": "metadata_modified desc"})
    assert titles(response) == ["Thứ ba", "Thứ hai", "Thứ nhất"]


def test_pages_of_twenty_and_a_page_past_the_end_shows_the_last(
    client: Client, od: OpenDataWorld
) -> None:
    for number in range(page_views.PAGE_SIZE + 3):
        make_dataset(od.so, f"Bộ số {number:02d}")
    first = client.get(SEARCH, {"sort": "title_string asc"})
    assert len(titles(first)) == page_views.PAGE_SIZE
    assert "Trang 1/2" in first.content.decode()
    second = client.get(SEARCH, {"sort": "title_string asc", "page": "2"})
    assert titles(second) == ["Bộ số 20", "Bộ số 21", "Bộ số 22"]
    assert titles(client.get(SEARCH, {"sort": "title_string asc", "page": "9"})) == titles(second)


def test_empty_search_says_so_and_offers_a_request(
    client: Client, catalogue: OpenDataWorld
) -> None:
    html = client.get(SEARCH, {"q": "khủng long"}).content.decode()
    assert "0 bộ dữ liệu" in html
    assert "Không tìm thấy bộ dữ liệu phù hợp" in html
    assert reverse("opendata:request-dataset") in html


def test_htmx_gets_the_results_only(client: Client, catalogue: OpenDataWorld) -> None:
    response = client.get(SEARCH, {"q": "ngan sach"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert titles(response) == ["Ngân sách địa phương năm 2024"]


def test_search_list_runs_a_fixed_number_of_queries(
    client: Client, od: OpenDataWorld, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        dataset = make_dataset(od.so, f"Số liệu {number}", tags=[f"thẻ {number}"])
        add_link(dataset)
    client.get(SEARCH)  # warm what is loaded once per process (translations, content types)
    with django_assert_max_num_queries(12):
        response = client.get(SEARCH, {"q": "so lieu"})
    assert len(titles(response)) == 15


def test_export_lists_the_search_as_csv(client: Client, catalogue: OpenDataWorld) -> None:
    response = client.get(reverse("opendata:search-export"), {"organization": "so-khcn"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["Tên định danh", "Tiêu đề"]
    assert sorted(row[1] for row in rows[1:]) == [
        "Danh sách trường học",
        "Ngân sách địa phương năm 2024",
    ]


def test_organization_page_is_its_search(client: Client, catalogue: OpenDataWorld) -> None:
    listing = client.get(reverse("opendata:organizations")).content.decode()
    assert "Ủy ban nhân dân phường Bắc Giang" in listing
    page = client.get(reverse("opendata:organization", args=["ubnd-phuong-bac-giang"]))
    assert titles(page) == ["Chất lượng không khí phường Bắc Giang"]
    by_id = client.get(reverse("opendata:organization", args=[str(catalogue.phuong.pk)]))
    assert by_id.status_code == 301


def test_theme_page_lists_its_datasets(client: Client, catalogue: OpenDataWorld) -> None:
    theme = Theme.objects.get(name="moi-truong")
    assert theme.title in client.get(reverse("opendata:themes")).content.decode()
    page = client.get(reverse("opendata:theme", args=["moi-truong"]))
    assert titles(page) == ["Chất lượng không khí phường Bắc Giang"]
