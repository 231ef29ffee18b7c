"""RDF graphs of datasets and catalogue pages, mapped as ckanext-dcat's DCAT-AP 3 profile does.

URIs follow ckanext-dcat so that consumers that learnt them from a CKAN site keep working:
``{base}/dataset/{id}``, ``{base}/dataset/{dataset id}/resource/{resource id}`` and
``{base}/organization/{organisation id}``. Unlike CKAN's default output, literals carry their
language (``@vi``, and ``@en`` for the English title and description), distributions carry the
dataset's licence and the catalogue states its language as the EU authority's URI.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.db.models import Prefetch, QuerySet
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from tinhso.opendata.models import Dataset, Resource

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
# rdflib's DCAT namespace is DCAT 2 and closed; DCAT 3 terms (dcat:version) come from this one.
DCAT3 = Namespace(str(DCAT))
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
VIETNAMESE = URIRef(EU_AUTHORITY + "language/VIE")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
# Formats with an entry in the EU file-type vocabulary are named by its URI (DCAT-AP 3 wants an
# IRI for dct:format); any other format stays a literal, as CKAN writes it.
EU_FILE_TYPES = frozenset(
    {"CSV", "TSV", "XLSX", "XLS", "ODS", "JSON", "GEOJSON", "XML", "PDF", "ZIP", "HTML", "TXT"}
    | {"DOCX", "DOC", "ODT", "KML", "KMZ", "SHP", "RDF", "TTL", "JSON_LD", "PARQUET", "WMS_SRVC"}
)
FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "xml": ("xml", "application/rdf+xml"),
    "n3": ("n3", "text/n3"),
    "jsonld": ("json-ld", "application/ld+json"),
}
PER_PAGE = 100


def new_graph() -> Graph:
    """An empty graph with the prefixes ckanext-dcat binds, so Turtle output reads the same."""
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("spdx", SPDX),
        ("hydra", HYDRA),
        ("skos", SKOS),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace, override=True)
    return graph


def dataset_uri(base: str, dataset: Dataset) -> URIRef:
    return URIRef(f"{base}/dataset/{dataset.pk}")


def distribution_uri(base: str, resource: Resource) -> URIRef:
    return URIRef(f"{base}/dataset/{resource.dataset_id}/resource/{resource.pk}")


def publisher_uri(base: str, dataset: Dataset) -> URIRef:
    return URIRef(f"{base}/organization/{dataset.organization_id}")


def download_url(base: str, resource: Resource) -> str:
    """Where an uploaded file is downloaded: CKAN's path, so CKAN-aware clients find it."""
    filename = PurePath(resource.upload.name or "").name
    return f"{base}/dataset/{resource.dataset_id}/resource/{resource.pk}/download/{filename}"


def frequency_uri(code: str) -> URIRef:
    """The EU frequency authority's URI for one of :class:`choices.Frequency`'s codes."""
    return URIRef(f"{EU_AUTHORITY}frequency/{code}")


def format_term(value: str) -> URIRef | Literal:
    code = value.strip().upper().replace("-", "_")
    if code in EU_FILE_TYPES:
        return URIRef(f"{EU_AUTHORITY}file-type/{code}")
    return Literal(value)


def _when(value: datetime.datetime) -> Literal:
    return Literal(value.astimezone(datetime.UTC).isoformat(), datatype=XSD.dateTime)


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, vi: str, en: str = "") -> None:
    if vi:
        graph.add((subject, predicate, Literal(vi, lang="vi")))
    if en:
        graph.add((subject, predicate, Literal(en, lang="en")))


def with_related(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """``datasets`` with everything :func:`add_dataset` reads, in a fixed number of queries."""
    return datasets.select_related("organization", "license", "spatial_unit").prefetch_related(
        "themes",
        "tags",
        Prefetch(
            "resources",
            queryset=Resource.objects.filter(state="active").order_by("position"),
            to_attr="active_resources",
        ),
    )


def active_resources(dataset: Dataset) -> Sequence[Resource]:
    prefetched = getattr(dataset, "active_resources", None)
    if prefetched is not None:
        return list(prefetched)
    return list(dataset.resources.filter(state="active").order_by("position"))


def add_dataset(graph: Graph, dataset: Dataset, *, base: str) -> URIRef:
    """Describe ``dataset``, its distributions, publisher and contact in ``graph``."""
    node = dataset_uri(base, dataset)
    graph.add((node, RDF.type, DCAT.Dataset))
    _texts(graph, node, DCTERMS.title, dataset.title, dataset.title_en)
    _texts(graph, node, DCTERMS.description, dataset.notes, dataset.notes_en)
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.pk))))
    graph.add((node, DCTERMS.language, VIETNAMESE))
    graph.add((node, DCTERMS.issued, _when(dataset.published_at or dataset.created)))
    graph.add((node, DCTERMS.modified, _when(dataset.modified)))
    if dataset.url:
        page = URIRef(dataset.url)
        graph.add((node, DCAT.landingPage, page))
        graph.add((page, RDF.type, FOAF.Document))
    if dataset.version:
        graph.add((node, DCAT3.version, Literal(dataset.version)))
    if dataset.frequency:
        graph.add((node, DCTERMS.accrualPeriodicity, frequency_uri(dataset.frequency)))
    for tag in dataset.tags.all():
        graph.add((node, DCAT.keyword, Literal(tag.name, lang="vi")))
    for theme in dataset.themes.all():
        if theme.uri:
            graph.add((node, DCAT.theme, URIRef(theme.uri)))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        graph.add((node, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            graph.add((period, DCAT.startDate, Literal(dataset.temporal_start)))
        if dataset.temporal_end:
            graph.add((period, DCAT.endDate, Literal(dataset.temporal_end)))
    if dataset.spatial_unit is not None:
        place = BNode()
        graph.add((node, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, SKOS.prefLabel, Literal(dataset.spatial_unit.name, lang="vi")))
    if dataset.contact_name or dataset.contact_email:
        contact = BNode()
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        if dataset.contact_name:
            graph.add((contact, VCARD.fn, Literal(dataset.contact_name, lang="vi")))
        if dataset.contact_email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    publisher = publisher_uri(base, dataset)
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(dataset.organization.title, lang="vi")))
    licence = dataset.license
    if licence is not None and licence.url:
        graph.add((URIRef(licence.url), RDF.type, DCTERMS.LicenseDocument))
        graph.add((URIRef(licence.url), DCTERMS.title, Literal(licence.title)))
    for resource in active_resources(dataset):
        graph.add((node, DCAT.distribution, _add_distribution(graph, resource, dataset, base)))
    return node


def _add_distribution(graph: Graph, resource: Resource, dataset: Dataset, base: str) -> URIRef:
    node = distribution_uri(base, resource)
    graph.add((node, RDF.type, DCAT.Distribution))
    _texts(graph, node, DCTERMS.title, resource.name)
    _texts(graph, node, DCTERMS.description, resource.description)
    graph.add((node, DCTERMS.issued, _when(resource.created)))
    graph.add((node, DCTERMS.modified, _when(resource.modified)))
    if resource.upload:
        url = URIRef(download_url(base, resource))
        graph.add((node, DCAT.accessURL, url))
        graph.add((node, DCAT.downloadURL, url))
    elif resource.url:
        graph.add((node, DCAT.accessURL, URIRef(resource.url)))
    if resource.format:
        graph.add((node, DCTERMS["format"], format_term(resource.format)))
    if resource.mimetype:
        graph.add((node, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + resource.mimetype)))
    if resource.size is not None:
        graph.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
    if resource.hash:
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(resource.hash, datatype=XSD.hexBinary)))
    if dataset.license is not None and dataset.license.url:
        graph.add((node, DCTERMS.license, URIRef(dataset.license.url)))
    return node


@dataclass(frozen=True)
class Catalogue:
    """What the ``dcat:Catalog`` node says about the portal."""

    uri: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    modified: datetime.datetime | None


@dataclass(frozen=True)
class Paging:
    """Where a catalogue page sits among ``total`` datasets; ``url_of(n)`` is page n's URL."""

    page: int
    total: int
    url_of: Callable[[int], str]


def last_page(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def catalogue_graph(
    catalogue: Catalogue, datasets: Iterable[Dataset], paging: Paging, *, base: str
) -> Graph:
    """One page of the catalogue: the catalogue node, its datasets and hydra paging."""
    graph = new_graph()
    node = URIRef(catalogue.uri)
    graph.add((node, RDF.type, DCAT.Catalog))
    _texts(graph, node, DCTERMS.title, catalogue.title_vi, catalogue.title_en)
    _texts(graph, node, DCTERMS.description, catalogue.description_vi, catalogue.description_en)
    graph.add((node, FOAF.homepage, URIRef(catalogue.uri)))
    graph.add((node, DCTERMS.language, VIETNAMESE))
    if catalogue.modified is not None:
        graph.add((node, DCTERMS.modified, _when(catalogue.modified)))
    for dataset in datasets:
        graph.add((node, DCAT.dataset, add_dataset(graph, dataset, base=base)))
    _add_paging(graph, paging)
    return graph


def _add_paging(graph: Graph, paging: Paging) -> None:
    """The hydra node, with both the current terms and the deprecated ``*Page`` ones that
    older harvesters (and ckanext-dcat's own fallback) read."""
    node = URIRef(paging.url_of(paging.page))
    last = last_page(paging.total)
    graph.add((node, RDF.type, HYDRA.PagedCollection))
    graph.add((node, HYDRA.totalItems, Literal(paging.total, datatype=XSD.integer)))
    graph.add((node, HYDRA.itemsPerPage, Literal(PER_PAGE, datatype=XSD.integer)))
    links = {"first": 1, "last": last}
    if paging.page < last:
        links["next"] = paging.page + 1
    if paging.page > 1:
        links["previous"] = min(paging.page - 1, last)
    for term, number in links.items():
        url = Literal(paging.url_of(number))
        graph.add((node, HYDRA[term], url))
        graph.add((node, HYDRA[f"{term}Page"], url))
