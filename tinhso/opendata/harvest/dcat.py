"""Gathering from a DCAT catalogue, as ckanext-dcat's RDF harvester does.

The catalogue is read page by page, following ``hydra:next`` (or the deprecated
``hydra:nextPage``) until a page has neither; each page's syntax is guessed from its URL's
extension, else from the Content-Type. A dataset's identity is its ``dct:identifier``, else its
URI. Vietnamese literals (``@vi``, or untagged) fill the main fields and ``@en`` ones the
English fields; themes are matched on their URI, licences on their URL.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF
from rdflib.term import Node
from rdflib.util import guess_format

from tinhso.opendata.dcat.graph import DCAT3, HYDRA, VCARD
from tinhso.opendata.forms import slug_for
from tinhso.opendata.harvest.remote import (
    Gathered,
    GatherError,
    RemoteDataset,
    RemoteResource,
    date_part,
    frequency_code,
    get,
)
from tinhso.opendata.models import HarvestSource, License, Theme

MAX_PAGES = 10_000
SYNTAX_BY_TYPE = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/n3": "n3",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
}
SCHEMA_START = URIRef("http://schema.org/startDate")
SCHEMA_END = URIRef("http://schema.org/endDate")


def _syntax(url: str, content_type: str) -> str:
    guessed = guess_format(url.split("?", 1)[0])
    if guessed:
        return guessed
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in SYNTAX_BY_TYPE:
        return SYNTAX_BY_TYPE[media_type]
    raise GatherError(
        _("Không nhận ra định dạng RDF của %(url)s (%(type)s).")
        % {"url": url, "type": content_type or "?"}
    )


def read_page(url: str) -> Graph:
    """One catalogue page as a graph.

    Raises:
        GatherError: unreachable, or not RDF in a syntax we can tell.
    """
    response = get(url)
    syntax = _syntax(url, response.headers.get("Content-Type", ""))
    try:
        return Graph().parse(data=response.content, format=syntax)
    except Exception as error:  # rdflib's parsers raise many unrelated exception types
        raise GatherError(
            _("%(url)s không phải RDF hợp lệ: %(error)s") % {"url": url, "error": error}
        ) from error


def next_page(graph: Graph) -> str:
    """The next page's URL from the hydra node, ``hydra:next`` before ``hydra:nextPage``."""
    for term in (HYDRA.next, HYDRA.nextPage):
        for _collection, _p, target in graph.triples((None, term, None)):
            return str(target)
    return ""


def gather(source: HarvestSource) -> Gathered:
    """Every dataset of the catalogue at ``source.url``, mapped.

    Raises:
        GatherError: a page cannot be read or parsed, or the paging loops.
    """
    gathered = Gathered()
    seen: set[str] = set()
    visited: set[str] = set()
    themes = dict(Theme.objects.exclude(uri="").values_list("uri", "name"))
    licences = dict(License.objects.exclude(url="").values_list("url", "id"))
    url = source.url
    while url:
        if url in visited or len(visited) >= MAX_PAGES:
            raise GatherError(_("Danh mục phân trang vòng lặp tại %(url)s.") % {"url": url})
        visited.add(url)
        graph = read_page(url)
        for node in graph.subjects(RDF.type, DCAT.Dataset, unique=True):
            try:
                remote = map_dataset(graph, node, themes=themes, licences=licences)
            except (ValueError, TypeError) as error:
                gathered.problems.append(
                    {
                        "guid": str(node),
                        "title": _first_text(graph, node, DCTERMS.title),
                        "level": "error",
                        "message": str(error),
                    }
                )
                continue
            if remote.guid not in seen:
                seen.add(remote.guid)
                gathered.datasets.append(remote)
        url = next_page(graph)
    return gathered


def _literals(graph: Graph, node: Node, predicate: URIRef) -> list[Literal]:
    return [value for value in graph.objects(node, predicate) if isinstance(value, Literal)]


def _first_text(graph: Graph, node: Node, predicate: URIRef, *, lang: str = "vi") -> str:
    """The literal in ``lang``, else an untagged one (for ``vi``), else any; empty if none."""
    values = _literals(graph, node, predicate)
    for wanted in [lang, None] if lang == "vi" else [lang]:
        for value in values:
            if value.language == wanted:
                return str(value).strip()
    return str(values[0]).strip() if values and lang == "vi" else ""


def _uri(graph: Graph, node: Node, predicate: URIRef) -> str:
    value = graph.value(node, predicate)
    return str(value) if value is not None else ""


def map_dataset(
    graph: Graph, node: Node, *, themes: dict[str, str], licences: dict[str, str]
) -> RemoteDataset:
    """A ``dcat:Dataset`` node as a :class:`RemoteDataset`."""
    title = _first_text(graph, node, DCTERMS.title)
    if not title:
        raise ValueError(_("Bộ dữ liệu %(uri)s không có tiêu đề (dct:title).") % {"uri": node})
    guid = _first_text(graph, node, DCTERMS.identifier) or str(node)
    keywords = sorted({str(value).strip() for value in _literals(graph, node, DCAT.keyword)})
    contact = graph.value(node, DCAT.contactPoint)
    period = graph.value(node, DCTERMS.temporal)
    resources: list[RemoteResource] = []
    licence = _uri(graph, node, DCTERMS.license)
    for distribution in graph.objects(node, DCAT.distribution):
        url = _uri(graph, distribution, DCAT.downloadURL) or _uri(
            graph, distribution, DCAT.accessURL
        )
        if not url:
            continue
        licence = licence or _uri(graph, distribution, DCTERMS.license)
        fmt = graph.value(distribution, DCTERMS["format"])
        resources.append(
            RemoteResource(
                key=str(distribution) if isinstance(distribution, URIRef) else url,
                name=_first_text(graph, distribution, DCTERMS.title)
                or url.rstrip("/").rsplit("/", 1)[-1],
                url=url,
                description=_first_text(graph, distribution, DCTERMS.description),
                format=str(fmt).rstrip("/").rsplit("/", 1)[-1] if fmt is not None else "",
            )
        )
    resources.sort(key=lambda resource: resource.key)
    fields: dict[str, Any] = {
        "title": title,
        "title_en": _first_text(graph, node, DCTERMS.title, lang="en"),
        "notes": _first_text(graph, node, DCTERMS.description),
        "notes_en": _first_text(graph, node, DCTERMS.description, lang="en"),
        "license": licences.get(licence, ""),
        "tags": keywords,
        "themes": sorted(
            themes[str(theme)] for theme in graph.objects(node, DCAT.theme) if str(theme) in themes
        ),
        "url": _uri(graph, node, DCAT.landingPage),
        "version": _first_text(graph, node, DCAT3.version)
        or _first_text(graph, node, OWL.versionInfo),
        "contact_name": _first_text(graph, contact, VCARD.fn) if contact is not None else "",
        "contact_email": (
            _uri(graph, contact, VCARD.hasEmail).removeprefix("mailto:")
            if contact is not None
            else ""
        ),
        "frequency": frequency_code(_uri(graph, node, DCTERMS.accrualPeriodicity)),
        "temporal_start": "",
        "temporal_end": "",
        "extras": {"uri": str(node)} if isinstance(node, URIRef) else {},
    }
    if period is not None:
        fields["temporal_start"] = date_part(
            graph.value(period, DCAT.startDate) or graph.value(period, SCHEMA_START)
        )
        fields["temporal_end"] = date_part(
            graph.value(period, DCAT.endDate) or graph.value(period, SCHEMA_END)
        )
    return RemoteDataset(
        guid=guid, name=slug_for(title), title=title, fields=fields, resources=resources
    )
