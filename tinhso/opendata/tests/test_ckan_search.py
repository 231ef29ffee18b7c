"""``package_search`` over the live API (R11, R12, R20): CKAN's query syntax, paging as
ckanext-harvest does it, facets, scoping of private datasets and drafts, and its query count."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.opendata.models import Dataset
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset
from tinhso.opendata.tests.test_ckan_api import Catalogue, catalogue

__all__ = ["catalogue"]  # the fixture, shared with the API tests


def names(result: dict[str, Any]) -> list[str]:
    return [row["name"] for row in result["results"]]


def search(catalogue: Catalogue, **params: Any) -> dict[str, Any]:
    result: dict[str, Any] = catalogue.remote().action.package_search(**params)
    return result


def test_free_text_finds_vietnamese_with_or_without_accents(catalogue: Catalogue) -> None:
    for q in ("dong da", "Dong Da", "Đống Đa"):
        assert names(search(catalogue, q=q)) == [catalogue.population.name], q


def test_fielded_q_and_fq_filter_by_ckan_fields(catalogue: Catalogue) -> None:
    budget, population, air = (
        catalogue.budget.name,
        catalogue.population.name,
        catalogue.air.name,
    )

    assert names(search(catalogue, q='tags:"ngân sách"')) == [budget]
    assert names(search(catalogue, fq='tags:"ngan sach"')) == [budget]
    assert set(names(search(catalogue, fq="organization:so-khcn"))) == {budget, population}
    assert names(search(catalogue, fq="-organization:so-khcn")) == [air]
    assert set(
        names(search(catalogue, fq="organization:so-khcn OR organization:ubnd-phuong-bac-giang"))
    ) == {budget, population, air}
    assert names(search(catalogue, fq="groups:kinh-te-tai-chinh")) == [budget]
    assert names(search(catalogue, fq="res_format:JSON")) == [air]
    assert names(search(catalogue, fq="license_id:odc-by")) == [air]
    assert names(search(catalogue, fq=f"id:{catalogue.air.pk}")) == [air]
    assert names(search(catalogue, fq_list=["+organization:so-khcn", "name:" + budget])) == [budget]
    assert (
        len(names(search(catalogue, fq="+capacity:public +state:active -dataset_type:harvest")))
        == 3
    )
    assert names(search(catalogue, q="ngan sach", fq="organization:so-khcn")) == [budget]


def test_metadata_modified_ranges_as_harvesters_send_them(catalogue: Catalogue) -> None:
    Dataset.objects.filter(pk=catalogue.budget.pk).update(
        modified=timezone.now() - datetime.timedelta(days=3)
    )
    since = (timezone.now() - datetime.timedelta(hours=1)).astimezone(datetime.UTC)
    with_micro = since.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    without = since.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"

    recent = {catalogue.population.name, catalogue.air.name}
    assert set(names(search(catalogue, fq=f"metadata_modified:[{with_micro} TO *]"))) == recent
    assert set(names(search(catalogue, fq=f"metadata_modified:[{without} TO NOW]"))) == recent
    assert names(search(catalogue, fq="metadata_modified:[* TO NOW-1DAY]")) == [
        catalogue.budget.name
    ]


def test_sort_rows_start_and_counts(catalogue: Catalogue) -> None:
    everything = sorted([catalogue.budget.name, catalogue.population.name, catalogue.air.name])

    by_name = search(catalogue, sort="name asc")
    assert names(by_name) == everything and by_name["sort"] == "name asc"
    assert names(search(catalogue, sort="name desc", rows=1, start=1)) == [everything[1]]
    assert search(catalogue, rows=5000)["count"] == 3
    beyond = search(catalogue, start=10)
    assert beyond["count"] == 3 and beyond["results"] == []
    default = search(catalogue)
    assert default["sort"] == "score desc, metadata_modified desc"
    assert names(default)[0] == catalogue.air.name  # most recently modified first
    assert search(catalogue, sort="rank")["sort"] == "score desc, metadata_modified desc"
    assert names(search(catalogue, sort="title_string asc")) == [
        catalogue.air.name,  # Chất …
        catalogue.population.name,  # Dân …
        catalogue.budget.name,  # Ngân …
    ]


def test_rows_zero_returns_count_and_facets_in_both_shapes(catalogue: Catalogue) -> None:
    result = search(catalogue, rows=0, **{"facet.field": ["organization", "tags", "license_id"]})

    assert result["count"] == 3 and result["results"] == []
    assert result["facets"]["organization"] == {"so-khcn": 2, "ubnd-phuong-bac-giang": 1}
    items = {item["name"]: item for item in result["search_facets"]["organization"]["items"]}
    assert result["search_facets"]["organization"]["title"] == "organization"
    assert items["so-khcn"]["display_name"] == catalogue.od.so.title
    assert items["so-khcn"]["count"] == 2
    licences = {
        i["name"]: i["display_name"] for i in result["search_facets"]["license_id"]["items"]
    }
    assert licences["cc-by"] == "Creative Commons Attribution"
    limited = search(catalogue, rows=0, **{"facet.field": ["tags"], "facet.limit": 1})
    assert len(limited["facets"]["tags"]) == 1


def test_ext_parameters_are_accepted_and_unknown_fields_are_query_errors(
    catalogue: Catalogue,
) -> None:
    assert search(catalogue, ext_bbox="105,20,106,21")["count"] == 3
    response = requests.post(
        f"{catalogue.url}/api/3/action/package_search",
        json={"fq": "khong_co_truong:x"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Search Query Error"


def test_include_private_and_drafts_show_only_the_callers_organisation(
    catalogue: Catalogue,
) -> None:
    hidden = {catalogue.private.name, catalogue.draft.name}
    flags = {"include_private": True, "include_drafts": True, "rows": 100}
    staff = catalogue.remote(apikey=catalogue.token("data_officer_so"))
    outsider = catalogue.remote(apikey=catalogue.token("leader_a"))
    phuong_draft = make_dataset(catalogue.od.phuong, "Nháp của phường", state="draft")

    assert hidden <= set(names(staff.action.package_search(**flags)))
    assert phuong_draft.name not in names(staff.action.package_search(**flags))
    assert not hidden & set(names(staff.action.package_search(rows=100)))
    assert not hidden & set(names(outsider.action.package_search(**flags)))
    assert phuong_draft.name in names(outsider.action.package_search(**flags))
    assert not hidden & set(names(search(catalogue, **flags)))


@pytest.fixture
def many(od: OpenDataWorld, live_server: Any) -> str:
    """205 public datasets (three pages of 100 for the harvester)."""
    for number in range(205):
        make_dataset(od.so if number % 2 else od.phuong, f"Bộ dữ liệu số {number:03d}")
    return str(live_server.url)


def test_harvester_paging_walks_every_dataset_and_stops_on_an_empty_page(many: str) -> None:
    url = f"{many}/api/3/action/package_search"
    seen: list[str] = []
    previous = None
    start = 0
    pages = 0
    while True:
        response = requests.get(
            url, params={"rows": "100", "start": str(start), "sort": "id asc"}, timeout=30
        )
        assert response.status_code == 200
        assert response.content != previous, "two identical consecutive pages"
        previous = response.content
        results = response.json()["result"]["results"]
        pages += 1
        if not results:
            break
        seen += [row["id"] for row in results]
        start += 100
        assert pages < 10

    assert pages == 4
    assert len(seen) == len(set(seen)) == 205
    assert seen == sorted(seen)


def test_package_search_runs_the_same_queries_for_10_or_100_rows(od: OpenDataWorld) -> None:
    for number in range(105):
        dataset = make_dataset(
            od.so, f"Thống kê tháng {number:03d}", tags=["thống kê", f"t{number}"]
        )
        if number % 20 == 0:
            add_link(dataset)
    client = Client()
    counts = []
    for rows in (10, 100):
        body = json.dumps({"rows": rows, "q": "thong ke", "facet.field": ["tags", "organization"]})
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/3/action/package_search", body, content_type="application/json"
            )
        assert len(response.json()["result"]["results"]) == rows
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 12


def test_anonymous_searches_are_answered_from_the_cache_until_the_catalogue_changes(
    od: OpenDataWorld, django_capture_on_commit_callbacks: Any
) -> None:
    make_dataset(od.so, "Ngân sách năm 2025", tags=["ngân sách"])
    client = Client()
    body = json.dumps({"q": "ngan sach", "rows": 5})

    def count() -> int:
        response = client.post(
            "/api/3/action/package_search", body, content_type="application/json"
        )
        return int(response.json()["result"]["count"])

    assert count() == 1
    with CaptureQueriesContext(connection) as queries:
        assert count() == 1
    assert len(queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        make_dataset(od.so, "Ngân sách năm 2026", tags=["ngân sách"])
    assert count() == 2
