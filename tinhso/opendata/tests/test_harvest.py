"""Harvesting in: from our own DCAT catalogue and CKAN Action API over real HTTP
(``live_server``), and from small remote portals served by a local HTTP server."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.core.models import AuditEntry
from tinhso.opendata import actions, tasks
from tinhso.opendata.choices import DatasetState, HarvestKind, HarvestStatus
from tinhso.opendata.forms import DatasetForm
from tinhso.opendata.harvest import actions as harvest_actions
from tinhso.opendata.harvest import ckan
from tinhso.opendata.harvest.run import HASH_KEY, run_source
from tinhso.opendata.models import Dataset, DatasetRevision, HarvestJob, HarvestSource
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, dataset_data, make_dataset

Route = tuple[int, str, bytes]


@pytest.fixture
def portal() -> Iterator[Callable[[dict[str, Route]], str]]:
    """A small remote portal: serve fixed responses by path (with query), return its root."""
    servers: list[ThreadingHTTPServer] = []

    def serve(routes: dict[str, Route]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = routes.get(
                    self.path, (404, "text/plain", b"not found")
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def change_title(dataset: Dataset, title: str) -> None:
    data = dataset_data(
        dataset.organization,
        title,
        name=dataset.name,
        license=dataset.license_id,
        tags=[tag.name for tag in dataset.tags.all()],
        themes=[theme.name for theme in dataset.themes.all()],
    )
    form = DatasetForm(data=data, instance=Dataset.objects.get(pk=dataset.pk))
    assert form.is_valid(), form.errors
    actions.update_dataset(dataset, form.cleaned_data, actor=None)


def copies(source: HarvestSource) -> dict[str, Dataset]:
    return {d.harvest_guid: d for d in Dataset.objects.filter(harvest_source=source)}


def counts(job: HarvestJob) -> tuple[int, int, int, int, int]:
    return (
        job.created_count,
        job.updated_count,
        job.unchanged_count,
        job.deleted_count,
        job.error_count,
    )


@pytest.fixture
def remote_catalogue(od: OpenDataWorld) -> list[Dataset]:
    """Three public datasets of Sở KH&CN (the "remote" portal is this one), one private."""
    budget = make_dataset(
        od.so,
        "Dự toán ngân sách 2024",
        title_en="Budget estimates 2024",
        notes="Số liệu dự toán.",
        tags=["ngân sách", "tài chính"],
        themes=["kinh-te-tai-chinh"],
        frequency="ANNUAL",
        temporal_start="2024-01-01",
        temporal_end="2024-12-31",
        contact_name="Phòng Ngân sách",
        contact_email="ngansach@example.org",
        url="https://example.org/ngan-sach",
        version="2",
    )
    add_link(budget, "Dự toán (CSV)", "CSV")
    add_link(budget, "Dự toán (XLSX)", "XLSX")
    air = make_dataset(od.so, "Chất lượng không khí", tags=["môi trường"], license="odc-by")
    add_link(air, "Quan trắc (JSON)", "JSON")
    schools = make_dataset(od.so, "Danh sách trường học")
    make_dataset(od.so, "Nội bộ", private=True)
    return [budget, air, schools]


def test_dcat_harvest_of_a_live_catalogue_is_idempotent_and_follows_changes(
    live_server: Any, od: OpenDataWorld, remote_catalogue: list[Dataset]
) -> None:
    budget, air, schools = remote_catalogue
    source = harvest_actions.create_source(
        title="Cổng dữ liệu Sở KH&CN",
        url=f"{live_server.url}/catalog.ttl?fq=organization:so-khcn",
        kind=HarvestKind.DCAT,
        organization=od.phuong,
        actor=od["leader_a"],
    )

    job = run_source(source)
    assert job.status == HarvestStatus.DONE, job.report
    assert counts(job) == (3, 0, 0, 0, 0)
    local = copies(source)
    assert set(local) == {str(budget.pk), str(air.pk), str(schools.pk)}
    copy = local[str(budget.pk)]
    assert copy.organization == od.phuong
    assert copy.state == DatasetState.ACTIVE and not copy.private
    assert copy.name != budget.name and copy.name.startswith(budget.name)
    assert (copy.title, copy.title_en, copy.notes) == (
        "Dự toán ngân sách 2024",
        "Budget estimates 2024",
        "Số liệu dự toán.",
    )
    assert sorted(t.name for t in copy.tags.all()) == ["ngân sách", "tài chính"]
    assert [t.name for t in copy.themes.all()] == ["kinh-te-tai-chinh"]
    assert copy.license_id == "cc-by"
    assert (copy.frequency, str(copy.temporal_start), str(copy.temporal_end)) == (
        "ANNUAL",
        "2024-01-01",
        "2024-12-31",
    )
    assert (copy.contact_name, copy.contact_email, copy.url, copy.version) == (
        "Phòng Ngân sách",
        "ngansach@example.org",
        "https://example.org/ngan-sach",
        "2",
    )
    assert sorted((r.name, r.format, r.url) for r in copy.resources.all()) == sorted(
        (r.name, r.format, r.url) for r in budget.resources.all()
    )
    assert local[str(air.pk)].license_id == "odc-by"
    assert HASH_KEY in copy.extras
    assert AuditEntry.objects.filter(action="opendata.harvest.finish").count() == 1

    revisions = DatasetRevision.objects.count()
    job = run_source(source)
    assert counts(job) == (0, 0, 3, 0, 0)
    assert DatasetRevision.objects.count() == revisions
    assert Dataset.objects.filter(harvest_source=source).count() == 3

    change_title(air, "Chất lượng không khí (đã hiệu đính)")
    actions.delete_resource(budget.resources.get(format="XLSX"), actor=None)
    job = run_source(source)
    assert counts(job) == (0, 2, 1, 0, 0), job.report
    local = copies(source)
    assert local[str(air.pk)].title == "Chất lượng không khí (đã hiệu đính)"
    assert [r.format for r in local[str(budget.pk)].resources.filter(state="active")] == ["CSV"]

    actions.delete_dataset(schools, actor=None)
    job = run_source(source)
    assert counts(job) == (0, 0, 2, 1, 0)
    assert copies(source)[str(schools.pk)].state == DatasetState.DELETED
    assert counts(run_source(source)) == (0, 0, 2, 0, 0)


BROKEN_PAGE_1 = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<http://bo.example/catalog> a dcat:Catalog ;
    dcat:dataset <http://bo.example/ds/1>, <http://bo.example/ds/2> .
<http://bo.example/ds/1> a dcat:Dataset ; dct:identifier "bo-1" ;
    dct:title "Giá lúa gạo"@vi, "Rice prices"@en ; dcat:keyword "nông nghiệp", "R&D/2024" ;
    dct:license <http://www.opendefinition.org/licenses/cc-by-sa> ;
    dcat:landingPage <not a url> ;
    dcat:distribution <http://bo.example/ds/1/csv> .
<http://bo.example/ds/1/csv> a dcat:Distribution ; dct:title "Giá (CSV)" ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dcat:downloadURL <http://bo.example/files/gia.csv> .
<http://bo.example/ds/2> a dcat:Dataset ; dct:description "Không có tiêu đề." .
<http://bo.example/catalog?page=1> a hydra:PagedCollection ;
    hydra:nextPage "{root}/page2" .
"""
BROKEN_PAGE_2 = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://bo.example/ds/3> a dcat:Dataset ; dct:title "Diện tích gieo trồng" ;
    dcat:distribution [ a dcat:Distribution ; dcat:accessURL <http://bo.example/api/dien-tich> ] .
"""


def test_dcat_harvest_reports_a_broken_dataset_and_imports_the_rest(
    od: OpenDataWorld, portal: Callable[[dict[str, Route]], str]
) -> None:
    routes: dict[str, Route] = {}
    root = portal(routes)
    routes["/catalog"] = (200, "text/turtle", BROKEN_PAGE_1.replace("{root}", root).encode())
    routes["/page2"] = (200, "text/turtle; charset=utf-8", BROKEN_PAGE_2.encode())
    source = harvest_actions.create_source(
        title="Bộ Nông nghiệp",
        url=f"{root}/catalog",
        kind=HarvestKind.DCAT,
        organization=od.so,
        actor=None,
    )
    job = run_source(source)
    assert job.status == HarvestStatus.PARTIAL
    assert counts(job) == (2, 0, 0, 0, 1)
    errors = [entry for entry in job.report if entry["level"] == "error"]
    assert [entry["guid"] for entry in errors] == ["http://bo.example/ds/2"]
    assert "dct:title" in errors[0]["message"]
    warnings = [entry["message"] for entry in job.report if entry["level"] == "warning"]
    assert any("R&D/2024" in message for message in warnings)
    assert any("url" in message for message in warnings)
    local = copies(source)
    rice = local["bo-1"]
    assert (rice.title, rice.title_en, rice.license_id) == (
        "Giá lúa gạo",
        "Rice prices",
        "cc-by-sa",
    )
    assert [t.name for t in rice.tags.all()] == ["nông nghiệp"]
    assert [(r.format, r.url) for r in rice.resources.all()] == [
        ("CSV", "http://bo.example/files/gia.csv")
    ]
    area = local["http://bo.example/ds/3"]
    assert [r.url for r in area.resources.all()] == ["http://bo.example/api/dien-tich"]

    assert counts(run_source(source)) == (0, 0, 2, 0, 1)


def test_unreachable_source_fails_the_run_and_withdraws_nothing(
    od: OpenDataWorld, portal: Callable[[dict[str, Route]], str]
) -> None:
    routes: dict[str, Route] = {}
    root = portal(routes)
    routes["/catalog.ttl"] = (200, "text/turtle", BROKEN_PAGE_2.encode())
    source = harvest_actions.create_source(
        title="Nguồn", url=f"{root}/catalog.ttl", kind="dcat", organization=od.so, actor=None
    )
    assert counts(run_source(source)) == (1, 0, 0, 0, 0)
    routes["/catalog.ttl"] = (500, "text/plain", b"boom")
    job = run_source(source)
    assert job.status == HarvestStatus.FAILED
    assert "500" in job.report[-1]["message"]
    assert Dataset.objects.public().filter(harvest_source=source).count() == 1


def ckan_page(ids: list[str]) -> bytes:
    results = [
        {"id": i, "name": f"bo-{i}", "title": f"Bộ {i}", "tags": [], "resources": []} for i in ids
    ]
    return json.dumps({"success": True, "result": {"count": 2, "results": results}}).encode()


def test_ckan_gather_stops_when_the_source_ignores_paging(
    od: OpenDataWorld, portal: Callable[[dict[str, Route]], str]
) -> None:
    class Always(dict[str, Route]):
        def get(self, key: str, default: Any = None) -> Route:  # type: ignore[override]
            return (200, "application/json", ckan_page(["a", "b"]))

    root = portal(Always())
    source = harvest_actions.create_source(
        title="CKAN hỏng", url=root, kind="ckan", organization=od.so, actor=None
    )
    job = run_source(source)
    assert job.status == HarvestStatus.FAILED
    assert "phân trang" in job.report[-1]["message"]
    assert not Dataset.objects.filter(harvest_source=source).exists()


def test_ckan_filter_terms_follow_ckanext_harvest() -> None:
    since = datetime.datetime(2026, 11, 28, 10, 20, 30, 123456, tzinfo=datetime.UTC)
    config = {
        "fq": "res_format:CSV",
        "organizations_filter_include": ["so-tai-chinh", "so-y-te"],
        "groups_filter_exclude": ["thu-nghiem"],
    }
    assert ckan.filter_terms(config, since) == [
        "res_format:CSV",
        "organization:so-tai-chinh OR organization:so-y-te",
        "-groups:thu-nghiem",
        "metadata_modified:[2026-11-28T10:20:30.123456Z TO *]",
    ]


def test_ckan_to_tinhso_harvest_over_the_action_api(
    live_server: Any, od: OpenDataWorld, remote_catalogue: list[Dataset]
) -> None:
    budget, air, schools = remote_catalogue
    source = harvest_actions.create_source(
        title="CKAN của Sở KH&CN",
        url=live_server.url,
        kind=HarvestKind.CKAN,
        organization=od.phuong,
        actor=None,
        config={"organizations_filter_include": ["so-khcn"]},
    )
    job = run_source(source)
    assert job.status == HarvestStatus.DONE, job.report
    assert job.report[0]["mode"] == "full"
    assert counts(job) == (3, 0, 0, 0, 0)
    copy = copies(source)[str(budget.pk)]
    assert copy.organization == od.phuong
    assert sorted(t.name for t in copy.tags.all()) == ["ngân sách", "tài chính"]
    assert [t.name for t in copy.themes.all()] == ["kinh-te-tai-chinh"]
    assert copy.license_id == "cc-by"
    assert sorted((r.name, r.url) for r in copy.resources.all()) == sorted(
        (r.name, r.url) for r in budget.resources.all()
    )

    job = run_source(source)
    assert job.report[0]["mode"] == "incremental"
    assert counts(job)[:2] == (0, 0) and job.error_count == 0

    change_title(air, "Không khí (bản mới)")
    job = run_source(source)
    assert job.updated_count == 1 and job.created_count == 0
    assert copies(source)[str(air.pk)].title == "Không khí (bản mới)"

    actions.delete_dataset(schools, actor=None)
    job = run_source(source, force_all=True)
    assert job.report[0]["mode"] == "full"
    assert counts(job) == (0, 0, 2, 1, 0)


def test_harvest_command_runs_due_sources_and_the_task_runs_one(
    od: OpenDataWorld, portal: Callable[[dict[str, Route]], str]
) -> None:
    routes: dict[str, Route] = {"/catalog.ttl": (200, "text/turtle", BROKEN_PAGE_2.encode())}
    root = portal(routes)
    source = harvest_actions.create_source(
        title="Nguồn", url=f"{root}/catalog.ttl", kind="dcat", organization=od.so, actor=None
    )
    idle = harvest_actions.create_source(
        title="Nguồn tạm dừng", url=f"{root}/x.ttl", kind="dcat", organization=od.so, actor=None
    )
    HarvestSource.objects.filter(pk=idle.pk).update(active=False)
    call_command("harvest", "--due")
    assert source.jobs.count() == 1 and not idle.jobs.exists()
    call_command("harvest", "--due")
    assert source.jobs.count() == 1
    tasks.harvest_source.call(source.pk)
    assert source.jobs.count() == 2
    assert source.jobs.first().unchanged_count == 1  # type: ignore[union-attr]
    with pytest.raises(CommandError):
        call_command("harvest", "--source", str(idle.pk))
    with pytest.raises(CommandError):
        call_command("harvest")


def test_only_a_leader_of_the_organisation_adds_a_source(od: OpenDataWorld) -> None:
    with pytest.raises(PermissionDenied):
        harvest_actions.create_source(
            title="Nguồn",
            url="https://example.org/catalog.ttl",
            kind="dcat",
            organization=od.phuong,
            actor=od["officer_a"],
        )
