"""Agencies' staff pages: draft → submit → approve by the leader, returns, edits, files,
scoping to one's own organisation, refusals as 403 pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.accounts.models import User
from tinhso.opendata import actions
from tinhso.opendata.choices import DatasetState
from tinhso.opendata.datastore.loader import load_resource
from tinhso.opendata.models import Dataset
from tinhso.opendata.tests.factories import OpenDataWorld, make_dataset

CREATE = reverse("opendata:staff-create")
LIST = reverse("opendata:staff-datasets")


def login(client: Client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def staff_url(name: str, dataset: Dataset, *args: Any) -> str:
    return reverse(f"opendata:{name}", args=[dataset.name, *args])


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def draft_form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Chất lượng nước sông Thương",
        "organization": "ubnd-phuong-bac-giang",
        "license": "cc-by",
        "notes": "Kết quả quan trắc hằng tháng.",
        "tags": "môi trường, nước mặt",
        "themes": ["moi-truong"],
        "temporal_start": "01/01/2025",
        "temporal_end": "30/06/2025",
        "frequency": "MONTHLY",
    }
    data.update(extra)
    return data


def test_officer_drafts_and_leader_publishes(client: Client, od: OpenDataWorld) -> None:
    login(client, "officer_a")
    assert "Chất lượng nước" not in client.get(LIST).content.decode()
    response = client.post(CREATE, draft_form())
    assert response.status_code == 302
    dataset = Dataset.objects.get(name="chat-luong-nuoc-song-thuong")
    assert dataset.state == DatasetState.DRAFT
    assert dataset.temporal_start == datetime.date(2025, 1, 1)
    assert sorted(tag.name for tag in dataset.tags.all()) == ["môi trường", "nước mặt"]
    assert [theme.name for theme in dataset.themes.all()] == ["moi-truong"]
    assert response["Location"] == staff_url("staff-dataset", dataset)

    csv_file = SimpleUploadedFile("nuoc.csv", b"diem,ph\nCau Xuong,7.1\n", "text/csv")
    added = client.post(staff_url("staff-resource", dataset), {"upload": csv_file})
    assert added.status_code == 302
    assert dataset.resources.get().format == "CSV"

    client.post(staff_url("staff-transition", dataset, "submit"))
    dataset.refresh_from_db()
    assert dataset.state == DatasetState.PENDING

    refused = client.post(staff_url("staff-transition", dataset, "approve"))
    assert refused.status_code == 403
    assert "không có quyền" in refused.content.decode()
    dataset.refresh_from_db()
    assert dataset.state == DatasetState.PENDING

    login(client, "leader_a")
    assert 'id="od-approve"' in client.get(staff_url("staff-dataset", dataset)).content.decode()
    client.post(staff_url("staff-transition", dataset, "approve"))
    dataset.refresh_from_db()
    assert dataset.state == DatasetState.ACTIVE
    client.logout()
    assert client.get(reverse("opendata:dataset", args=[dataset.name])).status_code == 200


def test_leader_returns_with_a_reason_shown_in_the_history(
    client: Client, od: OpenDataWorld
) -> None:
    dataset = make_dataset(od.phuong, "Hộ nghèo", state="draft", actor=od["officer_a"])
    login(client, "officer_a")
    client.post(staff_url("staff-transition", dataset, "submit"))
    login(client, "leader_a")
    without = client.post(staff_url("staff-transition", dataset, "return"), follow=True)
    assert "Hãy ghi lý do trả lại." in without.content.decode()
    client.post(
        staff_url("staff-transition", dataset, "return"), {"comment": "Thiếu nguồn số liệu."}
    )
    dataset.refresh_from_db()
    assert dataset.state == DatasetState.DRAFT
    login(client, "officer_a")
    assert (
        "Thiếu nguồn số liệu." in client.get(staff_url("staff-dataset", dataset)).content.decode()
    )


def test_officer_of_another_agency_gets_403(client: Client, od: OpenDataWorld) -> None:
    dataset = make_dataset(od.phuong, "Hộ nghèo", state="draft", actor=od["officer_a"])
    login(client, "data_officer_so")
    for url in (
        staff_url("staff-dataset", dataset),
        staff_url("staff-edit", dataset),
        staff_url("staff-resource", dataset),
    ):
        assert client.get(url).status_code == 403
    assert client.post(staff_url("staff-transition", dataset, "submit")).status_code == 403
    dataset.refresh_from_db()
    assert dataset.state == DatasetState.DRAFT


def test_an_officer_cannot_draft_for_another_organisation(
    client: Client, od: OpenDataWorld
) -> None:
    login(client, "officer_a")
    response = client.post(CREATE, draft_form(organization="so-khcn"))
    assert response.status_code == 400
    assert not Dataset.objects.exists()


def test_an_executable_upload_is_refused_with_a_clear_message(
    client: Client, od: OpenDataWorld
) -> None:
    dataset = make_dataset(od.phuong, "Hộ nghèo", state="draft", actor=od["officer_a"])
    login(client, "officer_a")
    program = SimpleUploadedFile("bang.csv", b"MZ\x90\x00" + b"\x00" * 64, "text/csv")
    response = client.post(staff_url("staff-resource", dataset), {"upload": program})
    assert response.status_code == 400
    assert "Tệp “bang.csv” là chương trình chạy được." in response.content.decode()
    assert not dataset.resources.exists()


def test_a_resource_needs_a_file_or_a_link(client: Client, od: OpenDataWorld) -> None:
    dataset = make_dataset(od.phuong, "Hộ nghèo", state="draft", actor=od["officer_a"])
    login(client, "officer_a")
    response = client.post(staff_url("staff-resource", dataset), {"name": "Trống"})
    assert response.status_code == 400
    assert "Hãy tải lên một tệp hoặc ghi đường dẫn." in response.content.decode()
    linked = client.post(
        staff_url("staff-resource", dataset), {"url": "https://example.org/ho-ngheo.xlsx"}
    )
    assert linked.status_code == 302
    assert dataset.resources.get().name == "ho-ngheo.xlsx"


def test_edit_keeps_a_revision_of_what_changed(client: Client, od: OpenDataWorld) -> None:
    login(client, "officer_a")
    client.post(CREATE, draft_form())
    dataset = Dataset.objects.get()
    form = client.get(staff_url("staff-edit", dataset)).content.decode()
    assert 'value="môi trường, nước mặt"' in form and 'value="01/01/2025"' in form
    response = client.post(
        staff_url("staff-edit", dataset),
        draft_form(name=dataset.name, title="Chất lượng nước sông Thương 2025", version="2"),
    )
    assert response.status_code == 302
    revision = dataset.revisions.first()
    assert revision is not None and revision.action == "update"
    assert set(revision.changes) == {"title", "version"}


def test_edit_shows_validation_errors_inline(client: Client, od: OpenDataWorld) -> None:
    login(client, "officer_a")
    client.post(CREATE, draft_form())
    dataset = Dataset.objects.get()
    response = client.post(
        staff_url("staff-edit", dataset),
        draft_form(name=dataset.name, temporal_start="31/12/2025", temporal_end="01/01/2025"),
    )
    assert response.status_code == 400
    assert "Ngày bắt đầu phải trước ngày kết thúc." in response.content.decode()


def test_officer_cannot_edit_a_published_dataset(client: Client, od: OpenDataWorld) -> None:
    dataset = make_dataset(od.phuong, "Đã công bố")
    login(client, "officer_a")
    assert client.get(staff_url("staff-edit", dataset)).status_code == 403


def test_deleting_withdraws_the_dataset(client: Client, od: OpenDataWorld) -> None:
    dataset = make_dataset(od.phuong, "Sẽ xoá")
    login(client, "leader_a")
    client.post(staff_url("staff-transition", dataset, "delete"))
    dataset.refresh_from_db()
    assert dataset.state == DatasetState.DELETED
    client.logout()
    assert client.get(reverse("opendata:dataset", args=[dataset.name])).status_code == 404


def test_the_list_shows_only_my_organisation_in_few_queries(
    client: Client, od: OpenDataWorld, django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        make_dataset(od.phuong, f"Phường {number}", state="draft", actor=od["officer_a"])
    make_dataset(od.so, "Của Sở")
    login(client, "officer_a")
    client.get(LIST)
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"tab": "draft"})
    html = response.content.decode()
    assert html.count("Phường ") == 12
    assert "Của Sở" not in html


def test_citizens_get_the_403_page(client: Client, od: OpenDataWorld) -> None:
    login(client, "citizen_a")
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_staff_see_the_rows_a_load_rejected(client: Client, od: OpenDataWorld) -> None:
    dataset = make_dataset(od.phuong, "Hộ nghèo", state="draft", actor=od["officer_a"])
    resource = actions.create_resource(
        dataset,
        {"name": "Danh sách", "format": ""},
        actor=od["officer_a"],
        upload=SimpleUploadedFile(
            "ho-ngheo.csv", b"thon,so_ho\nThon 1,12\nThon 2,5,muoi\nThon 3,7\n", "text/csv"
        ),
    )
    table = load_resource(str(resource.pk))
    assert (table.row_count, table.rejected_count) == (2, 1)
    login(client, "officer_a")
    html = client.get(staff_url("staff-dataset", dataset)).content.decode()
    assert "1 dòng bị loại" in html
    assert "muoi" in html
    assert table.report["rejected"][0]["reason"] in html


def test_staff_correct_an_inferred_column_type_and_the_table_reloads_with_it(
    client: Client, od: OpenDataWorld, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = make_dataset(od.phuong, "Mã thôn", state="draft", actor=od["officer_a"])
    resource = actions.create_resource(
        dataset,
        {"name": "Thôn", "format": ""},
        actor=od["officer_a"],
        upload=SimpleUploadedFile("thon.csv", b"ma,ten\n1,Thon 1\n2,Thon 2\n", "text/csv"),
    )
    table = load_resource(str(resource.pk))
    assert [f["type"] for f in table.fields] == ["int", "text"]
    url = reverse("opendata:staff-columns", args=[dataset.name, resource.pk])
    login(client, "officer_b")
    assert client.get(url).status_code == 403
    login(client, "officer_a")
    assert url in client.get(staff_url("staff-dataset", dataset)).content.decode()
    assert client.post(url, {"ma": "bogus", "ten": "text"}).status_code == 400
    with django_capture_on_commit_callbacks() as reloads:
        response = client.post(url, {"ma": "text", "ten": "text"})
    assert response.status_code == 302
    assert len(reloads) == 1  # the reload, queued after commit
    table = load_resource(str(resource.pk))
    assert [f["type"] for f in table.fields] == ["text", "text"]
