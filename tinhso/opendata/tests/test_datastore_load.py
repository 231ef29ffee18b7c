"""Loading tabular files into the datastore: types, bad rows, encodings, XLSX, overrides."""

from __future__ import annotations

import datetime
import io
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tinhso.core.audit import AuditEntry
from tinhso.opendata import actions
from tinhso.opendata.choices import DatastoreStatus
from tinhso.opendata.datastore import actions as datastore_actions
from tinhso.opendata.datastore import columns, loader, tables
from tinhso.opendata.models import DatastoreTable, Resource
from tinhso.opendata.tests.factories import OpenDataWorld, make_dataset

BUDGET_CSV = (
    "Quận/Huyện,Năm,Số tiền (tỷ đồng),Ngày báo cáo,Đã duyệt,Ghi chú\n"
    "Đống Đa,2023,12.5,05/01/2024,có,khoản chi thường xuyên\n"
    "Hoàn Kiếm,2024,7,2024-02-01,không,\n"
    "Ba Đình,2022,0.25,31/12/2022,có,Ưu tiên giáo dục\n"
)


def upload(
    dataset: Any, content: bytes, *, name: str = "du-lieu.csv", fmt: str = "CSV"
) -> Resource:
    """Add a file resource to ``dataset`` through the action, as the system."""
    return actions.create_resource(
        dataset,
        {"name": name, "format": fmt},
        actor=None,
        upload=SimpleUploadedFile(name, content),
    )


def loaded(dataset: Any, content: bytes, **kwargs: Any) -> DatastoreTable:
    resource = upload(dataset, content, **kwargs)
    return loader.load_resource(str(resource.pk))


def rows(table: DatastoreTable, order: str = '"_id"') -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {tables.quote(table.table_name)} ORDER BY {order}")  # noqa: S608
        return cursor.fetchall()


@pytest.fixture
def dataset(od: OpenDataWorld) -> Any:
    return make_dataset(od.so, "Chi ngân sách theo quận")


def test_types_are_inferred_from_vietnamese_data(dataset: Any) -> None:
    table = loaded(dataset, BUDGET_CSV.encode())

    assert table.status == DatastoreStatus.READY
    assert table.progress == 100
    assert [(f["id"], f["type"], f["label"]) for f in table.fields] == [
        ("quận_huyện", "text", "Quận/Huyện"),
        ("năm", "int", "Năm"),
        ("số_tiền_tỷ_đồng", "numeric", "Số tiền (tỷ đồng)"),
        ("ngày_báo_cáo", "date", "Ngày báo cáo"),
        ("đã_duyệt", "bool", "Đã duyệt"),
        ("ghi_chú", "text", "Ghi chú"),
    ]
    assert all(f["inferred"] for f in table.fields)
    assert table.row_count == 3 and table.rejected_count == 0
    assert table.loaded_at is not None
    assert Resource.objects.get(pk=table.resource_id).datastore_active
    first = rows(table)[0]
    assert first[1] == "Đống Đa"
    assert first[2] == 2023
    assert float(first[3]) == 12.5
    assert str(first[4]) == "2024-01-05"


def test_parsers_accept_vietnamese_and_iso_forms() -> None:
    assert columns.parse_date("05/01/2024") == datetime.date(2024, 1, 5)
    assert columns.parse_date("2024-01-05") == datetime.date(2024, 1, 5)
    assert columns.parse_timestamp("05/01/2024 08:30") == datetime.datetime(2024, 1, 5, 8, 30)
    assert columns.parse_timestamp("2024-01-05T08:30:00+07:00") == datetime.datetime(
        2024, 1, 5, 1, 30
    )
    assert columns.parse_numeric("0.25") == Decimal("0.25")
    with pytest.raises(ValueError):
        columns.parse_int("07210")  # an administrative code, not a number
    with pytest.raises(ValueError):
        columns.parse_date("31/02/2024")
    assert columns.column_ids(["Mã", "mã", "", "_id", "Tên  đơn vị"]) == [
        "mã",
        "mã_2",
        "cot_3",
        "id",
        "tên_đơn_vị",
    ]


def hundred_thousand_rows() -> tuple[bytes, dict[int, str]]:
    """A 100,000-row CSV (plus header) with bad rows every 997th line, and their reasons."""
    out = io.StringIO()
    out.write("stt,phường,năm,số_hồ_sơ,tỷ_lệ,ngày\n")
    bad: dict[int, str] = {}
    wards = ["Đống Đa", "Bắc Giang", "Tuấn Đạo", "Ngô Quyền"]
    for n in range(1, 100_001):
        line = n + 1
        ward = wards[n % 4]
        if n % 997 == 0:
            kind = (n // 997) % 3
            if kind == 0:
                out.write(f"{n},{ward},2024,{n}\n")  # too few fields
                bad[line] = "trường"
            elif kind == 1:
                out.write(f"{n},{ward},2024,nhiều,0.5,01/02/2024\n")
                bad[line] = "số nguyên"
            else:
                out.write(f"{n},{ward},2024,{n},0.5,31/02/2024\n")
                bad[line] = "ngày"
            continue
        out.write(
            f"{n},{ward},{2000 + n % 25},{n * 3},{n % 100}.25,"
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/2024\n"
        )
    return out.getvalue().encode(), bad


def test_a_100k_row_csv_keeps_good_rows_and_reports_each_bad_one(dataset: Any) -> None:
    content, bad = hundred_thousand_rows()
    resource = upload(dataset, content)

    started = time.perf_counter()
    table = loader.load_resource(str(resource.pk))
    elapsed = time.perf_counter() - started

    assert table.status == DatastoreStatus.READY, table.report
    assert [f["type"] for f in table.fields] == ["int", "text", "int", "int", "numeric", "date"]
    assert table.rejected_count == len(bad) == 100
    assert table.row_count == 100_000 - len(bad)
    assert table.report["rows_read"] == 100_000
    reported = {entry["row"]: entry for entry in table.report["rejected"]}
    assert set(reported) == set(bad)
    for line, word in bad.items():
        assert word in reported[line]["reason"]
    assert reported[998]["values"][0] == "997"
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*), max("_id") FROM {tables.quote(table.table_name)}')  # noqa: S608
        assert cursor.fetchone() == (99_900, 99_900)
    assert AuditEntry.objects.filter(action="opendata.datastore.load", batch_count=99_900).exists()
    print(f"\n100k-row load on {connection.vendor}: {elapsed:.1f} s")
    assert elapsed < 30


def test_rejected_rows_are_all_counted_but_only_the_first_thousand_kept(dataset: Any) -> None:
    body = "".join(f"{n},không phải số\n" if n % 2 else f"{n},{n}\n" for n in range(1, 2_601))
    table = loaded(dataset, ("mã,giá trị\n" + body).encode())

    # Half the cells do not fit int, so the column is text and nothing is rejected …
    assert table.fields[1]["type"] == "text" and table.rejected_count == 0
    # … until the organisation says the column holds numbers.
    datastore_actions.set_column_types(table, {"giá_trị": "int"}, actor=None)
    table = loader.load_resource(str(table.resource_id))
    assert table.rejected_count == 1_300
    assert len(table.report["rejected"]) == loader.REPORT_LIMIT
    assert table.report["rejected_truncated"] is True
    assert table.row_count == 1_300


def test_override_of_a_column_type_reloads_with_it(od: OpenDataWorld, dataset: Any) -> None:
    table = loaded(dataset, BUDGET_CSV.encode())
    with pytest.raises(PermissionDenied):
        datastore_actions.set_column_types(table, {"năm": "text"}, actor=od["officer_a"])

    datastore_actions.set_column_types(table, {"năm": "text"}, actor=od["data_officer_so"])
    assert table.status == DatastoreStatus.PENDING
    table = loader.load_resource(str(table.resource_id))

    by_id = {f["id"]: f for f in table.fields}
    assert by_id["năm"]["type"] == "text" and by_id["năm"]["inferred"] is False
    assert by_id["số_tiền_tỷ_đồng"]["inferred"] is True
    assert table.row_count == 3 and table.status == DatastoreStatus.READY
    assert rows(table)[0][2] == "2023"
    assert AuditEntry.objects.filter(action="opendata.datastore.set_types").exists()


def test_windows_1258_and_semicolons_are_detected(dataset: Any) -> None:
    # Windows-1258 writes most tones as combining marks after the letter.
    text = "Tên;Sô\u0301 lươ\u0323ng\nĐô\u0301ng Đa;3\nHà Nô\u0323i;4\n"
    table = loaded(dataset, text.encode("cp1258"))

    assert table.report["encoding"] == "cp1258"
    assert table.report["delimiter"] == ";"
    assert [r[1] for r in rows(table)] == ["Đống Đa", "Hà Nội"]


def test_utf8_bom_and_tsv(dataset: Any) -> None:
    table = loaded(dataset, "\ufeffa\tb\n1\tx\n".encode(), name="t.tsv", fmt="TSV")
    assert table.report["encoding"] == "utf-8-sig"
    assert [f["id"] for f in table.fields] == ["a", "b"]


def test_xlsx_is_loaded_from_the_first_sheet(dataset: Any) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Trường học"
    sheet.append(["Tên trường", "Số học sinh", "Ngày thành lập", "Điểm"])
    sheet.append(["THPT Ngô Quyền", 1200, datetime.datetime(1995, 9, 5), 8.5])
    sheet.append(["THCS Đống Đa", 800, datetime.datetime(2001, 9, 1), 7.0])
    for n in range(10):
        sheet.append([f"Tiểu học số {n}", 300 + n, datetime.datetime(2010, 1, 1 + n), 6.25])
    sheet.append(["THCS Lỗi", "nhiều", datetime.datetime(2001, 9, 1), 7.0])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = loaded(dataset, buffer.getvalue(), name="truong.xlsx", fmt="XLSX")

    assert table.report["sheet"] == "Trường học"
    assert [f["type"] for f in table.fields] == ["text", "int", "date", "numeric"]
    assert table.row_count == 12 and table.rejected_count == 1
    assert table.report["rejected"][0]["row"] == 14
    assert rows(table)[1][1:3] == ("THCS Đống Đa", 800)


def test_a_file_that_cannot_be_read_fails_and_keeps_the_previous_table(dataset: Any) -> None:
    table = loaded(dataset, BUDGET_CSV.encode())
    resource = Resource.objects.get(pk=table.resource_id)
    actions.update_resource(
        resource,
        {"format": "XLSX"},
        actor=None,
        upload=SimpleUploadedFile("hong.xlsx", b"not a zip file at all"),
    )

    table = loader.load_resource(str(resource.pk))

    assert table.status == DatastoreStatus.FAILED
    assert "Excel" in table.report["error"]
    assert table.row_count == 3 and len(rows(table)) == 3
    assert tables.leftover_staging(table.table_name) == []


def test_delete_table_drops_it(od: OpenDataWorld, dataset: Any) -> None:
    table = loaded(dataset, BUDGET_CSV.encode())
    resource = Resource.objects.get(pk=table.resource_id)

    datastore_actions.delete_table(resource, actor=od["data_officer_so"])

    assert not DatastoreTable.objects.filter(pk=table.pk).exists()
    assert not Resource.objects.get(pk=resource.pk).datastore_active
    with connection.cursor() as cursor:
        assert table.table_name not in connection.introspection.table_names(cursor)


def test_uploading_a_csv_loads_it_through_the_background_task(
    dataset: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        resource = upload(dataset, BUDGET_CSV.encode())

    table = DatastoreTable.objects.get(resource=resource)
    assert table.status == DatastoreStatus.READY and table.progress == 100
    assert table.row_count == 3
