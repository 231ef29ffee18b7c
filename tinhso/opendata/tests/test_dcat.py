"""DCAT output (R17–R19): parsed by rdflib, checked triple by triple; hydra paging followed."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from tinhso.opendata import actions
from tinhso.opendata.dcat.graph import DCAT3, HYDRA, SPDX, VCARD
from tinhso.opendata.models import Dataset, Theme
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset

BASE = "https://dulieu.bacninh.gov.vn"
FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "rdf": ("application/rdf+xml", "xml"),
    "xml": ("application/rdf+xml", "xml"),
    "n3": ("text/n3", "n3"),
    "jsonld": ("application/ld+json", "json-ld"),
}


@pytest.fixture
def site(settings: Any) -> None:
    settings.TINHSO_SITE_URL = BASE


def fetch_graph(client: Client, url: str, fmt: str = "ttl") -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    content_type, syntax = FORMATS[fmt]
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    return Graph().parse(data=response.content, format=syntax)


@pytest.fixture
def budget(od: OpenDataWorld) -> Dataset:
    dataset = make_dataset(
        od.so,
        "Dự toán ngân sách địa phương năm 2024",
        title_en="Local budget estimates 2024",
        notes="Số liệu dự toán thu chi ngân sách.",
        notes_en="Budget revenue and spending estimates.",
        tags=["ngân sách", "tài chính"],
        themes=["kinh-te-tai-chinh"],
        temporal_start="2024-01-01",
        temporal_end="2024-12-31",
        spatial_unit=od.world.province.pk,
        frequency="ANNUAL",
        contact_name="Phòng Ngân sách",
        contact_email="ngansach@skhcn.bacninh.gov.vn",
        version="1.2",
        url="https://skhcn.bacninh.gov.vn/ngan-sach",
    )
    add_link(dataset, "Dự toán 2024 (CSV)", "CSV")
    actions.create_resource(
        dataset,
        {"name": "Dự toán 2024 (JSON)", "description": "Bản JSON."},
        actor=None,
        upload=SimpleUploadedFile("du-toan.json", b'{"thu": 1, "chi": 2}'),
    )
    return dataset


def test_dataset_turtle_carries_the_dcat_ap_mapping(
    client: Client, site: None, budget: Dataset
) -> None:
    graph = fetch_graph(client, f"/dataset/{budget.name}.ttl")
    node = URIRef(f"{BASE}/dataset/{budget.pk}")
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert set(graph.objects(node, DCTERMS.title)) == {
        Literal("Dự toán ngân sách địa phương năm 2024", lang="vi"),
        Literal("Local budget estimates 2024", lang="en"),
    }
    assert set(graph.objects(node, DCTERMS.description)) == {
        Literal("Số liệu dự toán thu chi ngân sách.", lang="vi"),
        Literal("Budget revenue and spending estimates.", lang="en"),
    }
    assert graph.value(node, DCTERMS.identifier) == Literal(str(budget.pk))
    assert graph.value(node, DCTERMS.language) == URIRef(
        "http://publications.europa.eu/resource/authority/language/VIE"
    )
    assert set(graph.objects(node, DCAT.keyword)) == {
        Literal("ngân sách", lang="vi"),
        Literal("tài chính", lang="vi"),
    }
    theme = Theme.objects.get(name="kinh-te-tai-chinh")
    assert theme.uri.endswith("/data-theme/ECON")
    assert list(graph.objects(node, DCAT.theme)) == [URIRef(theme.uri)]
    assert graph.value(node, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    )
    assert graph.value(node, DCAT3.version) == Literal("1.2")
    assert graph.value(node, DCAT.landingPage) == URIRef("https://skhcn.bacninh.gov.vn/ngan-sach")
    issued = graph.value(node, DCTERMS.issued)
    modified = graph.value(node, DCTERMS.modified)
    assert isinstance(issued, Literal) and issued.datatype == XSD.dateTime
    assert isinstance(modified, Literal) and modified.datatype == XSD.dateTime
    assert modified.toPython() == Dataset.objects.get(pk=budget.pk).modified

    period = graph.value(node, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate) == Literal(datetime.date(2024, 1, 1))
    assert graph.value(period, DCAT.endDate) == Literal(datetime.date(2024, 12, 31))
    place = graph.value(node, DCTERMS.spatial)
    assert graph.value(place, SKOS.prefLabel) == Literal("Tỉnh Bắc Ninh", lang="vi")
    contact = graph.value(node, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert graph.value(contact, VCARD.fn) == Literal("Phòng Ngân sách", lang="vi")
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:ngansach@skhcn.bacninh.gov.vn")

    publisher = URIRef(f"{BASE}/organization/{budget.organization_id}")
    assert graph.value(node, DCTERMS.publisher) == publisher
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert graph.value(publisher, FOAF.name) == Literal(
        "Sở Khoa học và Công nghệ tỉnh Bắc Ninh", lang="vi"
    )


def test_distributions_carry_links_licence_format_size_and_checksum(
    client: Client, site: None, budget: Dataset
) -> None:
    graph = fetch_graph(client, f"/dataset/{budget.pk}.ttl")
    link, upload = budget.resources.order_by("position")
    node = URIRef(f"{BASE}/dataset/{budget.pk}")
    link_node = URIRef(f"{BASE}/dataset/{budget.pk}/resource/{link.pk}")
    upload_node = URIRef(f"{BASE}/dataset/{budget.pk}/resource/{upload.pk}")
    assert set(graph.objects(node, DCAT.distribution)) == {link_node, upload_node}
    licence = URIRef("http://www.opendefinition.org/licenses/cc-by")
    for distribution in (link_node, upload_node):
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        assert graph.value(distribution, DCTERMS.license) == licence

    assert graph.value(link_node, DCTERMS.title) == Literal("Dự toán 2024 (CSV)", lang="vi")
    assert graph.value(link_node, DCAT.accessURL) == URIRef(link.url)
    assert graph.value(link_node, DCAT.downloadURL) is None
    assert graph.value(link_node, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )

    download = URIRef(f"{BASE}/dataset/{budget.pk}/resource/{upload.pk}/download/du-toan.json")
    assert graph.value(upload_node, DCAT.accessURL) == download
    assert graph.value(upload_node, DCAT.downloadURL) == download
    assert graph.value(upload_node, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/json"
    )
    size = graph.value(upload_node, DCAT.byteSize)
    assert isinstance(size, Literal) and size.toPython() == len(b'{"thu": 1, "chi": 2}')
    checksum = graph.value(upload_node, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(graph.value(checksum, SPDX.checksumValue)) == upload.hash


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_parses_with_its_content_type(
    client: Client, site: None, budget: Dataset, fmt: str
) -> None:
    for url in (f"/dataset/{budget.name}.{fmt}", f"/catalog.{fmt}"):
        graph = fetch_graph(client, url, fmt)
        assert (URIRef(f"{BASE}/dataset/{budget.pk}"), RDF.type, DCAT.Dataset) in graph


def test_jsonld_is_expanded_like_ckanext_dcat(client: Client, site: None, budget: Dataset) -> None:
    document = json.loads(client.get(f"/dataset/{budget.name}.jsonld").content)
    assert isinstance(document, list)
    node = next(item for item in document if item["@id"] == f"{BASE}/dataset/{budget.pk}")
    assert node["@type"] == [str(DCAT.Dataset)]


def test_base_uri_is_the_request_address_without_a_site_url(
    client: Client, settings: Any, budget: Dataset
) -> None:
    settings.TINHSO_SITE_URL = ""
    graph = fetch_graph(client, f"/dataset/{budget.name}.ttl")
    assert (URIRef(f"http://testserver/dataset/{budget.pk}"), RDF.type, DCAT.Dataset) in graph


def test_private_draft_and_deleted_datasets_are_hidden_from_outsiders(
    client: Client, od: OpenDataWorld
) -> None:
    private = make_dataset(od.so, "Hồ sơ nội bộ", private=True)
    draft = make_dataset(od.so, "Bản nháp thống kê", state="draft")
    gone = make_dataset(od.so, "Dữ liệu đã gỡ")
    actions.delete_dataset(gone, actor=None)
    for dataset in (private, draft, gone):
        assert client.get(f"/dataset/{dataset.name}.ttl").status_code == 404
    client.force_login(od["data_officer_so"])
    for dataset in (private, draft):
        assert client.get(f"/dataset/{dataset.name}.ttl").status_code == 200
    assert client.get(f"/dataset/{gone.name}.ttl").status_code == 404
    client.force_login(od["officer_a"])
    assert client.get(f"/dataset/{private.name}.ttl").status_code == 404
    assert client.get("/dataset/khong-co.ttl").status_code == 404


def _datasets_on(graph: Graph) -> set[Any]:
    return set(graph.subjects(RDF.type, DCAT.Dataset))


def test_catalogue_pages_follow_hydra_next_to_every_public_dataset(
    client: Client, site: None, od: OpenDataWorld
) -> None:
    for number in range(123):
        make_dataset(od.so if number % 2 else od.phuong, f"Thống kê số {number:03d}")
    make_dataset(od.so, "Riêng tư", private=True)
    make_dataset(od.so, "Nháp", state="draft")
    url = "/catalog.ttl"
    seen: set[Any] = set()
    pages = 0
    total = None
    while url:
        graph = fetch_graph(client, url)
        pages += 1
        collection = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
        total = graph.value(collection, HYDRA.totalItems).toPython()  # type: ignore[union-attr]
        assert graph.value(collection, HYDRA.itemsPerPage).toPython() == 100  # type: ignore[union-attr]
        assert str(graph.value(collection, HYDRA.first)) == f"{BASE}/catalog.ttl?page=1"
        assert str(graph.value(collection, HYDRA.lastPage)) == f"{BASE}/catalog.ttl?page=2"
        on_page = _datasets_on(graph)
        assert not on_page & seen
        seen |= on_page
        catalog = URIRef(BASE)
        assert set(graph.objects(catalog, DCAT.dataset)) == on_page
        nxt = graph.value(collection, HYDRA.next)
        assert nxt == graph.value(collection, HYDRA.nextPage)
        url = str(nxt).removeprefix(BASE) if nxt is not None else ""
    assert pages == 2
    assert total == len(seen) == 123


def test_catalogue_node_describes_the_portal(client: Client, site: None, budget: Dataset) -> None:
    graph = fetch_graph(client, "/catalog.ttl?page=1")
    catalog = URIRef(BASE)
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert Literal("Cổng dữ liệu mở", lang="vi") in set(graph.objects(catalog, DCTERMS.title))
    assert graph.value(catalog, DCTERMS.description) is not None
    assert graph.value(catalog, FOAF.homepage) == catalog
    assert graph.value(catalog, DCTERMS.language) == URIRef(
        "http://publications.europa.eu/resource/authority/language/VIE"
    )
    modified = graph.value(catalog, DCTERMS.modified)
    assert (
        isinstance(modified, Literal)
        and modified.toPython() == Dataset.objects.get(pk=budget.pk).modified
    )
    collection = URIRef(f"{BASE}/catalog.ttl?page=1")
    assert (collection, RDF.type, HYDRA.PagedCollection) in graph
    assert graph.value(collection, HYDRA.next) is None
    assert graph.value(collection, HYDRA.previous) is None


def test_catalogue_filters_by_q_and_modified_since(
    client: Client, site: None, od: OpenDataWorld
) -> None:
    air = make_dataset(od.phuong, "Chất lượng không khí phường Bắc Giang")
    schools = make_dataset(od.phuong, "Danh sách trường học")
    Dataset.objects.filter(pk=schools.pk).update(
        modified=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    graph = fetch_graph(client, "/catalog.ttl?q=chat+luong+khong+khi")
    assert _datasets_on(graph) == {URIRef(f"{BASE}/dataset/{air.pk}")}
    collection = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
    assert "q=chat+luong+khong+khi" in str(graph.value(collection, HYDRA.first))
    graph = fetch_graph(client, "/catalog.ttl?modified_since=2021-01-01")
    assert _datasets_on(graph) == {URIRef(f"{BASE}/dataset/{air.pk}")}
    graph = fetch_graph(client, "/catalog.ttl?modified_since=2019-06-01T00:00:00Z")
    assert len(_datasets_on(graph)) == 2
    graph = fetch_graph(client, "/catalog.ttl?fq=metadata_modified:[2021-01-01T00:00:00Z+TO+*]")
    assert _datasets_on(graph) == {URIRef(f"{BASE}/dataset/{air.pk}")}
    make_dataset(od.so, "Chất lượng không khí đo tại Sở", tags=["môi trường"])
    graph = fetch_graph(client, "/catalog.ttl?q=khong+khi&fq=organization:ubnd-phuong-bac-giang")
    assert _datasets_on(graph) == {URIRef(f"{BASE}/dataset/{air.pk}")}
    graph = fetch_graph(
        client, '/catalog.ttl?fq=-organization:ubnd-phuong-bac-giang+tags:"moi truong"'
    )
    assert len(_datasets_on(graph)) == 1


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "modified_since=hôm-qua",
        "fq=colour:red",
        "fq=metadata_modified:[hom+TO+*]",
    ],
)
def test_catalogue_rejects_bad_parameters(client: Client, od: OpenDataWorld, query: str) -> None:
    assert client.get(f"/catalog.ttl?{query}").status_code == 400


def test_catalogue_page_reads_a_fixed_number_of_queries(
    client: Client, site: None, od: OpenDataWorld, django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        add_link(make_dataset(od.so, f"Bộ số {number}", tags=["a", f"b{number}"]))
    with django_assert_max_num_queries(12):
        fetch_graph(client, "/catalog.ttl")


def test_dcat_json_lists_public_datasets(client: Client, site: None, budget: Dataset) -> None:
    make_dataset(budget.organization, "Không công khai", private=True)
    response = client.get("/dcat.json")
    assert response.status_code == 200
    rows = response.json()
    assert [row["identifier"] for row in rows] == [str(budget.pk)]
    row = rows[0]
    assert row["title"] == budget.title
    assert row["keyword"] == ["ngân sách", "tài chính"]
    assert row["publisher"] == {"name": "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"}
    assert row["license"] == "http://www.opendefinition.org/licenses/cc-by"
    assert [d["format"] for d in row["distribution"]] == ["CSV", "JSON"]
    assert client.get("/dcat.json?modified_since=2999-01-01").json() == []
