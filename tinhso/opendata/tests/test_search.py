"""Vietnamese search: accents, đ, NFD, phrases first, facets and filters, collation."""

from __future__ import annotations

import unicodedata

import pytest

from tinhso.opendata import search
from tinhso.opendata.models import Dataset
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset


def titles(result: search.Result) -> list[str]:
    by_id = {d.pk: d.title for d in Dataset.objects.filter(pk__in=result.ids)}
    return [by_id[pk] for pk in result.ids]


def find(text: str, **query: object) -> list[str]:
    return titles(
        search.search_datasets(search.Query(text=text, **query), base=Dataset.objects.public())  # type: ignore[arg-type]
    )


@pytest.fixture
def catalogue(od: OpenDataWorld) -> OpenDataWorld:
    make_dataset(od.so, "Dân số quận Đống Đa theo năm", tags=["dân số"])
    make_dataset(od.so, "Ngân sách địa phương năm 2024", tags=["ngân sách", "tài chính"])
    make_dataset(
        od.phuong,
        "Chất lượng không khí phường Bắc Giang",
        tags=["môi trường"],
        notes="Số liệu quan trắc tự động.",
    )
    make_dataset(od.phuong, "Danh sách trường học", notes="Trường có không gian khí hậu mát.")
    return od


@pytest.mark.parametrize(
    "query",
    ["dong da", "Dong Da", "Đống Đa", "ĐỐNG ĐA", unicodedata.normalize("NFD", "Đống Đa")],
)
def test_the_same_place_is_found_with_or_without_accents(
    catalogue: OpenDataWorld, query: str
) -> None:
    assert find(query) == ["Dân số quận Đống Đa theo năm"]


def test_a_phrase_ranks_before_its_words_scattered(catalogue: OpenDataWorld) -> None:
    found = find("khong khi")
    assert found[0] == "Chất lượng không khí phường Bắc Giang"
    assert "Danh sách trường học" in found


def test_tag_filter_and_facet_match_without_accents_but_show_canonical_names(
    catalogue: OpenDataWorld,
) -> None:
    result = search.search_datasets(
        search.Query(filters=[search.Filter("tags", ("ngan sach",))], facet_fields=["tags"]),
        base=Dataset.objects.public(),
    )
    assert titles(result) == ["Ngân sách địa phương năm 2024"]
    assert {item.name for item in result.facets["tags"]} == {"ngân sách", "tài chính"}


def test_title_sort_follows_vietnamese_alphabetical_order(od: OpenDataWorld) -> None:
    for title in ("Yên Bái", "Đà Nẵng", "Bắc Giang", "Ba Vì", "An Giang"):
        make_dataset(od.so, title)
    assert find("", sort=[("title_string", False)]) == [
        "An Giang",
        "Ba Vì",
        "Bắc Giang",
        "Đà Nẵng",
        "Yên Bái",
    ]


def test_format_facet_counts_datasets_not_files(catalogue: OpenDataWorld) -> None:
    dataset = Dataset.objects.get(title__startswith="Ngân sách")
    add_link(dataset, "Năm 2024", "CSV")
    add_link(dataset, "Năm 2023", "CSV")
    result = search.search_datasets(
        search.Query(facet_fields=["res_format"]), base=Dataset.objects.public()
    )
    assert [(i.name, i.count) for i in result.facets["res_format"]] == [("CSV", 1)]
