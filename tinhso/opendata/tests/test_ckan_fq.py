"""Reading CKAN's Solr query syntax into search filters (no database needed)."""

from __future__ import annotations

import datetime

import pytest

from tinhso.opendata.ckan import fq
from tinhso.opendata.search import Filter

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)


def parse(source: str) -> fq.Parsed:
    return fq.parse(source, now=NOW)


def test_harvester_terms_joined_by_spaces_and_or() -> None:
    parsed = parse(
        "organization:so-a OR organization:so-b -groups:y "
        "metadata_modified:[2026-11-28T10:20:30.123456Z TO *]"
    )

    assert parsed.text == []
    assert parsed.filters == [
        Filter("organization", ("so-a", "so-b")),
        Filter("groups", ("y",), negate=True),
        Filter(
            "metadata_modified",
            start=datetime.datetime(2026, 11, 28, 10, 20, 30, 123456, tzinfo=datetime.UTC),
        ),
    ]


def test_quotes_parentheses_prefixes_and_free_words() -> None:
    parsed = parse('+tags:"ngân sách" res_format:(CSV OR XLSX) NOT state:draft dong da *:*')

    assert parsed.filters == [
        Filter("tags", ("ngân sách",)),
        Filter("res_format", ("CSV", "XLSX")),
        Filter("state", ("draft",), negate=True),
    ]
    assert parsed.text == ["dong", "da"]


def test_now_date_math_and_exclusive_bounds() -> None:
    (flt,) = parse("metadata_created:{NOW-2DAYS TO NOW]").filters

    assert flt.start == NOW - datetime.timedelta(days=2, microseconds=-1)
    assert flt.end == NOW


def test_text_fields_become_free_text_and_groups_of_terms_are_read() -> None:
    parsed = parse("title:khong text:khi (organization:a OR organization:b)")

    assert parsed.text == ["khong", "khi"]
    assert parsed.filters == [Filter("organization", ("a", "b"))]


@pytest.mark.parametrize(
    "source",
    [
        "organization:a OR tags:b",
        'tags:"unterminated',
        "metadata_modified:2026-01-01",
        "name:[a TO b]",
        "metadata_modified:[yesterday TO *]",
    ],
)
def test_what_cannot_be_expressed_is_a_syntax_error(source: str) -> None:
    with pytest.raises(fq.QuerySyntaxError):
        parse(source)


def test_sort_reads_fields_and_directions_and_rank_means_the_default() -> None:
    assert fq.parse_sort("name asc, metadata_modified desc") == [
        ("name", False),
        ("metadata_modified", True),
    ]
    assert fq.parse_sort("rank") == [("score", True), ("metadata_modified", True)]
    with pytest.raises(fq.QuerySyntaxError):
        fq.parse_sort("popularity desc")
