"""``datastore_search`` as CKAN clients call it, on the action function with a Context."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tinhso.opendata import actions
from tinhso.opendata.ckan.registry import Context, find
from tinhso.opendata.datastore import actions as datastore_actions
from tinhso.opendata.datastore import loader, query
from tinhso.opendata.errors import NotAuthorized, NotFound, ValidationFailed
from tinhso.opendata.models import DatastoreTable
from tinhso.opendata.tests.factories import OpenDataWorld, make_dataset
from tinhso.opendata.tests.test_datastore_load import upload

WARDS = ["Đống Đa", "Hoàn Kiếm", "Ba Đình", "Cầu Giấy"]


def budget_csv() -> bytes:
    lines = ["quan,nam,so_tien,ghi_chu"]
    for n in range(40):
        lines.append(f"{WARDS[n % 4]},{2000 + n % 5},{n * 1.5},khoản chi số {n}")
    return ("\n".join(lines) + "\n").encode()


def call(data: dict[str, Any], user: Any = None) -> dict[str, Any]:
    action = find("datastore_search")
    assert action is not None and action.side_effect_free
    request = RequestFactory().get("/api/3/action/datastore_search")
    return action.function(Context(request=request, user=user, site_url="http://testserver"), data)


@pytest.fixture
def table(od: OpenDataWorld) -> DatastoreTable:
    dataset = make_dataset(od.so, "Chi ngân sách theo quận")
    resource = upload(dataset, budget_csv())
    return loader.load_resource(str(resource.pk))


def rid(table: DatastoreTable) -> str:
    return str(table.resource_id)


def test_result_has_ckans_keys_and_fields_with_id_first(table: DatastoreTable) -> None:
    result = call({"resource_id": rid(table), "limit": 2})

    assert set(result) >= {
        "include_next_page",
        "include_total",
        "limit",
        "records_format",
        "resource_id",
        "records",
        "fields",
        "total",
        "total_was_estimated",
        "_links",
    }
    assert [(f["id"], f["type"]) for f in result["fields"]] == [
        ("_id", "int"),
        ("quan", "text"),
        ("nam", "int"),
        ("so_tien", "numeric"),
        ("ghi_chu", "text"),
    ]
    assert result["records"] == [
        {"_id": 1, "quan": "Đống Đa", "nam": 2000, "so_tien": 0, "ghi_chu": "khoản chi số 0"},
        {"_id": 2, "quan": "Hoàn Kiếm", "nam": 2001, "so_tien": 1.5, "ghi_chu": "khoản chi số 1"},
    ]
    assert result["total"] == 40 and result["total_was_estimated"] is False
    assert result["limit"] == 2 and result["records_format"] == "objects"
    assert result["_links"]["next"].endswith("offset=2")


def test_id_is_an_alias_of_resource_id_and_limit_zero_gives_fields(table: DatastoreTable) -> None:
    result = call({"id": rid(table), "limit": "0"})
    assert result["records"] == []
    assert [f["id"] for f in result["fields"]] == ["_id", "quan", "nam", "so_tien", "ghi_chu"]


def test_unknown_parameter_is_a_validation_error_in_extras(table: DatastoreTable) -> None:
    with pytest.raises(ValidationFailed) as raised:
        call({"resource_id": rid(table), "bogus": "1"})
    assert raised.value.status == 409
    assert raised.value.error() == {
        "__extras": ['invalid value "bogus"'],
        "__type": "Validation Error",
    }


def test_filters_equality_lists_and_operators(table: DatastoreTable) -> None:
    found = call({"resource_id": rid(table), "filters": '{"quan": "Đống Đa"}'})
    assert found["total"] == 10 and {r["quan"] for r in found["records"]} == {"Đống Đa"}
    assert found["filters"] == {"quan": "Đống Đa"}

    found = call(
        {"resource_id": rid(table), "filters": {"quan": ["Đống Đa", "Ba Đình"], "nam": 2000}}
    )
    assert found["total"] == 4

    found = call({"resource_id": rid(table), "filters": {"nam": {"lt": 2002}}})
    assert found["total"] == 16

    with pytest.raises(ValidationFailed):
        call({"resource_id": rid(table), "filters": {"không_có": 1}})
    with pytest.raises(ValidationFailed):
        call({"resource_id": rid(table), "filters": {"nam": "hai nghìn"}})


@pytest.mark.parametrize(
    "q", ["dong da", "Dong Da", "Đống Đa", unicodedata.normalize("NFD", "Đống Đa")]
)
def test_q_is_accent_insensitive(table: DatastoreTable, q: str) -> None:
    found = call({"resource_id": rid(table), "q": q})
    assert found["total"] == 10
    assert {r["quan"] for r in found["records"]} == {"Đống Đa"}


def test_q_on_one_field_and_full_text(table: DatastoreTable) -> None:
    found = call({"resource_id": rid(table), "q": {"ghi_chu": "khoan chi so 7"}})
    assert [r["_id"] for r in found["records"]] == [8]
    found = call({"resource_id": rid(table), "full_text": "cau giay"})
    assert found["total"] == 10


def test_sort_fields_distinct_offset(table: DatastoreTable) -> None:
    found = call(
        {"resource_id": rid(table), "sort": "nam desc, _id", "fields": "nam,quan", "limit": 3}
    )
    assert found["records"] == [
        {"nam": 2004, "quan": "Đống Đa"},
        {"nam": 2004, "quan": "Hoàn Kiếm"},
        {"nam": 2004, "quan": "Ba Đình"},
    ]
    assert [f["id"] for f in found["fields"]] == ["nam", "quan"]

    found = call({"resource_id": rid(table), "fields": ["quan"], "distinct": True, "sort": "quan"})
    assert [r["quan"] for r in found["records"]] == sorted(set(WARDS), key=lambda w: w.encode())
    assert found["total"] == 4

    found = call({"resource_id": rid(table), "offset": 38})
    assert [r["_id"] for r in found["records"]] == [39, 40]
    assert found["offset"] == 38

    with pytest.raises(ValidationFailed):
        call({"resource_id": rid(table), "sort": "không_có desc"})


def test_limit_is_clipped_to_32000(table: DatastoreTable) -> None:
    assert call({"resource_id": rid(table), "limit": 100_000})["limit"] == 32_000


def test_records_as_lists_csv_and_tsv(table: DatastoreTable) -> None:
    base = {"resource_id": rid(table), "limit": 2, "fields": ["_id", "quan", "so_tien"]}
    assert call({**base, "records_format": "lists"})["records"] == [
        [1, "Đống Đa", 0],
        [2, "Hoàn Kiếm", 1.5],
    ]
    assert call({**base, "records_format": "csv"})["records"] == "1,Đống Đa,0\n2,Hoàn Kiếm,1.5\n"
    assert (
        call({**base, "records_format": "tsv"})["records"] == "1\tĐống Đa\t0\n2\tHoàn Kiếm\t1.5\n"
    )


def test_next_page_follows_on_from_the_last_id(table: DatastoreTable) -> None:
    first = call({"resource_id": rid(table), "limit": 15, "include_next_page": True})
    assert first["next_page"] == {"_id": {"gt": 15}}

    second = call({"resource_id": rid(table), "limit": 15, "filters": first["next_page"]})
    assert [r["_id"] for r in second["records"]] == list(range(16, 31))


def test_include_total_false_gives_no_total(table: DatastoreTable) -> None:
    found = call({"resource_id": rid(table), "include_total": "false"})
    assert "total" not in found


def test_unfiltered_search_does_not_count(table: DatastoreTable) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = call({"resource_id": rid(table)})
    assert found["total"] == 40
    assert not [q["sql"] for q in queries.captured_queries if "count(" in q["sql"].lower()]


def test_a_large_filtered_count_is_bounded(table: DatastoreTable, monkeypatch: Any) -> None:
    monkeypatch.setattr(query, "COUNT_LIMIT", 5)
    found = call({"resource_id": rid(table), "filters": {"quan": "Đống Đa"}})
    if connection.vendor == "postgresql":
        assert found["total_was_estimated"] is True and found["total"] >= 6
    else:
        assert found["total_was_estimated"] is False and found["total"] == 10
    small = call({"resource_id": rid(table), "filters": {"quan": "Đống Đa", "nam": 2000}})
    assert small["total"] == 2 and small["total_was_estimated"] is False


def test_private_and_draft_datasets_are_for_their_staff(od: OpenDataWorld) -> None:
    private = make_dataset(od.so, "Nội bộ", private=True)
    draft = make_dataset(od.so, "Bản nháp", state="draft")
    for dataset in (private, draft):
        resource = upload(dataset, budget_csv())
        loader.load_resource(str(resource.pk))
        with pytest.raises(NotAuthorized):
            call({"resource_id": str(resource.pk)})
        with pytest.raises(NotAuthorized):
            call({"resource_id": str(resource.pk)}, user=od["officer_a"])
        assert call({"resource_id": str(resource.pk)}, user=od["data_officer_so"])["total"] == 40


def test_unknown_or_unloaded_resource_is_not_found(od: OpenDataWorld) -> None:
    with pytest.raises(NotFound):
        call({"resource_id": "00000000-0000-0000-0000-000000000000"})
    with pytest.raises(NotFound):
        call({"resource_id": "khong-phai-uuid"})
    with pytest.raises(ValidationFailed):
        call({})


def test_datastore_info_describes_columns(table: DatastoreTable) -> None:
    action = find("datastore_info")
    assert action is not None
    request = RequestFactory().get("/")
    info = action.function(Context(request=request, user=None, site_url=""), {"id": rid(table)})
    assert info["meta"]["count"] == 40
    assert [f["id"] for f in info["fields"]] == ["quan", "nam", "so_tien", "ghi_chu"]


def test_preview_and_chart_for_the_dataset_page(table: DatastoreTable) -> None:
    resource = table.resource
    shown = query.preview(resource, limit=5)
    assert shown is not None
    assert shown.total == 40 and len(shown.records) == 5
    assert shown.fields[1]["info"]["label"] == "quan"

    chart = query.column_chart(resource, "nam", "so_tien")
    assert chart is not None and chart.kind == "line"
    assert chart.labels == ["2000", "2001", "2002", "2003", "2004"]
    assert chart.values[0] == sum(n * 1.5 for n in range(0, 40, 5))

    bars = query.column_chart(resource, "quan", "so_tien", limit=2)
    assert bars is not None and bars.kind == "bar" and bars.labels == ["Cầu Giấy", "Ba Đình"]
    with pytest.raises(query.InvalidQuery):
        query.column_chart(resource, "nam", "quan")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="tsquery syntax is PostgreSQL's")
def test_malformed_tsquery_with_plain_false_is_a_validation_error(table: DatastoreTable) -> None:
    with pytest.raises(ValidationFailed) as raised:
        call({"resource_id": rid(table), "q": "dong & | (", "plain": "false"})
    assert "q" in raised.value.errors
    found = call({"resource_id": rid(table), "q": "dong & da", "plain": "false"})
    assert found["total"] == 10


def test_anonymous_answers_are_kept_until_the_table_is_reloaded(
    table: DatastoreTable, django_capture_on_commit_callbacks: Any
) -> None:
    question = {"resource_id": rid(table), "filters": {"quan": "Đống Đa"}, "limit": 3}
    first = call(question)
    with CaptureQueriesContext(connection) as queries:
        assert call(question) == first
    assert not [q for q in queries.captured_queries if table.table_name in q["sql"]]
    assert {f["id"]: f["type"] for f in first["fields"]}["nam"] == "int"
    datastore_actions.set_column_types(table, {"nam": "text"}, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        loader.load_resource(rid(table))
    again = call(question)
    assert {f["id"]: f["type"] for f in again["fields"]}["nam"] == "text"


def test_a_kept_answer_is_not_served_once_its_dataset_turns_private(
    table: DatastoreTable, django_capture_on_commit_callbacks: Any
) -> None:
    question = {"resource_id": rid(table), "limit": 1}
    assert call(question)["total"] == 40
    dataset = table.resource.dataset
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_dataset(dataset, {"private": True}, actor=None)
    with pytest.raises(NotAuthorized):
        call(question)
