"""The dataset and resource pages: who sees what, metadata, download, preview, API snippet,
views counted, ratings."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tinhso.accounts.models import User
from tinhso.opendata import actions
from tinhso.opendata.choices import DatasetState, UsageKind
from tinhso.opendata.datastore.loader import load_resource
from tinhso.opendata.models import Dataset, DatastoreTable, Resource, UsageDay
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset

CSV_BYTES = (
    "tram,ngay,pm25\nBắc Giang,01/03/2025,41.5\nTuấn Đạo,01/03/2025,28\nViệt Yên,01/03/2025,55.25\n"
).encode()


def login(client: Client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def upload(dataset: Dataset, content: bytes = CSV_BYTES, name: str = "khong-khi.csv") -> Resource:
    """Add an uploaded file to ``dataset`` as the system."""
    return actions.create_resource(
        dataset,
        {"name": "Số liệu quan trắc", "format": ""},
        actor=None,
        upload=SimpleUploadedFile(name, content, content_type="text/csv"),
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def air(od: OpenDataWorld) -> Dataset:
    return make_dataset(
        od.phuong,
        "Chất lượng không khí phường Bắc Giang",
        notes="Quan trắc tự động bụi mịn PM2.5.",
        tags=["môi trường", "không khí"],
        themes=["moi-truong"],
        temporal_start="01/01/2025",
        temporal_end="31/12/2025",
        frequency="DAILY",
        version="2.1",
        contact_name="Phòng Kinh tế",
        contact_email="kinhte@bacgiang.example",
    )


def page(dataset: Dataset) -> str:
    return reverse("opendata:dataset", args=[dataset.name])


def test_dataset_page_shows_its_metadata_in_vietnamese(client: Client, air: Dataset) -> None:
    html = client.get(page(air)).content.decode()
    assert "Chất lượng không khí phường Bắc Giang" in html
    assert "01/01/2025 – 31/12/2025" in html
    assert "Hằng ngày" in html
    assert "2.1" in html and "kinhte@bacgiang.example" in html
    assert air.license is not None and air.license.title in html
    assert "Môi trường" in html
    assert f"{reverse('opendata:search')}?tags=m%C3%B4i%20tr%C6%B0%E1%BB%9Dng" in html


def test_a_link_by_id_lands_on_the_named_page(client: Client, air: Dataset) -> None:
    response = client.get(reverse("opendata:dataset", args=[str(air.pk)]))
    assert response.status_code == 301
    assert response["Location"] == page(air)


def test_private_dataset_is_403_for_outsiders_and_visible_to_its_staff(
    client: Client, od: OpenDataWorld
) -> None:
    hidden = make_dataset(od.phuong, "Dữ liệu nội bộ", private=True)
    assert client.get(page(hidden)).status_code == 403
    login(client, "officer_b")
    assert client.get(page(hidden)).status_code == 403
    login(client, "officer_a")
    response = client.get(page(hidden))
    assert response.status_code == 200
    assert "Chỉ trong nội bộ cơ quan" in response.content.decode()


def test_draft_is_404_for_outsiders_and_visible_to_its_staff(
    client: Client, od: OpenDataWorld
) -> None:
    draft = make_dataset(od.so, "Bản nháp", state=DatasetState.DRAFT, actor=od["data_officer_so"])
    assert client.get(page(draft)).status_code == 404
    login(client, "officer_a")
    assert client.get(page(draft)).status_code == 404
    login(client, "data_officer_so")
    assert client.get(page(draft)).status_code == 200


def test_deleted_dataset_is_gone(client: Client, od: OpenDataWorld, air: Dataset) -> None:
    actions.delete_dataset(air, actor=None)
    assert client.get(page(air)).status_code == 404


def test_the_page_beacon_counts_a_view(client: Client, air: Dataset) -> None:
    html = client.get(page(air)).content.decode()
    beacon = reverse("opendata:dataset-seen", args=[air.name])
    assert f'hx-post="{beacon}"' in html
    assert client.post(beacon).status_code == 204
    air.refresh_from_db()
    assert air.view_count == 1
    assert UsageDay.objects.get(dataset=air, kind=UsageKind.VIEW).count == 1


def test_anonymous_visitors_get_the_dataset_page_from_the_cache(
    client: Client, air: Dataset, django_assert_num_queries: Any
) -> None:
    first = client.get(page(air))
    with django_assert_num_queries(0):
        again = client.get(page(air))
    assert again.content == first.content


def test_uploaded_file_is_served_and_the_download_counted(client: Client, air: Dataset) -> None:
    resource = upload(air)
    url = reverse("opendata:download", args=[air.name, resource.pk])
    assert url in client.get(page(air)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV_BYTES  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == 'attachment; filename="khong-khi.csv"'
    air.refresh_from_db()
    assert air.download_count == 1
    assert UsageDay.objects.get(dataset=air, kind=UsageKind.DOWNLOAD).count == 1


def test_ckan_download_address_with_file_name_works(client: Client, air: Dataset) -> None:
    resource = upload(air)
    url = reverse("opendata:download-named", args=[air.name, resource.pk, "khong-khi.csv"])
    assert client.get(url).status_code == 200


def test_a_link_resource_redirects_and_is_counted(client: Client, air: Dataset) -> None:
    resource = add_link(air)
    response = client.get(reverse("opendata:download", args=[air.name, resource.pk]))
    assert response.status_code == 302
    assert response["Location"] == resource.url
    air.refresh_from_db()
    assert air.download_count == 1


def test_private_dataset_file_is_not_served_to_outsiders(client: Client, od: OpenDataWorld) -> None:
    hidden = make_dataset(od.phuong, "Tệp nội bộ", private=True)
    resource = upload(hidden)
    assert (
        client.get(reverse("opendata:download", args=[hidden.name, resource.pk])).status_code == 403
    )


def test_preview_shows_the_first_rows_and_a_chart(client: Client, air: Dataset) -> None:
    resource = upload(air)
    table = load_resource(str(resource.pk))
    assert table.row_count == 3
    html = client.get(page(air)).content.decode()
    assert 'id="od-preview-table"' in html
    assert "Việt Yên" in html and "55,25" in html
    assert "<svg" in html and "od-chart-bar" in html
    assert f"datastore_search?resource_id={resource.pk}" in html
    assert f"package_show?id={air.name}" in html
    assert "RemoteCKAN" in html
    resource_page = client.get(reverse("opendata:resource", args=[air.name, resource.pk]))
    assert "Tuấn Đạo" in resource_page.content.decode()


def test_loading_table_shows_progress_polled_by_htmx(client: Client, air: Dataset) -> None:
    resource = upload(air)
    DatastoreTable.objects.create(resource=resource, table_name="t_dang_nap", progress=40)
    html = client.get(page(air)).content.decode()
    progress = reverse("opendata:datastore-progress", args=[air.name, resource.pk])
    assert f'hx-get="{progress}"' in html and 'value="40"' in html
    assert 'hx-trigger="every 2s"' in client.get(progress).content.decode()


def test_signed_in_visitor_rates_and_sees_the_average(
    client: Client, od: OpenDataWorld, air: Dataset
) -> None:
    rate = reverse("opendata:rate", args=[air.name])
    anonymous = client.post(rate, {"stars": "5"})
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    login(client, "citizen_a")
    assert client.post(rate, {"stars": "4"}).status_code == 302
    login(client, "citizen_b")
    response = client.post(rate, {"stars": "5"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert '<strong id="od-rating-average">4,5</strong>' in html
    assert "2 lượt đánh giá" in html


def test_rating_out_of_range_is_refused_inline(client: Client, air: Dataset) -> None:
    login(client, "citizen_a")
    response = client.post(reverse("opendata:rate", args=[air.name]), {"stars": "9"})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert not air.ratings.exists()


def test_dates_are_shown_in_the_province_time_zone(client: Client, air: Dataset) -> None:
    # 17:30 UTC on 31/12 is already 1 January in Vietnam.
    moment = datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC)
    Dataset.objects.filter(pk=air.pk).update(modified=moment)
    assert "01/01/2026" in client.get(page(air)).content.decode()


def test_a_finished_datastore_load_refreshes_the_cached_dataset_page(
    client: Client, air: Dataset, django_capture_on_commit_callbacks: Any
) -> None:
    resource = upload(air)
    loading = client.get(page(air)).content.decode()
    assert "Việt Yên" not in loading  # a row of the table, shown by the preview once loaded
    with django_capture_on_commit_callbacks(execute=True):
        load_resource(str(resource.pk))
    assert "Việt Yên" in client.get(page(air)).content.decode()
