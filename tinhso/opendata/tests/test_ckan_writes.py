"""Writes through the CKAN Action API with ckanapi and API tokens (R16, R7): datasets with
nested resources, uploads, validation errors, scoped tokens, and the dump → load round trip."""

from __future__ import annotations

import io
import json
import os
import subprocess
from typing import Any

import ckanapi
import pytest

from tinhso.accounts.scopes import Scope
from tinhso.core.models import AuditEntry
from tinhso.opendata.models import Dataset, Resource
from tinhso.opendata.tests.test_ckan_api import Catalogue, catalogue
from tinhso.opendata.tests.test_ckan_cli import VENV_BIN
from tinhso.opendata.tests.test_ckan_cli import ckanapi as run_ckanapi

__all__ = ["catalogue"]  # the fixture, shared with the API tests

NEW_DATASET: dict[str, Any] = {
    "name": "truong-hoc-2025",
    "title": "Danh sách trường học năm 2025",
    "owner_org": "so-khcn",
    "notes": "Các trường phổ thông trên địa bàn tỉnh.",
    "license_id": "cc-by",
    "tags": [{"name": "giáo dục"}, {"name": "trường học"}],
    "groups": [{"name": "giao-duc-van-hoa"}],
    "extras": [
        {"key": "frequency", "value": "annual"},
        {"key": "nguon", "value": "Sở Giáo dục"},
    ],
    "maintainer": "Phòng Dữ liệu",
    "resources": [
        {"name": "Danh sách (CSV)", "url": "https://example.org/truong.csv", "format": "csv"}
    ],
}


def test_leader_creates_a_published_dataset_with_nested_resources(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey=catalogue.token("leader_so"))

    created = remote.action.package_create(**NEW_DATASET)

    assert created["state"] == "active" and created["name"] == "truong-hoc-2025"
    assert created["owner_org"] == str(catalogue.od.so.pk)
    assert [t["name"] for t in created["tags"]] == ["giáo dục", "trường học"]
    assert [g["name"] for g in created["groups"]] == ["giao-duc-van-hoa"]
    assert {"key": "frequency", "value": "ANNUAL"} in created["extras"]
    assert {"key": "nguon", "value": "Sở Giáo dục"} in created["extras"]
    assert created["maintainer"] == "Phòng Dữ liệu"
    assert [(r["name"], r["format"]) for r in created["resources"]] == [("Danh sách (CSV)", "CSV")]
    assert catalogue.remote().action.package_show(id="truong-hoc-2025")["id"] == created["id"]
    found = catalogue.remote().action.package_search(q="truong hoc")
    assert [row["name"] for row in found["results"]] == ["truong-hoc-2025"]
    entry = AuditEntry.objects.filter(action="opendata.dataset.create").latest("pk")
    assert entry.client.startswith("token:ckan-leader_so")


def test_data_officer_creates_a_draft_only_their_organisation_sees(catalogue: Catalogue) -> None:
    officer = catalogue.remote(apikey=catalogue.token("data_officer_so"))

    created = officer.action.package_create(**{**NEW_DATASET, "resources": []})

    assert created["state"] == "draft"
    with pytest.raises(ckanapi.NotFound):
        catalogue.remote().action.package_show(id=created["name"])


def test_invalid_datasets_answer_validation_errors_by_field(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey=catalogue.token("leader_so"))

    with pytest.raises(ckanapi.ValidationError) as duplicate:
        remote.action.package_create(name="ngan-sach-2024", title="Trùng tên", owner_org="so-khcn")
    with pytest.raises(ckanapi.ValidationError) as no_owner:
        remote.action.package_create(name="khong-co-to-chuc", title="Không có tổ chức")
    with pytest.raises(ckanapi.ValidationError) as bad_name:
        remote.action.package_create(name="Tên Có Dấu", title="Tên sai", owner_org="so-khcn")

    assert duplicate.value.error_dict["name"]
    assert duplicate.value.error_dict["__type"] == "Validation Error"
    assert no_owner.value.error_dict["owner_org"]
    assert bad_name.value.error_dict["name"]
    assert not Dataset.objects.filter(title__in=["Trùng tên", "Không có tổ chức", "Tên sai"])


def test_token_scoped_to_one_organisation_cannot_write_another(catalogue: Catalogue) -> None:
    scoped = catalogue.remote(
        apikey=catalogue.token("operator", Scope.of_agency(catalogue.od.so.agency_id))
    )
    unscoped = catalogue.remote(apikey=catalogue.token("operator"))

    with pytest.raises(ckanapi.NotAuthorized):
        scoped.action.package_create(**{**NEW_DATASET, "owner_org": "ubnd-phuong-bac-giang"})
    with pytest.raises(ckanapi.NotAuthorized):
        scoped.action.package_patch(id=catalogue.air.name, title="Không được sửa")
    with pytest.raises(ckanapi.NotAuthorized):
        scoped.action.resource_create(
            package_id=catalogue.air.name, url="https://example.org/x.csv", name="x"
        )
    assert scoped.action.package_patch(id="ngan-sach-2024", version="2")["version"] == "2"
    assert unscoped.action.package_patch(id=catalogue.air.name, version="3")["version"] == "3"
    catalogue.air.refresh_from_db()
    assert catalogue.air.title == "Chất lượng không khí phường Bắc Giang"


def test_update_replaces_patch_changes_only_what_is_sent(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey=catalogue.token("leader_so"))

    patched = remote.action.package_patch(id="ngan-sach-2024", title="Ngân sách 2024 (sửa)")
    assert patched["title"] == "Ngân sách 2024 (sửa)"
    assert [t["name"] for t in patched["tags"]] == ["ngân sách", "tài chính"]
    assert patched["num_resources"] == 1

    replaced = remote.action.package_update(
        id=patched["id"], name="ngan-sach-2024", title="Ngân sách 2024", owner_org="so-khcn"
    )
    assert replaced["tags"] == [] and replaced["notes"] == "" and replaced["groups"] == []
    assert replaced["num_resources"] == 1  # resources left out are kept

    emptied = remote.action.package_update(
        id=patched["id"], title="Ngân sách 2024", owner_org="so-khcn", resources=[]
    )
    assert emptied["resources"] == []


def test_package_delete_withdraws_the_dataset(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey=catalogue.token("leader_so"))

    assert remote.action.package_delete(id="ngan-sach-2024") is None

    with pytest.raises(ckanapi.NotFound):
        catalogue.remote().action.package_show(id="ngan-sach-2024")
    assert Dataset.objects.get(name="ngan-sach-2024").state == "deleted"


def test_resource_upload_patch_update_and_delete(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey=catalogue.token("leader_so"))
    csv = io.BytesIO("quan,dan_so\nĐống Đa,371606\nBa Đình,221893\n".encode())

    created = remote.action.resource_create(
        package_id="ngan-sach-2024", name="Dân số (tệp)", upload=("dan-so.csv", csv)
    )

    assert created["url_type"] == "upload" and created["format"] == "CSV"
    assert created["size"] == len(csv.getvalue())
    assert created["url"].endswith(f"/resource/{created['id']}/download/dan-so.csv")
    assert len(created["hash"]) == 64
    patched = remote.action.resource_patch(id=created["id"], description="Theo quận")
    assert patched["description"] == "Theo quận" and patched["url_type"] == "upload"
    assert patched["name"] == "Dân số (tệp)"
    updated = remote.action.resource_update(
        id=created["id"], name="Liên kết", url="https://example.org/ds.csv", format="CSV"
    )
    assert updated["url"] == "https://example.org/ds.csv" and updated["description"] == ""
    assert remote.action.resource_delete(id=created["id"]) is None
    with pytest.raises(ckanapi.NotFound):
        remote.action.resource_show(id=created["id"])
    assert Resource.objects.get(pk=created["id"]).state == "deleted"


def test_organisations_and_groups_cannot_be_created_through_the_api(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey=catalogue.token("operator"))

    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.organization_create(name="to-chuc-moi", title="Tổ chức mới")
    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.group_create(name="nhom-moi")


def test_dump_then_load_round_trips_the_catalogue(catalogue: Catalogue, tmp_path: Any) -> None:
    before = run_ckanapi("dump", "datasets", "--all", "-r", catalogue.url)
    copy = {**before[0], "name": "ban-sao", "title": "Bản sao"}
    copy.pop("id")
    copy["resources"] = [{k: v for k, v in r.items() if k != "id"} for r in copy["resources"]]
    dump = tmp_path / "datasets.jsonl"
    dump.write_text("\n".join(json.dumps(row) for row in [*before, copy]) + "\n", encoding="utf-8")
    secret = catalogue.token("operator")
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}

    loaded = subprocess.run(  # noqa: S603 -- our own virtualenv's ckanapi, fixed arguments
        [
            str(VENV_BIN / "ckanapi"),
            "load",
            "datasets",
            "-I",
            str(dump),
            "-r",
            catalogue.url,
            "-a",
            secret,
            "--log",
            str(tmp_path / "load.log"),
            "-p",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    log = (tmp_path / "load.log").read_text(encoding="utf-8").splitlines()
    replies = sorted((entry[2], entry[3]) for entry in map(json.loads, log))
    assert replies == [("create", None)] + [("update", None)] * 3, replies
    after = {
        row["name"]: row for row in run_ckanapi("dump", "datasets", "--all", "-r", catalogue.url)
    }

    def stable(row: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in row.items() if key != "metadata_modified"}

    for row in before:
        assert stable(after[row["name"]]) == stable(row)
    assert after["ban-sao"]["title"] == "Bản sao"
    assert [r["url"] for r in after["ban-sao"]["resources"]] == [
        r["url"] for r in before[0]["resources"]
    ]
